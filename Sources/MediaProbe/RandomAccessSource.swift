/// Bytes that can be read at any offset: the store's decrypting reader in production, a file or a
/// buffer in tests. Probing reads media only through this, so no plaintext file is ever needed.
public protocol RandomAccessSource: AnyObject {
    /// Total length in bytes.
    var length: Int64 { get }
    /// Copies bytes starting at `offset` into `buffer`; returns how many (0 at the end).
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Counts the bytes a probe pulls from its source (for the "reads only what it needs" checks).
public final class CountingSource: RandomAccessSource {
    private let base: any RandomAccessSource
    /// Bytes returned so far.
    public private(set) var bytesRead: Int64 = 0
    /// Read calls so far.
    public private(set) var reads = 0

    /// Wraps `base`.
    public init(_ base: any RandomAccessSource) { self.base = base }

    public var length: Int64 { base.length }

    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let got = try base.read(at: offset, into: buffer)
        bytesRead += Int64(got)
        reads += 1
        return got
    }
}
