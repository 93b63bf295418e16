import CustodyCore
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// One thing found under an import root.
public struct FoundEntry {
    /// The directory that holds it, open for `openat`; valid only during the visit.
    public var directory: FileDescriptor
    /// Its name in that directory (raw bytes, no terminator).
    public var name: [UInt8]
    /// Its path below the root.
    public var path: RawPath
    /// What `fstatat(…, AT_SYMLINK_NOFOLLOW)` said of it.
    public var status: stat
}

/// What a walk reports for each entry.
public enum WalkItem {
    /// A regular file, to ingest.
    case file(FoundEntry)
    /// Something not ingested (a symlink, a FIFO, a device, a socket, an unreadable directory), and why.
    case skipped(path: RawPath, reason: String)
}

/// Walks a directory tree without following symbolic links, in a stable (byte-sorted) order.
///
/// Names are handled as bytes, so non-UTF-8 and newline-bearing names survive. Every directory is
/// opened relative to its parent with `O_NOFOLLOW`, so nothing outside the root is reached even if
/// the tree changes during the walk. A directory seen twice (a bind-mount loop) is skipped.
public struct DirectoryWalker {
    /// The root directory.
    public let root: FilePath

    /// Creates a walker for `root`.
    public init(root: FilePath) { self.root = root }

    /// Visits every entry below the root, depth first.
    /// - Throws: `IngestError.sourceUnavailable` when the root itself cannot be opened; whatever `visit` throws.
    public func walk(_ visit: (WalkItem) throws -> Void) throws {
        let fd = open(root.string, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw IngestError(
                code: .sourceUnavailable,
                message:
                    "cannot open import directory \(root): \(Errno(rawValue: errno)); check the path and permissions")
        }
        var visited = Set<[UInt64]>()
        try walk(directory: FileDescriptor(rawValue: fd), path: RawPath(bytes: []), visited: &visited, visit)
    }

    private func walk(
        directory: FileDescriptor, path: RawPath, visited: inout Set<[UInt64]>, _ visit: (WalkItem) throws -> Void
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
                try visit(.file(FoundEntry(directory: directory, name: name, path: entryPath, status: status)))
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
            throw IngestError(
                code: .sourceUnavailable,
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

/// Calls `body` with `name` as a NUL-terminated C string.
func withCString<R>(_ name: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
    (name + [0]).withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
    }
}
