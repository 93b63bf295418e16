import SystemPackage

/// Writes of a new object that bypass the page cache (O_DIRECT) where the filesystem takes it: the
/// device reads the sealed bytes straight from the writer's buffer, so the kernel copies nothing and
/// no evidence ciphertext lingers in the cache; elsewhere, buffered writes as before. Either way the
/// object is durable only after the commit's `syncfs`.
///
/// O_DIRECT wants offsets, lengths and buffers aligned to `DirectIO.alignment`, so the writer
/// lays each block out at its aligned place in the file (`DirectIO.prefix(of:)`) and writes whole
/// pages; only the object's last write may end inside a page, and is padded, then cut back by
/// `finish(length:)`.
final class UncachedWrites {
    private let fd: FileDescriptor
    private let path: FilePath
    private let store: EvidenceStore
    private(set) var isDirect: Bool
    private var padded = false

    /// Writes through `fd` (the partial object at `path`), with direct I/O where possible (`direct`
    /// false: never, as on a filesystem that refuses it).
    init(_ fd: FileDescriptor, path: FilePath, store: EvidenceStore, direct: Bool = true) {
        self.fd = fd
        self.path = path
        self.store = store
        isDirect = direct && DirectIO.set(true, for: fd)
    }

    /// Writes the first `count` bytes of `buffer` (page-aligned, with room to round `count` up to a
    /// page) at the page-aligned `offset`. A `count` that is not a whole number of pages ends the
    /// object: under direct I/O it is padded with zeros, which `finish(length:)` cuts off.
    /// - Throws: `StoreError` (`.diskFull`, `.io`) naming the object.
    func write(_ buffer: UnsafeMutableRawBufferPointer, count: Int, at offset: Int64) throws {
        precondition(offset % Int64(DirectIO.alignment) == 0, "an uncached write starts on a page")
        var length = count
        if isDirect && count % DirectIO.alignment != 0 {
            length = DirectIO.roundedUp(count)
            precondition(
                length <= buffer.count, "an uncached write needs \(length) bytes of buffer, has \(buffer.count)")
            UnsafeMutableRawBufferPointer(rebasing: buffer[count..<length]).initializeMemory(
                as: UInt8.self, repeating: 0)
            padded = true
        }
        do {
            _ = try fd.writeAll(toAbsoluteOffset: offset, UnsafeRawBufferPointer(rebasing: buffer[..<length]))
        } catch Errno.invalidArgument where isDirect {
            // The filesystem took the flag but not the write: write this object through the cache.
            isDirect = false
            padded = false
            DirectIO.set(false, for: fd)
            try write(buffer, count: count, at: offset)
        } catch {
            throw store.writeError(error, path: path)
        }
    }

    /// Cuts the file back to the object's `length` if the last write was padded.
    /// - Throws: `StoreError.io`.
    func finish(length: Int64) throws {
        guard padded else { return }
        do {
            try fd.resize(to: length)
        } catch {
            throw store.writeError(error, path: path)
        }
    }
}
