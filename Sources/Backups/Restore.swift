import Catalog
import CustodyCore
import EvidenceStore
import Foundation
import Logging
import SystemPackage

/// `custodyd restore`: a state directory made anew from one backup snapshot and the objects it
/// names, into an empty (or absent) directory only, so nothing in use is ever overwritten.
///
/// The objects are copied and checked first, then read back from the new store's disk; the catalog
/// gets its final name last, so an interrupted restore never looks like a working store. The KEK is
/// not in the backup: the operator puts it at `STATE/custody.kek` or names it with `--key-file`.
public enum Restore {
    /// What a restore made.
    public struct Summary: Sendable, Codable, Equatable {
        /// The new state directory.
        public var state: String
        /// The snapshot it came from.
        public var snapshot: String
        /// Items in the catalog, tombstones included.
        public var items: Int64
        /// Objects copied (and verified).
        public var objects: Int
        /// Bytes copied: the catalog and the objects.
        public var bytes: Int64
    }

    /// Restores the snapshot at `snapshotPath` (a file in a backup directory) into `state`; `progress`
    /// is told the bytes of objects copied, as they move.
    /// - Throws: `BackupError.notASnapshot`, `.restoreTargetInUse` (a directory that is not empty),
    ///   `.missingObject` / `.corruptObject` (the backup lacks or has damaged an object the snapshot
    ///   needs), `.diskFull`, `.io`; `CatalogError` when the snapshot fails its integrity check.
    public static func run(
        snapshot snapshotPath: FilePath, into state: FilePath, actor: AuditActor, logger: Logger,
        progress: (BackupProgress) -> Void = { _ in }
    ) throws -> Summary {
        guard let name = snapshotPath.lastComponent?.string, BackupDirectory.isSnapshotName(name),
            BackupFiles.size(of: snapshotPath) != nil
        else {
            throw BackupError(
                code: .notASnapshot,
                message:
                    "\(snapshotPath) is not a backup snapshot; give DIR/snapshot-....sqlite from the backup directory (`custodyd backup list --to DIR` lists them)"
            )
        }
        let backup = try BackupDirectory.open(at: snapshotPath.removingLastComponent())
        let source = backup.snapshotPath(name)
        try EvidenceCatalog.checkSnapshot(at: source.string)
        try requireEmpty(state)
        do {
            return try restore(
                from: backup, snapshot: source, into: state, actor: actor, logger: logger, progress: progress)
        } catch var error as BackupError {
            // What was copied is ciphertext and an unnamed catalog: harmless, but in the way.
            error.message += "; then remove \(state) and restore again"
            throw error
        }
    }

    private static func restore(
        from backup: BackupDirectory, snapshot source: FilePath, into state: FilePath, actor: AuditActor,
        logger: Logger, progress: (BackupProgress) -> Void
    ) throws -> Summary {
        let store = try EvidenceStore.create(at: state)
        let restoring = state.appending("catalog.sqlite.restoring")
        let catalogCopy = try BackupFiles.copy(
            source, to: restoring, missing: "the snapshot \(source) vanished during the restore", writable: true)
        let contents = try SnapshotContents(snapshot: restoring, actor: actor)
        var bytes = catalogCopy.length
        var seen = Set<SHA256Digest>()
        var counted = Set<SHA256Digest>()
        let total = contents.objects.reduce(Int64(0)) { counted.insert($1.hash).inserted ? $0 + $1.size : $0 }
        var done: Int64 = 0
        var copied: [SnapshotContents.Object] = []
        for object in contents.objects where seen.insert(object.hash).inserted {
            let from = backup.objectPath(for: object.hash)
            let partial = store.temporaryDirectory.appending(object.hash.hex + ".partial")
            try BackupFiles.copyObject(
                object, from: from, to: partial,
                missing:
                    "the backup \(backup.root) has no object for item \(object.item) (\(from)); restore from another snapshot or backup",
                moved: {
                    done += $0
                    progress(BackupProgress(bytes: done, total: total, item: "\(object.item)"))
                }
            ) { _, _ in
                "the backup's object \(from) of item \(object.item) is damaged (it does not hash to the catalog's hash); restore from another backup"
            }
            let destination = store.objectPath(for: object.hash)
            try BackupFiles.makeDirectory(destination.removingLastComponent())
            guard rename(partial.string, destination.string) == 0 else {
                throw BackupFiles.writeError(Errno(rawValue: errno), path: destination)
            }
            copied.append(object)
            bytes += object.size
        }
        try store.makeDurable()
        let verifier = ObjectVerifier(store: store)
        for object in copied {
            do {
                try verifier.verifyObjectHash(object.hash, id: object.item)
            } catch {
                throw BackupError(
                    code: .corruptObject,
                    message:
                        "the restored object of item \(object.item) in \(state) does not read back as written; check that disk, remove \(state) and restore again",
                    cause: error as? StoreError)
            }
        }
        let catalogPath = state.appending("catalog.sqlite")
        try BackupFiles.durableRename(restoring, to: catalogPath)
        // Opening it for writing migrates an older snapshot and puts it back in WAL mode.
        let catalog = try EvidenceCatalog(path: catalogPath.string, actor: actor)
        try catalog.audit([
            AuditEvent(
                action: .backupRestored,
                detail: [
                    "backup.snapshot": source.string, "backup.items": "\(contents.items)",
                    "backup.objects": "\(copied.count)", "state.directory": state.string,
                ])
        ])
        logger.notice(
            "state directory restored",
            metadata: ["backup.snapshot": "\(source)", "backup.items": "\(contents.items)", "state": "\(state)"])
        return Summary(
            state: state.string, snapshot: source.string, items: contents.items, objects: copied.count, bytes: bytes)
    }

    private static func requireEmpty(_ state: FilePath) throws {
        var info = stat()
        guard stat(state.string, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw BackupError(
                code: .restoreTargetInUse, message: "\(state) is not a directory; give an empty or new directory")
        }
        let names = try BackupFiles.list(state)
        if names.contains("catalog.sqlite.restoring") && !names.contains("catalog.sqlite") {
            throw BackupError(
                code: .restoreTargetInUse,
                message:
                    "\(state) holds an interrupted restore (catalog.sqlite.restoring, no catalog.sqlite); a restore writes only into an empty or new directory: remove \(state) and run `custodyd restore` again (or give another --state)"
            )
        }
        guard names.isEmpty else {
            let what =
                names.contains("catalog.sqlite")
                ? "a state directory" : "not empty (it holds \(names.prefix(3).joined(separator: ", ")))"
            throw BackupError(
                code: .restoreTargetInUse,
                message:
                    "\(state) is \(what); a restore writes only into an empty or new directory, so nothing is overwritten: give another --state"
            )
        }
    }
}
