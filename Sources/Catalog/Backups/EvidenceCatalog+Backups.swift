import CustodyCore
import Foundation
import GRDB

/// The live catalog's record of backups (`backup_snapshot`, BackupSchema): what was made, when it
/// expires, when it was pruned. Each change commits with its audit entry.
extension EvidenceCatalog {
    /// Every backup snapshot ever recorded, oldest first, pruned ones included: for deletion
    /// receipts ("a backup made before the shred still holds the key until its `expiresAt`") and
    /// for `custodyd backup prune`.
    /// - Throws: `CatalogError` when the catalog cannot be read.
    public func backupSnapshots() throws -> [BackupSnapshotRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM backup_snapshot ORDER BY made_at, id").map(
                BackupSnapshotRecord.init)
        }
    }

    /// Records a snapshot a backup made, and audits `backup.made`, in one transaction. `expiresAt`
    /// is `madeAt + lifetime`.
    /// - Throws: `CatalogError.invalidQuery` for a negative lifetime or a snapshot already recorded
    ///   for this target; `.database` when the catalog refuses the row.
    public func recordBackup(
        madeAt: Date, lifetime: TimeInterval, target: String, snapshot: String, items: Int64, objectsCopied: Int64,
        bytes: Int64
    ) throws -> BackupSnapshotRecord {
        guard lifetime >= 0 else {
            throw CatalogError(code: .invalidQuery, message: "a backup's lifetime cannot be negative (\(lifetime) s)")
        }
        let made = madeAt.catalogMilliseconds
        let expires = made + Int64((lifetime * 1000).rounded(.down))
        return try write { db in
            guard
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM backup_snapshot WHERE target = ? AND snapshot = ?",
                    arguments: [target, snapshot]) == 0
            else {
                throw CatalogError(
                    code: .invalidQuery, message: "the snapshot \(snapshot) in \(target) is already recorded")
            }
            try db.execute(
                sql: """
                    INSERT INTO backup_snapshot (made_at, expires_at, target, snapshot, items, objects_copied, bytes)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [made, expires, target, snapshot, items, objectsCopied, bytes])
            let id = db.lastInsertedRowID
            try AuditChain.append(
                [
                    AuditEvent(
                        action: .backupMade,
                        detail: [
                            "backup.id": "\(id)", "backup.target": target, "backup.snapshot": snapshot,
                            "backup.expires_at": RFC3339.string(Date(catalogMilliseconds: expires)),
                            "backup.items": "\(items)", "backup.objects_copied": "\(objectsCopied)",
                            "backup.bytes": "\(bytes)",
                        ])
                ], actor: actor, at: Date(), in: db)
            return try BackupSnapshotRecord(
                row: Row.fetchOne(db, sql: "SELECT * FROM backup_snapshot WHERE id = ?", arguments: [id])!)
        }
    }

    /// Records that the snapshot of record `id` was removed from its target (its lifetime had
    /// ended), and audits `backup.pruned` with `objectsRemoved`, in one transaction.
    /// - Throws: `CatalogError.notFound` when there is no such record; `.invalidQuery` when it was
    ///   pruned already or its lifetime has not ended at `now`.
    public func recordBackupPruned(_ id: Int64, objectsRemoved: Int, at now: Date) throws {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM backup_snapshot WHERE id = ?", arguments: [id])
            else {
                throw CatalogError(code: .notFound, message: "no backup record \(id); see `custodyd backup list`")
            }
            let record = BackupSnapshotRecord(row: row)
            guard record.prunedAt == nil else {
                throw CatalogError(code: .invalidQuery, message: "backup \(record.snapshot) was pruned already")
            }
            guard now >= record.expiresAt else {
                throw CatalogError(
                    code: .invalidQuery,
                    message:
                        "backup \(record.snapshot) lives until \(RFC3339.string(record.expiresAt)); it cannot be pruned before"
                )
            }
            try db.execute(
                sql: "UPDATE backup_snapshot SET pruned_at = ? WHERE id = ?",
                arguments: [max(now.catalogMilliseconds, record.expiresAt.catalogMilliseconds), id])
            try AuditChain.append(
                [
                    AuditEvent(
                        action: .backupPruned,
                        detail: [
                            "backup.id": "\(id)", "backup.target": record.target, "backup.snapshot": record.snapshot,
                            "backup.objects_removed": "\(objectsRemoved)",
                        ])
                ], actor: actor, at: now, in: db)
        }
    }
}
