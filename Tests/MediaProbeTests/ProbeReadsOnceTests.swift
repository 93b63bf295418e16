import CustodyCore
import Foundation
import MediaProbe
import Testing

/// A small file is pulled from its source (the store's decrypting reader) at most once per byte.
@Suite struct ProbeReadsOnceTests {
    /// Remembers every byte range it served.
    final class RecordingSource: RandomAccessSource {
        let base: any RandomAccessSource
        var ranges: [Range<Int64>] = []
        init(_ base: any RandomAccessSource) { self.base = base }
        var length: Int64 { base.length }
        func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            let got = try base.read(at: offset, into: buffer)
            if got > 0 { ranges.append(offset..<offset + Int64(got)) }
            return got
        }

        /// Bytes served more than once.
        var bytesReadAgain: Int64 {
            var seen: [Range<Int64>] = []
            var again: Int64 = 0
            for range in ranges {
                for earlier in seen where earlier.overlaps(range) {
                    again += min(earlier.upperBound, range.upperBound) - max(earlier.lowerBound, range.lowerBound)
                }
                seen.append(range)
            }
            return again
        }
    }

    @Test(arguments: FFprobeAgreementTests.media + ["truncated-moov-at-end.mp4", "truncated.avi", "random.bin"])
    func eachByteOfASmallFileIsReadAtMostOnce(_ name: String) throws {
        let source = RecordingSource(try FileSource(ProbeMedia.path(name)))
        let metadata = MediaProber(assumedZone: TimeZone(identifier: "UTC")!).probe(source, context: .init(fileName: name))
        #expect(metadata.unreadable == nil || name == "random.bin")
        #expect(!source.ranges.isEmpty)
        #expect(source.bytesReadAgain == 0, "\(name): \(source.ranges)")
    }
}
