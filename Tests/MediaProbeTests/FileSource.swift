import Foundation
import MediaProbe

/// A `RandomAccessSource` over a file, for probing test media directly.
final class FileSource: RandomAccessSource {
    private let handle: FileHandle
    let length: Int64

    init(_ path: String) throws {
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        length = Int64(try FileManager.default.attributesOfItem(atPath: path)[.size] as! UInt64)
    }

    deinit { try? handle.close() }

    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard offset < length else { return 0 }
        try handle.seek(toOffset: UInt64(offset))
        let data = try handle.read(upToCount: buffer.count) ?? Data()
        data.copyBytes(to: buffer)
        return data.count
    }
}
