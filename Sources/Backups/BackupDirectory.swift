import CustodyCore
import EvidenceStore
import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A backup directory (docs/operations.md, "Backups"): catalog snapshots beside one shared,
/// store-shaped object tree, so every snapshot's objects are copied once and any snapshot can be
/// restored alone.
///
/// ```
/// DIR/custody-backup                     marks the directory as a Custody backup
/// DIR/snapshot-YYYYMMDDTHHMMSS.mmmZ.sqlite  one catalog snapshot each (complete once named so)
/// DIR/objects/XY/HASH                    ciphertext objects, as in the store
/// DIR/tmp/                               snapshots and objects being written
/// DIR/lock                               held by the backup or prune working on the directory
/// ```
/// It holds only ciphertext and catalogs whose data keys are wrapped by the KEK: without the KEK,
/// which is never in it, nothing in it can be decrypted.
public struct BackupDirectory: Sendable {
    /// The directory, absolute and with symbolic links resolved (the form backup records name).
    public let root: FilePath
    /// The object tree, read and verified as a store is.
    let objects: EvidenceStore

    static let markerName = "custody-backup"
    static let marker = "Custody backup directory, format 1 (docs/operations.md, \"Backups\")\n"
    static let snapshotPrefix = "snapshot-"
    static let snapshotSuffix = ".sqlite"

    private init(root: FilePath) throws {
        self.root = root
        objects = try EvidenceStore(root: root)
    }

    /// Opens the directory a backup of `stateDirectory` writes into: an existing backup directory,
    /// or an empty (or absent) directory, which becomes one.
    /// - Throws: `BackupError.unusableTarget` when it is not a directory, not writable, inside the
    ///   state directory, or holds other files; `.io`.
    public static func prepare(at path: FilePath, outside stateDirectory: FilePath) throws -> BackupDirectory {
        var info = stat()
        var created = false
        if stat(path.string, &info) != 0 {
            guard errno == ENOENT else {
                throw BackupError(
                    code: .unusableTarget, message: "cannot reach the backup directory \(path)",
                    cause: Errno(rawValue: errno))
            }
            guard mkdir(path.string, 0o700) == 0 else {
                throw BackupError(
                    code: .unusableTarget,
                    message: "cannot create the backup directory \(path); create it (its parent must exist) and retry",
                    cause: Errno(rawValue: errno))
            }
            created = true
        } else if (info.st_mode & S_IFMT) != S_IFDIR {
            throw BackupError(
                code: .unusableTarget, message: "the backup target \(path) is not a directory; give a directory")
        }
        let root = try canonical(path)
        let state = (try? canonical(stateDirectory)) ?? stateDirectory
        if root == state || root.starts(with: state) {
            if created { rmdir(root.string) }
            throw BackupError(
                code: .unusableTarget,
                message:
                    "the backup directory \(root) is inside the state directory \(state); a backup belongs on another disk: give a directory outside it"
            )
        }
        let names = try BackupFiles.list(root)
        if names.contains(markerName) { return try checkedWritable(BackupDirectory(root: root)) }
        guard names.isEmpty else {
            throw BackupError(
                code: .unusableTarget,
                message:
                    "\(root) is neither empty nor a Custody backup directory (no \(markerName) file; it holds \(names.prefix(3).joined(separator: ", "))\(names.count > 3 ? ", ..." : "")); give an empty directory or an earlier backup's"
            )
        }
        try probeWritable(root)
        for directory in ["objects", "tmp"] { try BackupFiles.makeDirectory(root.appending(directory)) }
        let partial = root.appending("tmp").appending(markerName)
        do {
            try Data(marker.utf8).write(to: URL(fileURLWithPath: partial.string))
        } catch {
            throw BackupError(code: .io, message: "cannot write \(partial)")
        }
        try BackupFiles.sync(partial)
        try BackupFiles.durableRename(partial, to: root.appending(markerName))
        return try BackupDirectory(root: root)
    }

    /// Opens an existing backup directory (to prune or restore from it).
    /// - Throws: `BackupError.unusableTarget` when `path` is not one.
    public static func open(at path: FilePath) throws -> BackupDirectory {
        var info = stat()
        guard stat(path.string, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw BackupError(
                code: .unusableTarget, message: "\(path) is not a directory; give the backup directory")
        }
        let root = try canonical(path)
        guard BackupFiles.size(of: root.appending(markerName)) != nil,
            let backup = try? BackupDirectory(root: root)
        else {
            throw BackupError(
                code: .unusableTarget,
                message:
                    "\(root) is not a Custody backup directory (no \(markerName) file, objects/ and tmp/); give the directory `custodyd backup --to` wrote"
            )
        }
        return backup
    }

    /// The names of the complete snapshots, oldest first (names sort by time).
    /// - Throws: `BackupError.io`.
    public func snapshotNames() throws -> [String] {
        try BackupFiles.list(root).filter(Self.isSnapshotName)
    }

    /// Where snapshot `name` is.
    public func snapshotPath(_ name: String) -> FilePath { root.appending(name) }

    /// Whether `name` is the name of a snapshot file.
    static func isSnapshotName(_ name: String) -> Bool {
        name.hasPrefix(snapshotPrefix) && name.hasSuffix(snapshotSuffix) && !name.contains("/")
    }

    /// The name of a snapshot made at `date`: UTC, to the millisecond, so names sort by time.
    static func snapshotName(at date: Date) -> String {
        // The same millisecond the catalog records as `made_at`.
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let text = String(
            format: "%04d%02d%02dT%02d%02d%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds % 1000))
        return snapshotPrefix + text + snapshotSuffix
    }

    /// Where an object of the backup is.
    func objectPath(for hash: SHA256Digest) -> FilePath { objects.objectPath(for: hash) }

    /// Where partial files are written before their rename.
    var temporaryDirectory: FilePath { root.appending("tmp") }

    /// Removes what an interrupted backup left in `tmp/`: nothing there is complete.
    /// - Throws: `BackupError.io`.
    func removePartials() throws {
        for name in try BackupFiles.list(temporaryDirectory) {
            try BackupFiles.remove(temporaryDirectory.appending(name))
        }
    }

    /// Every object in the tree, by hash, and any file there that is not one.
    func objectHashes() throws -> [SHA256Digest] {
        var hashes: [SHA256Digest] = []
        for shard in try BackupFiles.list(objects.objectsDirectory) {
            for name in try BackupFiles.list(objects.objectsDirectory.appending(shard)) {
                if let hash = SHA256Digest(hex: name), hash.hex.hasPrefix(shard) { hashes.append(hash) }
            }
        }
        return hashes
    }

    private static func canonical(_ path: FilePath) throws -> FilePath {
        guard let resolved = realpath(path.string, nil) else {
            throw BackupError(code: .unusableTarget, message: "cannot resolve \(path)", cause: Errno(rawValue: errno))
        }
        defer { free(resolved) }
        return FilePath(String(cString: resolved))
    }

    private static func checkedWritable(_ backup: BackupDirectory) throws -> BackupDirectory {
        try probeWritable(backup.root)
        return backup
    }

    /// `access(W_OK)` says yes to root on a read-only filesystem; creating a file is the honest test.
    private static func probeWritable(_ root: FilePath) throws {
        let probe = root.appending(".custody-write-test")
        let fd = Glibc.open(probe.string, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw BackupError(
                code: .unusableTarget,
                message:
                    "cannot write to the backup directory \(root): \(Errno(rawValue: errno)); run as root (or the custody user), or mount it writable",
                cause: Errno(rawValue: errno))
        }
        close(fd)
        unlink(probe.string)
    }
}
