import SystemPackage

/// Reads of a stored object that go to the disk, not the page cache: with O_DIRECT where the
/// filesystem takes it, so the check reads what the disk holds and the kernel copies nothing (the
/// device writes straight into the buffer); elsewhere (tmpfs on older kernels, some FUSE mounts)
/// buffered reads. The caller drops the file's cached pages when it opens it (`ObjectVerifier`), so
/// the small reads it makes first, such as the object header, come from the disk too, and so does
/// everything in the buffered fallback.
///
/// O_DIRECT wants the file offset, the length and the buffer aligned (`DirectIO`), so a read of
/// `length` bytes at `offset` reads the enclosing aligned range and the bytes asked for start
/// `DirectIO.prefix(of: offset)` bytes into the buffer — in both modes, so callers find them at the
/// same place either way.
final class UncachedReads {
    private let fd: FileDescriptor
    private(set) var isDirect: Bool

    /// Reads through `fd`, turning direct I/O on where possible (`direct` false: never, as on a
    /// filesystem that refuses it).
    init(_ fd: FileDescriptor, direct: Bool = true) {
        self.fd = fd
        isDirect = direct && DirectIO.set(true, for: fd)
    }

    /// Reads up to `length` bytes at `offset` into `buffer` (of at least `length + DirectIO.slack` bytes, its
    /// start page-aligned) and returns them: fewer only at the end of the file.
    /// - Throws: `Errno` of the read.
    func read(at offset: Int64, length: Int, into buffer: UnsafeMutableRawBufferPointer) throws
        -> UnsafeRawBufferPointer
    {
        let prefix = DirectIO.prefix(of: offset)
        let start = offset - Int64(prefix)
        let total = DirectIO.roundedUp(prefix + length)
        precondition(total <= buffer.count, "an uncached read needs \(total) bytes of buffer, has \(buffer.count)")
        var filled = 0
        while filled < total {
            let got: Int
            do {
                got = try fd.read(
                    fromAbsoluteOffset: start + Int64(filled),
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<total]))
            } catch Errno.invalidArgument where isDirect {
                // The filesystem took the flag but not the read: read this file through the cache.
                isDirect = false
                DirectIO.set(false, for: fd)
                continue
            }
            if got == 0 { break }
            filled += got
            // A direct read comes back short only at the end of the file.
            if isDirect && got % DirectIO.alignment != 0 { break }
        }
        let available = max(0, min(length, filled - prefix))
        return UnsafeRawBufferPointer(rebasing: buffer[prefix..<prefix + available])
    }
}
