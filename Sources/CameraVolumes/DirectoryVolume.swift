import CustodyCore
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A folder as a camera volume: an already-mounted card, a copied camera volume, a share.
///
/// The walk never follows symbolic links and visits entries in a stable (byte-sorted) order. Names
/// are handled as bytes, so non-UTF-8 and newline-bearing names survive. Every directory is opened
/// relative to its parent with `O_NOFOLLOW`, so nothing outside the root is reached even if the tree
/// changes during the walk. A directory seen twice (a bind-mount loop) is skipped; FIFOs, devices and
/// sockets are skipped and reported.
public final class DirectoryVolume: CameraVolume {
    /// Where a file found by the walk is: valid only during the visit.
    struct Location {
        var directory: FileDescriptor
        var name: [UInt8]
        var status: stat
    }

    /// The root directory.
    public let rootPath: FilePath

    public var root: String { rootPath.string }
    public var summary: String { "directory \(rootPath)" }

    /// Creates a volume for the directory `root` (an absolute path). Nothing is opened until `walk`.
    public init(root: FilePath) { self.rootPath = root }

    /// - Throws: `VolumeError.unavailable` when the root itself cannot be opened; whatever `visit` throws.
    public func walk(_ visit: (VolumeItem) throws -> Void) throws {
        let fd = Glibc.open(rootPath.string, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw VolumeError(
                code: .unavailable,
                message:
                    "cannot open import directory \(rootPath): \(Errno(rawValue: errno)); check the path and permissions"
            )
        }
        var visited = Set<[UInt64]>()
        try walk(directory: FileDescriptor(rawValue: fd), path: RawPath(bytes: []), visited: &visited, visit)
    }

    public func open(_ file: VolumeFile) throws -> any VolumeFileReader {
        guard case .directory(let location) = file.location else {
            throw VolumeError(code: .unsupported, message: "\(file.path.displayString) is not from this directory")
        }
        return try DirectoryFileReader(location, path: file.path)
    }

    /// - Throws: `VolumeError.unsupported`: a mounted folder belongs to whoever mounted it; Custody
    ///   deletes only from volumes it parses itself.
    public func wipe(_ files: [VolumeFile]) throws -> WipeReport {
        throw VolumeError(
            code: .unsupported,
            message:
                "wipe is done only on camera volumes Custody reads itself (an image or a block device), not on the directory \(rootPath)"
        )
    }

    private func walk(
        directory: FileDescriptor, path: RawPath, visited: inout Set<[UInt64]>, _ visit: (VolumeItem) throws -> Void
    ) throws {
        defer { try? directory.close() }
        var info = stat()
        if fstat(directory.rawValue, &info) == 0 {
            guard visited.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted else {
                try visit(.skipped(path: path, reason: "directory already visited (a loop)"))
                return
            }
        }
        for name in try names(in: directory, path: path) {
            let entryPath = path.appending(component: name)
            var status = stat()
            let statted = withCString(name) { fstatat(directory.rawValue, $0, &status, AT_SYMLINK_NOFOLLOW) == 0 }
            guard statted else {
                try visit(.skipped(path: entryPath, reason: "cannot stat: \(Errno(rawValue: errno))"))
                continue
            }
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                let modified = VolumeTimestamp(
                    nanosecondsSinceEpoch: Int64(status.st_mtim.tv_sec) * 1_000_000_000
                        + Int64(status.st_mtim.tv_nsec))
                try visit(
                    .file(
                        VolumeFile(
                            path: entryPath, size: Int64(status.st_size), modified: modified, created: nil,
                            location: .directory(Location(directory: directory, name: name, status: status)))))
            case S_IFDIR:
                let child = withCString(name) {
                    openat(directory.rawValue, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                }
                guard child >= 0 else {
                    try visit(.skipped(path: entryPath, reason: "cannot open directory: \(Errno(rawValue: errno))"))
                    continue
                }
                try walk(directory: FileDescriptor(rawValue: child), path: entryPath, visited: &visited, visit)
            case S_IFLNK:
                try visit(.skipped(path: entryPath, reason: "symbolic link (never followed)"))
            case S_IFIFO:
                try visit(.skipped(path: entryPath, reason: "FIFO (not a regular file)"))
            case S_IFCHR, S_IFBLK:
                try visit(.skipped(path: entryPath, reason: "device file (not a regular file)"))
            case S_IFSOCK:
                try visit(.skipped(path: entryPath, reason: "socket (not a regular file)"))
            default:
                try visit(.skipped(path: entryPath, reason: "unknown file type"))
            }
        }
    }

    /// The entry names of a directory (raw bytes), sorted.
    private func names(in directory: FileDescriptor, path: RawPath) throws -> [[UInt8]] {
        // fdopendir takes ownership of its descriptor: give it a duplicate so `directory` stays usable.
        let duplicate = dup(directory.rawValue)
        guard duplicate >= 0, let stream = fdopendir(duplicate) else {
            if duplicate >= 0 { close(duplicate) }
            throw VolumeError(
                code: .unavailable,
                message: "cannot list directory \(path.displayString): \(Errno(rawValue: errno))")
        }
        defer { closedir(stream) }
        var names: [[UInt8]] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name == [0x2e] || name == [0x2e, 0x2e] { continue }
            names.append(name)
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }
}

/// A regular file of a directory volume opened for reading, checked to be the file the walk found
/// and, after it is read, checked not to have changed.
final class DirectoryFileReader: VolumeFileReader {
    let fd: FileDescriptor
    let path: RawPath
    let status: stat

    /// Opens the file without following links and without blocking (a FIFO swapped in cannot hang us).
    /// - Throws: `VolumeError.unreadable` or `.changed` naming the file.
    init(_ location: DirectoryVolume.Location, path: RawPath) throws {
        let raw = withCString(location.name) {
            openat(location.directory.rawValue, $0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        }
        guard raw >= 0 else {
            throw VolumeError(
                code: .unreadable, message: "cannot open \(path.displayString): \(Errno(rawValue: errno))")
        }
        var status = stat()
        guard fstat(raw, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG,
            status.st_dev == location.status.st_dev, status.st_ino == location.status.st_ino
        else {
            close(raw)
            throw VolumeError(code: .changed, message: "\(path.displayString) was replaced while the import ran")
        }
        self.fd = FileDescriptor(rawValue: raw)
        self.path = path
        self.status = status
        _ = posix_fadvise(raw, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    deinit { try? fd.close() }

    var size: Int64 { Int64(status.st_size) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try fd.read(into: buffer, retryOnInterrupt: true)
        } catch {
            throw VolumeError(code: .unreadable, message: "cannot read \(path.displayString)", cause: error as? Errno)
        }
    }

    func checkUnchanged() throws {
        var now = stat()
        guard fstat(fd.rawValue, &now) == 0 else {
            throw VolumeError(
                code: .unreadable, message: "cannot stat \(path.displayString): \(Errno(rawValue: errno))")
        }
        guard now.st_size == status.st_size, now.st_mtim.tv_sec == status.st_mtim.tv_sec,
            now.st_mtim.tv_nsec == status.st_mtim.tv_nsec, now.st_ctim.tv_sec == status.st_ctim.tv_sec,
            now.st_ctim.tv_nsec == status.st_ctim.tv_nsec
        else {
            throw VolumeError(
                code: .changed,
                message:
                    "\(path.displayString) changed while it was read (size or modification time moved); it will be retried on the next import"
            )
        }
    }
}

/// Calls `body` with `name` as a NUL-terminated C string.
func withCString<R>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
    (name + [0]).withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
    }
}
