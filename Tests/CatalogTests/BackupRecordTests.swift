import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

/// The live catalog's record of backups (`backup_snapshot`): expiry from the lifetime, pruned once and
/// only after expiry, never deleted or rewritten; snapshots made with the online backup API open and
/// pass their integrity check.
@Suite struct BackupRecordTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog

    init() throws {
        directory = try TemporaryDirectory("BackupRecordTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
    }

    func record(_ name: String, madeAt: Date, days: Double) throws -> BackupSnapshotRecord {
        try catalog.recordBackup(
            madeAt: madeAt, lifetime: days * 86_400, target: "/srv/backup", snapshot: name, items: 3, objectsCopied: 2,
            bytes: 1000)
    }

    @Test func aRecordExpiresAfterItsLifetimeAndIsPrunedOnceAfterThat() throws {
        let made = Date(timeIntervalSince1970: 1_800_000_000)
        let first = try record("snapshot-a.sqlite", madeAt: made, days: 90)
        #expect(first.expiresAt == made.addingTimeInterval(90 * 86_400))
        #expect(first.prunedAt == nil)
        #expect(throws: CatalogError.self) { try record("snapshot-a.sqlite", madeAt: made, days: 1) }

        #expect(throws: CatalogError.self) {
            try catalog.recordBackupPruned(first.id, objectsRemoved: 0, at: made.addingTimeInterval(89 * 86_400))
        }
        try catalog.recordBackupPruned(first.id, objectsRemoved: 4, at: made.addingTimeInterval(91 * 86_400))
        #expect(throws: CatalogError.self) {
            try catalog.recordBackupPruned(first.id, objectsRemoved: 0, at: made.addingTimeInterval(92 * 86_400))
        }
        let second = try record("snapshot-b.sqlite", madeAt: made.addingTimeInterval(10), days: 0)
        let records = try catalog.backupSnapshots()
        #expect(records.map(\.snapshot) == ["snapshot-a.sqlite", "snapshot-b.sqlite"])
        #expect(records[0].prunedAt == made.addingTimeInterval(91 * 86_400))
        // A shred after both: the pruned one no longer holds the key, the other still does.
        let shred = made.addingTimeInterval(100)
        #expect(records.map { $0.mayHoldKey(ofItemShreddedAt: shred) } == [false, true])
        #expect(second.expiresAt == second.madeAt)
        let queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
        let actions = try queue.read { try String.fetchAll($0, sql: "SELECT action FROM audit ORDER BY seq") }
        #expect(actions.filter { $0.hasPrefix("backup.") } == ["backup.made", "backup.pruned", "backup.made"])
    }

    @Test func theSchemaKeepsRecordsAndChangesThemOnlyByPruning() throws {
        let made = Date(timeIntervalSince1970: 1_800_000_000)
        let kept = try record("snapshot-a.sqlite", madeAt: made, days: 1)
        let queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
        let refused: [String] = [
            "DELETE FROM backup_snapshot",
            "UPDATE backup_snapshot SET expires_at = expires_at + 1",
            "UPDATE backup_snapshot SET items = 0",
            // Pruned before its lifetime ended.
            "UPDATE backup_snapshot SET pruned_at = made_at",
            "INSERT INTO backup_snapshot (made_at, expires_at, target, snapshot, items, objects_copied, bytes) VALUES (10, 5, '/t', 's', 1, 1, 1)",
            "INSERT INTO backup_snapshot (made_at, expires_at, target, snapshot, items, objects_copied, bytes) VALUES (1, 5, 'relative', 's', 1, 1, 1)",
            "INSERT INTO backup_snapshot (made_at, expires_at, target, snapshot, items, objects_copied, bytes) VALUES (1, 5, '/t', 'a/b', 1, 1, 1)",
            "INSERT INTO backup_snapshot (made_at, expires_at, target, snapshot, items, objects_copied, bytes) VALUES (1, 5, '/t', 's', 1, 2, 1)",
        ]
        for sql in refused {
            #expect(throws: DatabaseError.self, "\(sql)") { try queue.write { try $0.execute(sql: sql) } }
        }
        try queue.write { try $0.execute(sql: "UPDATE backup_snapshot SET pruned_at = expires_at") }
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE backup_snapshot SET pruned_at = pruned_at + 1") }
        }
        #expect(try catalog.backupSnapshots().map(\.id) == [kept.id])
    }

    @Test func aSnapshotIsOneSelfContainedFileThatPassesItsIntegrityCheck() throws {
        _ = try record("snapshot-a.sqlite", madeAt: Date(), days: 1)
        let snapshot = directory.file("snapshot.sqlite")
        try catalog.writeSnapshot(to: snapshot)
        try EvidenceCatalog.checkSnapshot(at: snapshot)
        #expect(!FileManager.default.fileExists(atPath: snapshot + "-wal"))
        let copy = try EvidenceCatalog(readingOnly: snapshot, actor: AuditActor(uid: 0, name: nil))
        #expect(try copy.backupSnapshots().count == 1)
        #expect(try copy.keyFingerprint() == [UInt8](repeating: 1, count: 16))
        #expect(try copy.verifyAuditChain().firstBroken == nil)
        var info = stat()
        #expect(stat(snapshot, &info) == 0 && info.st_mode & 0o777 == 0o600, "it holds wrapped keys")
        // Never over an existing file; and a file that is not a catalog fails the check.
        #expect(throws: CatalogError.self) { try catalog.writeSnapshot(to: snapshot) }
        try directory.write(testBytes(count: 8192, seed: 3), to: "garbage.sqlite")
        #expect(throws: CatalogError.self) { try EvidenceCatalog.checkSnapshot(at: directory.file("garbage.sqlite")) }
    }
}
