import Foundation

/// A scratch directory named after the test that made it, removed when the test is done with it.
public final class TemporaryDirectory: Sendable {
    /// Its absolute path.
    public let path: String

    /// Creates `/tmp/custody-tests/<name>-<random>`.
    public init(_ name: String = #function) throws {
        let safe = name.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("custody-tests")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let url = base.appendingPathComponent("\(String(safe.prefix(60)))-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        path = url.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/relative`.
    public func file(_ relative: String) -> String { path + "/" + relative }

    /// Writes `bytes` to `relative`, creating folders on the way.
    @discardableResult
    public func write(_ bytes: [UInt8], to relative: String) throws -> String {
        let full = file(relative)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }
}

/// Deterministic pseudo-random bytes (xorshift), so test data is varied but reproducible.
public func testBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    var out = [UInt8](repeating: 0, count: count)
    out.withUnsafeMutableBytes { raw in
        var index = 0
        while index < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            withUnsafeBytes(of: state) { word in
                let n = min(8, count - index)
                for offset in 0..<n { raw[index + offset] = word[offset] }
            }
            index += 8
        }
    }
    return out
}

/// A source for `ObjectWriter.write(read:)` that hands out `bytes` in pieces of at most `piece` bytes,
/// as a slow or chunked device would.
public func feeding(_ bytes: [UInt8], piece: Int = .max) -> (UnsafeMutableRawBufferPointer) -> Int {
    nonisolated(unsafe) var offset = 0
    return { buffer in
        let n = min(buffer.count, bytes.count - offset, piece)
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + n])) }
        offset += n
        return n
    }
}
