import CustodyCore
import EvidenceStore
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A regular source file opened for reading, checked to be the file the walk found and, after it is
/// read, checked not to have changed.
final class SourceFile {
    let fd: FileDescriptor
    let path: RawPath
    let status: stat

    /// Opens `entry` without following links and without blocking (a FIFO swapped in cannot hang us).
    /// - Throws: `StoreError.sourceUnreadable` naming the file.
    init(_ entry: FoundEntry) throws {
        let raw = withCString(entry.name) {
            openat(entry.directory.rawValue, $0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        }
        guard raw >= 0 else {
            throw StoreError(
                code: .sourceUnreadable,
                message: "cannot open \(entry.path.displayString): \(Errno(rawValue: errno))")
        }
        var status = stat()
        guard fstat(raw, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG,
            status.st_dev == entry.status.st_dev, status.st_ino == entry.status.st_ino
        else {
            close(raw)
            throw StoreError(
                code: .sourceChanged,
                message: "\(entry.path.displayString) was replaced while the import ran")
        }
        self.fd = FileDescriptor(rawValue: raw)
        self.path = entry.path
        self.status = status
        _ = posix_fadvise(raw, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    deinit { try? fd.close() }

    var size: Int64 { Int64(status.st_size) }

    var modificationTimeNanoseconds: Int64 {
        Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
    }

    /// Reads into `buffer` from the current position; 0 at the end.
    /// - Throws: `StoreError.sourceUnreadable` naming the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try fd.read(into: buffer, retryOnInterrupt: true)
        } catch {
            throw StoreError(
                code: .sourceUnreadable, message: "cannot read \(path.displayString)", cause: error as? Errno)
        }
    }

    /// Checks that size, modification and change times are what they were when the file was opened.
    /// - Throws: `StoreError.sourceChanged`.
    func checkUnchanged() throws {
        var now = stat()
        guard fstat(fd.rawValue, &now) == 0 else {
            throw StoreError(
                code: .sourceUnreadable, message: "cannot stat \(path.displayString): \(Errno(rawValue: errno))")
        }
        guard now.st_size == status.st_size, now.st_mtim.tv_sec == status.st_mtim.tv_sec,
            now.st_mtim.tv_nsec == status.st_mtim.tv_nsec, now.st_ctim.tv_sec == status.st_ctim.tv_sec,
            now.st_ctim.tv_nsec == status.st_ctim.tv_nsec
        else {
            throw StoreError(
                code: .sourceChanged,
                message:
                    "\(path.displayString) changed while it was read (size or modification time moved); it will be retried on the next import"
            )
        }
    }
}
