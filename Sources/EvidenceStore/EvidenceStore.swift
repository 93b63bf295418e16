import CustodyCore
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The on-disk object store under a state directory: `objects/XY/HASH` and `tmp/` (docs/store-format.md §1).
///
/// Objects are write-once and named by the SHA-256 of their bytes. This type knows the layout and the
/// durability steps; the commit order across store and catalog is the ingest pipeline's.
public struct EvidenceStore: Sendable {
    /// The state directory.
    public let root: FilePath
    /// Committed objects.
    public var objectsDirectory: FilePath { root.appending("objects") }
    /// Partial objects being written.
    public var temporaryDirectory: FilePath { root.appending("tmp") }

    /// Opens the store at `root`.
    /// - Throws: `StoreError.notAStore` when `objects/` or `tmp/` is missing.
    public init(root: FilePath) throws {
        self.root = root
        for directory in [objectsDirectory, temporaryDirectory] {
            var info = stat()
            let found = stat(directory.string, &info) == 0
            if found, (info.st_mode & S_IFMT) == S_IFDIR { continue }
            // EACCES: the directory may well be a store, just not one this user may look into.
            if !found, errno == EACCES {
                throw StoreError(
                    code: .permissionDenied,
                    message:
                        "permission denied reading \(directory): run as the custody user (or root), or check a copy of the state directory this user may read"
                )
            }
            throw StoreError(
                code: .notAStore,
                message:
                    "\(root) is not a Custody state directory (no \(directory.lastComponent!)/); create one with `custodyd init`"
            )
        }
    }

    /// Creates `root` (and its missing parents) and `objects/` and `tmp/` under it, mode 0700.
    /// - Throws: `StoreError.io`.
    public static func create(at root: FilePath) throws -> EvidenceStore {
        var parents: [FilePath] = []
        var parent = root.removingLastComponent()
        while !parent.isEmpty, parent != "/", !isDirectory(parent) {
            parents.insert(parent, at: 0)
            parent = parent.removingLastComponent()
        }
        for directory in parents + [root, root.appending("objects"), root.appending("tmp")]
        where !isDirectory(directory) {
            guard mkdir(directory.string, 0o700) == 0 || errno == EEXIST else {
                throw StoreError(code: .io, message: "cannot create \(directory): \(Errno(rawValue: errno))")
            }
        }
        return try EvidenceStore(root: root)
    }

    /// Where a committed object with this hash lives.
    public func objectPath(for hash: SHA256Digest) -> FilePath {
        let hex = hash.hex
        return objectsDirectory.appending(String(hex.prefix(2))).appending(hex)
    }

    /// Where the partial object of item `id` is written.
    public func temporaryPath(for id: EvidenceID) -> FilePath {
        temporaryDirectory.appending("\(id).partial")
    }

    /// Makes every file written so far durable: one `syncfs` of the store's filesystem, which covers
    /// the `fsync` of each new object and of each directory a rename touched.
    /// - Throws: `StoreError.io` (or `.diskFull` when delayed allocation finds no space).
    public func makeDurable() throws {
        let fd = try FileDescriptor.open(root, .readOnly, options: [.directory, .closeOnExec])
        defer { try? fd.close() }
        do {
            try Syscalls.syncFilesystem(fd)
        } catch {
            throw writeError(error, path: root)
        }
    }

    /// Moves a durable partial object to its content-addressed name. The rename is durable only
    /// after the next `makeDurable()`.
    /// - Throws: `StoreError.io`.
    public func commit(_ object: WrittenObject) throws -> FilePath {
        let destination = objectPath(for: object.ciphertextSHA256)
        let shard = destination.removingLastComponent()
        if !Self.isDirectory(shard) {
            guard mkdir(shard.string, 0o700) == 0 || errno == EEXIST else {
                throw writeError(Errno(rawValue: errno), path: shard)
            }
        }
        guard rename(object.temporaryPath.string, destination.string) == 0 else {
            throw writeError(Errno(rawValue: errno), path: destination)
        }
        return destination
    }

    /// Removes the committed object with this hash, if it exists.
    /// - Throws: `StoreError.io` for anything but "not there".
    public func removeObject(_ hash: SHA256Digest) throws {
        try removeFile(at: objectPath(for: hash))
    }

    /// Removes every partial object: none of them is evidence (their items were never committed).
    /// Returns how many were removed.
    /// - Throws: `StoreError.io`.
    @discardableResult
    public func removeTemporaryObjects() throws -> Int {
        guard let directory = opendir(temporaryDirectory.string) else {
            throw StoreError(code: .io, message: "cannot list \(temporaryDirectory): \(Errno(rawValue: errno))")
        }
        defer { closedir(directory) }
        var removed = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            try removeFile(at: temporaryDirectory.appending(name))
            removed += 1
        }
        return removed
    }

    /// Lists the hashes of every committed object (for fixity sweeps that look for strays).
    /// - Throws: `StoreError.io`.
    public func committedObjectNames() throws -> [String] {
        var names: [String] = []
        for shard in try listDirectory(objectsDirectory) {
            names += try listDirectory(objectsDirectory.appending(shard))
        }
        return names
    }

    // MARK: - File helpers used by the writer and reader

    func createTemporaryObject(at path: FilePath) throws -> FileDescriptor {
        do {
            return try FileDescriptor.open(
                path, .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                permissions: [.ownerRead, .ownerWrite])
        } catch {
            throw writeError(error, path: path)
        }
    }

    func writeAll(_ bytes: [UInt8], to fd: FileDescriptor, at offset: Int64, path: FilePath) throws {
        try bytes.withUnsafeBytes { try writeAll($0, to: fd, at: offset, path: path) }
    }

    func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: FileDescriptor, at offset: Int64, path: FilePath) throws {
        do {
            _ = try fd.writeAll(toAbsoluteOffset: offset, bytes)
        } catch {
            throw writeError(error, path: path)
        }
    }

    func removeFile(at path: FilePath) throws {
        guard unlink(path.string) == 0 || errno == ENOENT else {
            throw StoreError(code: .io, message: "cannot remove \(path): \(Errno(rawValue: errno))")
        }
    }

    /// Maps a write-side failure to a `StoreError` naming the path; a full disk says so plainly.
    func writeError(_ error: any Error, path: FilePath) -> StoreError {
        if let errno = error as? Errno, errno.meansDiskFull {
            return StoreError(
                code: .diskFull,
                message:
                    "the evidence store at \(root) is full (writing \(path)); free space on that filesystem, then import again — nothing already stored was affected",
                cause: errno)
        }
        return StoreError(code: .io, message: "writing \(path) failed", cause: error as? Errno)
    }

    func listDirectory(_ path: FilePath) throws -> [String] {
        guard let directory = opendir(path.string) else {
            throw StoreError(code: .io, message: "cannot list \(path): \(Errno(rawValue: errno))")
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func isDirectory(_ path: FilePath) -> Bool {
        var info = stat()
        return stat(path.string, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

extension EvidenceStore {
    /// Removes a partial object that will not be committed.
    /// - Throws: `StoreError.io`.
    public func removeTemporary(_ object: WrittenObject) throws {
        try removeFile(at: object.temporaryPath)
    }
}
