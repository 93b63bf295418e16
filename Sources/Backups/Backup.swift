import Catalog
import CustodyCore
import EvidenceStore
import Foundation
import Logging
import SystemPackage

/// `custodyd backup`: a consistent catalog snapshot and the ciphertext objects it needs, copied into
/// a backup directory, made durable, verified, and recorded in the live catalog.
///
/// Safe while the daemon runs. The snapshot is one read transaction of SQLite's online backup API,
/// so it is the catalog of one instant whatever the daemon writes meanwhile; an item in it has its
/// object in place (the commit protocol renames objects before their rows commit), and objects are
/// write-once, so copying them afterwards copies what the snapshot names. The store lock is not
/// taken: a backup writes nothing in the store, and its one row in the catalog is an ordinary SQLite
/// write (WAL allows one writer at a time; it waits its turn, like `custodyd list`'s audit entry).
/// No plaintext is read or written: objects are copied as ciphertext, and no key is needed.
public struct Backup {
    /// What a backup made.
    public struct Summary: Sendable, Encodable, Equatable {
        /// The snapshot's file.
        public var snapshot: String
        /// The live catalog's record of it.
        public var record: Int64
        public var madeAt: Date
        public var expiresAt: Date
        /// Items in the snapshot, tombstones included.
        public var items: Int64
        /// Objects the snapshot needs (every item but the tombstones).
        public var objects: Int
        /// Objects copied now; the others were in the backup already, with the right size (and hash,
        /// when the run verified existing objects).
        public var objectsCopied: Int
        /// Objects that were in the backup but damaged, and were copied again.
        public var objectsRepaired: Int
        /// Bytes written: the snapshot and the copied objects.
        public var bytes: Int64

        enum CodingKeys: String, CodingKey {
            case snapshot, record, items, objects, bytes
            case madeAt = "made_at"
            case expiresAt = "expires_at"
            case objectsCopied = "objects_copied"
            case objectsRepaired = "objects_repaired"
        }

        /// Times as RFC 3339 text, like every time Custody prints.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(snapshot, forKey: .snapshot)
            try container.encode(record, forKey: .record)
            try container.encode(RFC3339.string(madeAt), forKey: .madeAt)
            try container.encode(RFC3339.string(expiresAt), forKey: .expiresAt)
            try container.encode(items, forKey: .items)
            try container.encode(objects, forKey: .objects)
            try container.encode(objectsCopied, forKey: .objectsCopied)
            try container.encode(objectsRepaired, forKey: .objectsRepaired)
            try container.encode(bytes, forKey: .bytes)
        }
    }

    private let catalog: EvidenceCatalog
    private let store: EvidenceStore
    private let logger: Logger

    /// A backup of the store and catalog of one state directory.
    public init(catalog: EvidenceCatalog, store: EvidenceStore, logger: Logger) {
        self.catalog = catalog
        self.store = store
        self.logger = logger
    }

    /// Makes one backup into `target`, whose snapshot lives `lifetime` seconds. An object already in
    /// the backup with the right size is taken as it is, unless `verifyExisting`: then every one is
    /// read back and hashed, and a damaged one copied again (a read of the whole backup disk, which
    /// at an agency's size takes hours, so not every run). What this run copies is always read back.
    /// `shouldStop` is asked between objects; when it says yes the backup ends with `.stopped`,
    /// leaving no snapshot. `progress` is told the bytes of objects dealt with, as they move.
    /// - Throws: `BackupError`: `.busy` (another backup of the same directory), `.diskFull`,
    ///   `.missingObject` (an object of the store is gone), `.corruptObject` (a source or copied
    ///   object does not hash to the catalog's hash), `.io`; `CatalogError` when the snapshot or the
    ///   record cannot be written. On any failure no snapshot is left named as complete.
    public func make(
        into target: BackupDirectory, lifetime: TimeInterval, verifyExisting: Bool = false,
        shouldStop: () -> Bool = { false }, progress: (BackupProgress) -> Void = { _ in }
    ) throws -> Summary {
        let lock = try BackupLock(target)
        defer { withExtendedLifetime(lock) {} }
        try target.removePartials()

        // Taken before the snapshot's read transaction starts: a shred committed in between is
        // counted as after this backup, so a receipt errs towards "a backup may still hold the key".
        let madeAt = Date()
        let name = BackupDirectory.snapshotName(at: madeAt)
        guard BackupFiles.size(of: target.snapshotPath(name)) == nil else {
            throw BackupError(
                code: .busy, message: "a snapshot named \(name) is already in \(target.root); run the backup again")
        }
        let partial = target.temporaryDirectory.appending(name)
        do {
            try catalog.writeSnapshot(to: partial.string)
        } catch let error as CatalogError where BackupFiles.freeBytes(at: target.root) < BackupFiles.nearlyFullBytes {
            throw BackupError(
                code: .diskFull,
                message:
                    "the disk of \(target.root) is full: the catalog snapshot did not fit; free space there (or prune old backups with `custodyd backup prune`) and run the backup again: no snapshot was completed",
                cause: error)
        }
        var named = false
        defer { if !named { try? BackupFiles.remove(partial) } }

        let contents = try SnapshotContents(snapshot: partial, actor: catalog.actor)
        let copies = try copyObjects(
            contents.objects, into: target, verifyExisting: verifyExisting, shouldStop: shouldStop,
            progress: progress)
        try target.objects.makeDurable()
        try verifyCopies(copies.copied, in: target)

        try EvidenceCatalog.checkSnapshot(at: partial.string)
        try BackupFiles.sync(partial)
        let snapshotBytes = BackupFiles.size(of: partial) ?? 0
        let bytes = snapshotBytes + copies.copied.reduce(0) { $0 + $1.size }
        // Recorded before it is named complete: a crash between leaves a record of a snapshot that
        // never appeared (which prune then closes), never a snapshot holding keys that no deletion
        // receipt knows of.
        let record = try catalog.recordBackup(
            madeAt: madeAt, lifetime: lifetime, target: target.root.string, snapshot: name, items: contents.items,
            objectsCopied: Int64(copies.copied.count), bytes: bytes)
        try BackupFiles.durableRename(partial, to: target.snapshotPath(name))
        named = true
        logger.notice(
            "backup made",
            metadata: [
                "backup.snapshot": "\(target.snapshotPath(name))", "backup.items": "\(contents.items)",
                "backup.objects_copied": "\(copies.copied.count)", "backup.bytes": "\(bytes)",
            ])
        return Summary(
            snapshot: target.snapshotPath(name).string, record: record.id, madeAt: record.madeAt,
            expiresAt: record.expiresAt, items: contents.items, objects: contents.objects.count,
            objectsCopied: copies.copied.count, objectsRepaired: copies.repaired, bytes: bytes)
    }

    /// Copies every object not already in the backup with the right size (and, when
    /// `verifyExisting`, the right hash): under a temporary name, hashed while read and checked
    /// against the catalog, fsynced, renamed into place. A damaged copy already there is replaced.
    private func copyObjects(
        _ objects: [SnapshotContents.Object], into target: BackupDirectory, verifyExisting: Bool,
        shouldStop: () -> Bool, progress: (BackupProgress) -> Void
    ) throws -> (copied: [SnapshotContents.Object], repaired: Int) {
        var counted = Set<SHA256Digest>()
        let total = objects.reduce(Int64(0)) { counted.insert($1.hash).inserted ? $0 + $1.size : $0 }
        var done: Int64 = 0
        let verifier = ObjectVerifier(store: target.objects)
        var copied: [SnapshotContents.Object] = []
        var repaired = 0
        var seen = Set<SHA256Digest>()
        for object in objects where seen.insert(object.hash).inserted {
            if shouldStop() {
                throw BackupError(
                    code: .stopped, message: "the backup into \(target.root) was stopped before it finished")
            }
            let destination = target.objectPath(for: object.hash)
            if let size = BackupFiles.size(of: destination) {
                if size == object.size,
                    !verifyExisting || (try? verifier.verifyObjectHash(object.hash, id: object.item)) != nil
                {
                    done += object.size
                    progress(BackupProgress(bytes: done, total: total, item: "\(object.item)"))
                    continue
                }
                logger.warning(
                    "a damaged object in the backup is copied again",
                    metadata: ["backup.object": "\(destination)", "item.id": "\(object.item)"])
                try BackupFiles.remove(destination)
                repaired += 1
            }
            let source = store.objectPath(for: object.hash)
            let partial = target.temporaryDirectory.appending(object.hash.hex + ".partial")
            let start = done
            var moved: Int64 = 0
            try BackupFiles.copyObject(
                object, from: source, to: partial,
                missing:
                    "the object \(source) of item \(object.item) is missing from the store (shredded or removed since the snapshot?); run `custodyd verify`, then the backup again",
                moved: {
                    moved += $0
                    progress(BackupProgress(bytes: start + moved, total: total, item: "\(object.item)"))
                }
            ) { hash, length in
                "the object \(source) of item \(object.item) does not match the catalog (SHA-256 \(hash.hex), \(length) bytes); run `custodyd verify` and restore it from an earlier backup"
            }
            try BackupFiles.makeDirectory(destination.removingLastComponent())
            guard rename(partial.string, destination.string) == 0 else {
                throw BackupFiles.writeError(Errno(rawValue: errno), path: destination)
            }
            copied.append(object)
            done = start + object.size
        }
        return (copied, repaired)
    }

    /// Reads every copied object back from the backup's disk (past the page cache) and checks its
    /// hash against the catalog's: what the backup holds is what the store holds.
    private func verifyCopies(_ copied: [SnapshotContents.Object], in target: BackupDirectory) throws {
        let verifier = ObjectVerifier(store: target.objects)
        for object in copied {
            do {
                try verifier.verifyObjectHash(object.hash, id: object.item)
            } catch {
                try? BackupFiles.remove(target.objectPath(for: object.hash))
                throw BackupError(
                    code: .corruptObject,
                    message:
                        "the copy of item \(object.item)'s object in \(target.root) does not read back as written; check that disk, then run the backup again",
                    cause: error as? StoreError)
            }
        }
    }
}
