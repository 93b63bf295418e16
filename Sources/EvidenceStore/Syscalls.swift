import CSystemShims
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few POSIX calls swift-system does not wrap, each retried on EINTR and mapped to `Errno`.
enum Syscalls {
    static func fsync(_ fd: FileDescriptor) throws(Errno) {
        try retrying { Glibc.fsync(fd.rawValue) }
    }

    /// Flushes every dirty page and inode of the filesystem holding `fd` (Linux `syncfs`).
    static func syncFilesystem(_ fd: FileDescriptor) throws(Errno) {
        try retrying { CSystemShims_syncfs(fd.rawValue) }
    }

    /// Reserves `length` bytes for a file, so a full disk shows up before any data is written.
    static func allocate(_ fd: FileDescriptor, length: Int64) throws(Errno) {
        guard length > 0 else { return }
        var result: Int32
        repeat { result = posix_fallocate(fd.rawValue, 0, off_t(length)) } while result == EINTR
        // Filesystems without fallocate support still get the write-time ENOSPC check.
        if result != 0 && result != EOPNOTSUPP && result != EINVAL { throw Errno(rawValue: result) }
    }

    /// Tells the kernel to drop a file's cached pages, so the next read comes from the disk.
    static func dropCache(_ fd: FileDescriptor) {
        _ = posix_fadvise(fd.rawValue, 0, 0, POSIX_FADV_DONTNEED)
    }

    /// Tells the kernel the file will be read sequentially (bigger readahead).
    static func adviseSequential(_ fd: FileDescriptor) {
        _ = posix_fadvise(fd.rawValue, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    static func fileSize(_ fd: FileDescriptor) throws(Errno) -> Int64 {
        var info = stat()
        try retrying { fstat(fd.rawValue, &info) }
        return Int64(info.st_size)
    }

    private static func retrying(_ call: () -> Int32) throws(Errno) {
        while call() != 0 {
            let error = Errno(rawValue: errno)
            if error != .interrupted { throw error }
        }
    }
}

extension Errno {
    /// True for "no space" and "quota exceeded": both mean the store cannot take more.
    var meansDiskFull: Bool { self == .noSpace || self.rawValue == Glibc.EDQUOT }
}
