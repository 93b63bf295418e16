import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

@Suite struct AuditChainTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog

    init() throws {
        directory = try TemporaryDirectory("AuditChainTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 1000, name: "alice"),
            keyFingerprint: [UInt8](repeating: 7, count: 16))
        for n in 1...5 {
            try catalog.audit([AuditEvent(action: .itemViewed, itemID: EvidenceID(), detail: ["n": "\(n)"])])
        }
    }

    /// Tampering as an attacker with write access to the file would: raw SQL, triggers dropped.
    func tamper(_ sql: String) throws {
        let queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete")
            try db.execute(sql: sql)
        }
    }

    @Test func anIntactChainVerifies() throws {
        let report = try catalog.verifyAuditChain()
        #expect(report.firstBroken == nil)
        #expect(report.entries == 6)
        #expect(report.headHash.count == 64)
    }

    @Test func theSchemaRefusesToRewriteHistory() throws {
        let queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE audit SET detail = '{}' WHERE seq = 2") }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "DELETE FROM audit WHERE seq = 6") }
        }
    }

    @Test func anAlteredEntryIsNamed() throws {
        try tamper("UPDATE audit SET detail = '{\"n\":\"99\"}' WHERE seq = 3")
        let report = try catalog.verifyAuditChain()
        #expect(report.firstBroken?.sequence == 3)
        #expect(report.firstBroken?.reason.contains("altered") == true)
        #expect(report.entries == 2)
    }

    @Test func aRemovedEntryIsNamed() throws {
        try tamper("DELETE FROM audit WHERE seq = 4")
        #expect(try catalog.verifyAuditChain().firstBroken?.sequence == 5)
    }

    @Test func aRecomputedEntryBreaksTheLinkAfterIt() throws {
        // Change entry 2's actor and recompute its own hash: entry 3 no longer links to it.
        let queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
        let forged = try queue.read { db in try AuditEntry.fetchOne(db, sql: "SELECT * FROM audit WHERE seq = 2")! }
        var changed = forged
        changed.actor = "uid:0(root)"
        let hasher = AuditHashProbe.hash(of: changed)
        try tamper("UPDATE audit SET actor = 'uid:0(root)', hash = x'\(Hex.encode(hasher))' WHERE seq = 2")
        let report = try catalog.verifyAuditChain()
        #expect(report.firstBroken?.sequence == 3)
        #expect(report.firstBroken?.reason.contains("does not link") == true)
    }
}

/// Recomputes an entry hash the way the chain documents it (docs/audit-log.md), independently.
enum AuditHashProbe {
    static func hash(of entry: AuditEntry) -> [UInt8] {
        var bytes = Array("custody-audit-v1".utf8)
        bytes += withUnsafeBytes(of: UInt64(entry.sequence).bigEndian, Array.init)
        bytes += entry.previousHash
        bytes += withUnsafeBytes(of: UInt64(entry.at.catalogMilliseconds).bigEndian, Array.init)
        for field in [entry.actor, entry.action, entry.itemID ?? "", entry.detail] {
            bytes += withUnsafeBytes(of: UInt32(field.utf8.count).bigEndian, Array.init)
            bytes += Array(field.utf8)
        }
        return Array(Hex.decode(sha256Hex(bytes))!)
    }
}
