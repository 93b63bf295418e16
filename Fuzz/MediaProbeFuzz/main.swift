// libFuzzer target for the parsers of MediaProbe that read untrusted bytes: file-name rule templates
// and names, the EXIF reader, ISO 6709 locations, and a whole probe of arbitrary bytes through the
// custom AVIOContext. Built and run by `make fuzz-media` (not part of CI); a crash, a hang (libFuzzer's
// -timeout) or runaway memory (-rss_limit_mb) is a finding.

import Foundation

@testable import MediaProbe

/// A read-only in-memory source.
final class BytesSource: RandomAccessSource {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var length: Int64 { Int64(bytes.count) }
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard offset < length else { return 0 }
        let count = min(buffer.count, bytes.count - Int(offset))
        bytes.withUnsafeBytes {
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[Int(offset)..<Int(offset) + count]))
        }
        return count
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let body = Array(bytes.dropFirst())
    switch bytes[0] % 4 {
    case 0:
        // A template and a name, separated by a NUL.
        let parts = body.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        let template = String(decoding: parts[0], as: UTF8.self)
        let name = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : "20240501_100000_0001_D_P.mp4"
        if let rule = try? FileNameRule(name: "fuzz", template: template) { _ = rule.fields(of: name) }
        for rule in FileNameRule.builtIn { _ = rule.fields(of: name) }
    case 1:
        _ = ExifReader.read(jpeg: [0xff, 0xd8] + body)
    case 2:
        _ = ISO6709.parse(String(decoding: body, as: UTF8.self))
    default:
        _ = MediaProber().probe(BytesSource(body), context: .init(fileName: "fuzz.bin"))
    }
    return 0
}
