/// A source whose first bytes are read once and kept: probing looks at the head itself (signature,
/// EXIF, RIFF size) and FFmpeg reads it again, and a small file is read whole by the demuxer's probe,
/// its stream analysis and the damage check. Through this, each byte of a small file is pulled from
/// the store's decrypting reader at most once, and of a large file its head at most once.
final class PrefixCachedSource: RandomAccessSource {
    /// Files up to this size are read whole, once, up front.
    static let wholeFileLimit: Int64 = 4 << 20

    private let base: any RandomAccessSource
    /// The first bytes of `base`: all of it when it is small, else at least `headCount` bytes.
    private(set) var prefix: [UInt8]
    let length: Int64

    /// Reads the prefix of `base`: the whole source when it is at most `wholeFileLimit` bytes, else
    /// its first `headCount` bytes.
    /// - Throws: what `base` throws.
    init(_ base: any RandomAccessSource, headCount: Int) throws {
        self.base = base
        length = base.length
        let count = length <= Self.wholeFileLimit ? Int(length) : min(headCount, Int(length))
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = try bytes.withUnsafeMutableBytes {
                try base.read(at: Int64(filled), into: UnsafeMutableRawBufferPointer(rebasing: $0[filled...]))
            }
            if got == 0 { break }
            filled += got
        }
        bytes.removeLast(count - filled)
        prefix = bytes
    }

    deinit {
        // Plaintext evidence: clear it before the allocator hands the memory to someone else.
        _ = prefix.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
    }

    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard offset < length, buffer.count > 0 else { return 0 }
        if offset < Int64(prefix.count) {
            let start = Int(offset)
            let count = min(buffer.count, prefix.count - start)
            prefix.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: buffer[..<count])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start..<start + count]))
            }
            // A short read is allowed by the protocol; the caller asks again for the rest.
            return count
        }
        return try base.read(at: offset, into: buffer)
    }
}
