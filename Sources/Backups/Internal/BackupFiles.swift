import CustodyCore
import EvidenceCrypto
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The file steps backups, restores and prunes share: a hashed, fsynced copy under a temporary name,
/// a durable rename, an overwrite before unlinking. Every failure names the file.
enum BackupFiles {
    static let blockSize = 1 << 20

    /// Copies `object`'s file from `source` to `partial` as `copy` does and checks it is the object the
    /// catalog names (its SHA-256 and size); a copy that is not is removed and refused with `damaged`.
    /// - Throws: `BackupError.corruptObject`, and `copy`'s errors.
    static func copyObject(
        _ object: SnapshotContents.Object, from source: FilePath, to partial: FilePath,
        missing: @autoclosure () -> String, moved: (Int64) -> Void = { _ in },
        damaged: (SHA256Digest, Int64) -> String
    ) throws {
        let (hash, length) = try copy(source, to: partial, missing: missing(), moved: moved)
        guard hash == object.hash, length == object.size else {
            try remove(partial)
            throw BackupError(code: .corruptObject, message: damaged(hash, length))
        }
    }

    /// Copies `source` to a new file at `destination` (mode 0400, like the store's objects; 0600 with
    /// `writable`), hashing the bytes as they are read, and fsyncs it. Returns the SHA-256 and the
    /// length; `moved` is told each block's length as it is written. On failure nothing is left at
    /// `destination`.
    /// - Throws: `BackupError.missingObject` when `source` is not there; `.diskFull`; `.io`.
    static func copy(
        _ source: FilePath, to destination: FilePath, missing: @autoclosure () -> String, writable: Bool = false,
        moved: (Int64) -> Void = { _ in }
    ) throws -> (hash: SHA256Digest, length: Int64) {
        let input: FileDescriptor
        do {
            input = try FileDescriptor.open(source, .readOnly, options: [.closeOnExec])
        } catch Errno.noSuchFileOrDirectory {
            throw BackupError(code: .missingObject, message: missing())
        } catch {
            throw BackupError(code: .io, message: "cannot open \(source) to copy it", cause: error as? Errno)
        }
        defer { try? input.close() }
        let output: FileDescriptor
        do {
            output = try FileDescriptor.open(
                destination, .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                permissions: [.ownerRead, .ownerWrite])
        } catch {
            throw writeError(error, path: destination)
        }
        var finished = false
        defer {
            try? output.close()
            if !finished { unlink(destination.string) }
        }
        let hasher = SHA256Hasher()
        var buffer = [UInt8](repeating: 0, count: blockSize)
        var length: Int64 = 0
        while true {
            let count: Int
            do {
                count = try buffer.withUnsafeMutableBytes { try input.read(into: $0) }
            } catch {
                throw BackupError(code: .io, message: "cannot read \(source)", cause: error as? Errno)
            }
            if count == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            do {
                _ = try buffer[..<count].withUnsafeBytes { try output.writeAll($0) }
            } catch {
                throw writeError(error, path: destination)
            }
            length += Int64(count)
            moved(Int64(count))
        }
        do {
            if !writable, fchmod(output.rawValue, 0o400) != 0 { throw Errno(rawValue: errno) }
            if fsync(output.rawValue) != 0 { throw Errno(rawValue: errno) }
        } catch {
            throw writeError(error, path: destination)
        }
        finished = true
        return (hasher.finalize(), length)
    }

    /// Fsyncs a file or directory, so its data (a directory's entries: renames, unlinks) is durable.
    /// - Throws: `BackupError.io` (`.diskFull` when delayed allocation finds no space).
    static func sync(_ path: FilePath) throws {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly, options: [.closeOnExec])
        } catch {
            throw BackupError(code: .io, message: "cannot open \(path) to sync it", cause: error as? Errno)
        }
        defer { try? fd.close() }
        guard fsync(fd.rawValue) == 0 else { throw writeError(Errno(rawValue: errno), path: path) }
    }

    /// Renames `from` to `to` and makes the rename durable (fsync of `to`'s directory).
    /// - Throws: `BackupError.io`.
    static func durableRename(_ from: FilePath, to: FilePath) throws {
        guard rename(from.string, to.string) == 0 else {
            throw BackupError(
                code: .io, message: "cannot rename \(from) to \(to)", cause: Errno(rawValue: errno))
        }
        try sync(to.removingLastComponent())
    }

    /// Creates a directory (mode 0700) unless it exists.
    /// - Throws: `BackupError.io`.
    static func makeDirectory(_ path: FilePath) throws {
        guard mkdir(path.string, 0o700) == 0 || errno == EEXIST else {
            throw writeError(Errno(rawValue: errno), path: path)
        }
    }

    /// Overwrites a file with zeros, fsyncs it and unlinks it: for catalog snapshots, which hold
    /// wrapped keys, so no block of an expired one is left readable on the backup disk. Absent is
    /// not an error (an interrupted prune is finished by the next).
    /// - Throws: `BackupError.io`.
    static func overwriteAndRemove(_ path: FilePath) throws {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .writeOnly, options: [.closeOnExec])
        } catch Errno.noSuchFileOrDirectory {
            return
        } catch {
            throw BackupError(code: .io, message: "cannot open \(path) to overwrite it", cause: error as? Errno)
        }
        do {
            defer { try? fd.close() }
            var info = stat()
            guard fstat(fd.rawValue, &info) == 0 else { throw Errno(rawValue: errno) }
            let zeros = [UInt8](repeating: 0, count: blockSize)
            var offset: Int64 = 0
            while offset < Int64(info.st_size) {
                let count = Int(min(Int64(zeros.count), Int64(info.st_size) - offset))
                _ = try zeros.prefix(count).withUnsafeBytes { try fd.writeAll(toAbsoluteOffset: offset, $0) }
                offset += Int64(count)
            }
            guard fsync(fd.rawValue) == 0 else { throw Errno(rawValue: errno) }
        } catch {
            throw BackupError(code: .io, message: "cannot overwrite \(path)", cause: error as? Errno)
        }
        try remove(path)
    }

    /// Unlinks a file; absent is not an error.
    /// - Throws: `BackupError.io`.
    static func remove(_ path: FilePath) throws {
        guard unlink(path.string) == 0 || errno == ENOENT else {
            throw BackupError(code: .io, message: "cannot remove \(path)", cause: Errno(rawValue: errno))
        }
    }

    /// The size of a file, or nil when there is none.
    static func size(of path: FilePath) -> Int64? {
        var info = stat()
        guard stat(path.string, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }

    /// The names in a directory, without `.` and `..`.
    /// - Throws: `BackupError.io`.
    static func list(_ directory: FilePath) throws -> [String] {
        guard let handle = opendir(directory.string) else {
            throw BackupError(code: .io, message: "cannot list \(directory)", cause: Errno(rawValue: errno))
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Below this much free space, a failed write is taken for what it almost always is: a full disk
    /// (SQLite reports one as an I/O error when its journal cannot grow).
    static let nearlyFullBytes: Int64 = 16 << 20

    /// Bytes free for unprivileged writers on the filesystem of `path` (`Int64.max` when unknown).
    static func freeBytes(at path: FilePath) -> Int64 {
        var info = statvfs()
        guard statvfs(path.string, &info) == 0 else { return .max }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    /// A write failure, as a full disk when it is one.
    static func writeError(_ error: any Error, path: FilePath) -> BackupError {
        let errno = error as? Errno
        if errno == .noSpace || errno == .diskQuotaExceeded {
            return BackupError(
                code: .diskFull,
                message:
                    "the disk of \(path) is full; free space there (or prune old backups with `custodyd backup prune`) and run the backup again: no snapshot was completed",
                cause: errno)
        }
        return BackupError(code: .io, message: "cannot write \(path)", cause: errno)
    }
}
