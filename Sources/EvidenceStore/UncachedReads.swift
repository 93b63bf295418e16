import CSystemShims
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Reads of a stored object that go to the disk, not the page cache: with O_DIRECT where the
/// filesystem takes it, so the check reads what the disk holds and the kernel copies nothing (the
/// device writes straight into the buffer); elsewhere (tmpfs on older kernels, some FUSE mounts)
/// buffered reads of a file whose cached pages were dropped, as before.
///
/// O_DIRECT wants the file offset, the length and the buffer aligned, so a read of `length` bytes
/// at `offset` reads the enclosing aligned range and the bytes asked for start `prefix(of: offset)`
/// bytes into the buffer — in both modes, so callers find them at the same place either way.
final class UncachedReads {
    /// The alignment O_DIRECT needs on every filesystem Linux has (its largest logical block).
    static let alignment = 4096
    /// The room a buffer needs beyond the bytes it is to hold: the prefix and the rounded-up tail.
    static let slack = 2 * alignment

    private let fd: FileDescriptor
    private(set) var isDirect: Bool

    /// Reads through `fd`, dropping its cached pages and turning direct I/O on where possible
    /// (`direct` false: never, as on a filesystem that refuses it).
    init(_ fd: FileDescriptor, direct: Bool = true) {
        self.fd = fd
        Syscalls.dropCache(fd)
        Syscalls.adviseSequential(fd)
        isDirect = direct && CSystemShims_setDirectIO(fd.rawValue, 1) == 0
    }

    /// Where in the buffer the byte at file offset `offset` lands.
    static func prefix(of offset: Int64) -> Int { Int(offset % Int64(alignment)) }

    /// Reads up to `length` bytes at `offset` into `buffer` (of at least `length + slack` bytes, its
    /// start page-aligned) and returns them: fewer only at the end of the file.
    /// - Throws: `Errno` of the read.
    func read(at offset: Int64, length: Int, into buffer: UnsafeMutableRawBufferPointer) throws
        -> UnsafeRawBufferPointer
    {
        let prefix = Self.prefix(of: offset)
        let start = offset - Int64(prefix)
        let total = Self.roundedUp(prefix + length)
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
                _ = CSystemShims_setDirectIO(fd.rawValue, 0)
                continue
            }
            if got == 0 { break }
            filled += got
            // A direct read comes back short only at the end of the file.
            if isDirect && got % Self.alignment != 0 { break }
        }
        let available = max(0, min(length, filled - prefix))
        return UnsafeRawBufferPointer(rebasing: buffer[prefix..<prefix + available])
    }

    private static func roundedUp(_ count: Int) -> Int { (count + alignment - 1) / alignment * alignment }
}
