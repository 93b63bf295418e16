import Catalog
import ControlProtocol
import CustodyCore
import CustodyTesting
import Foundation
import Testing

/// `deletion receipt`: after a shred, the receipt names what was erased, how, when and by whose
/// approval, with whole audit entries that an independent checker (`Tests/Interop/check_audit.py`,
/// written from the docs alone) finds in the chain; an altered receipt fails that check; `show`
/// prints the tombstone.
@Suite struct DeletionReceiptTests {
    typealias F = OperationsFixture
    static let second = F.caller("ops", groups: [F.adminGroup])

    /// One due item requested by one administrator, approved by another, and shredded after the
    /// grace period the way the shred service does it.
    static func shreddedItem() throws -> (F, EvidenceID) {
        let (fixture, id) = try DeletionOperationsTests.dueItem()
        let request = try #require(
            try fixture.expectOK(.deletionRequest, DeletionOperationsTests.request([id]), as: F.bootstrap).deletion)
        try fixture.expectOK(.deletionApprove, DeletionOperationsTests.number(request.id), as: Self.second)
        fixture.advance(by: 15 * 86_400)
        let due = try fixture.catalog.itemsToShred(at: fixture.now)
        #expect(due.map(\.id) == [id])
        let shredded = try fixture.catalog.shred(due, at: fixture.now) { item, request in
            [.itemShredded(item, request: request)]
        }
        #expect(shredded.map(\.id) == [id])
        return (fixture, id)
    }

    static func check(_ receipt: DeletionReceiptView, in fixture: F, file: String = "receipt.json") throws -> ProcessResult {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(receipt).write(to: URL(fileURLWithPath: fixture.directory.file(file)))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/check_audit.py").path
        return try CustodyTesting.run(
            "/usr/bin/env", ["python3", script, "--state", fixture.directory.path, "--receipt", fixture.directory.file(file)])
    }

    @Test func aReceiptProvesTheShredAndAnIndependentCheckerFindsItInTheChain() throws {
        let (fixture, id) = try Self.shreddedItem()
        let arguments = ControlArguments(item: id.description)
        #expect(fixture.perform(.deletionReceipt, arguments, as: F.caller("carol")).error?.code == .forbidden)
        let receipt = try #require(try fixture.expectOK(.deletionReceipt, arguments, as: F.bootstrap).receipt)
        let item = try fixture.catalog.item(matching: id.description)
        #expect(receipt.tombstone.item == id.description && receipt.tombstone.sha256 == item.sha256.hex)
        #expect(receipt.tombstone.ciphertextSHA256 == item.ciphertextSHA256.hex && receipt.tombstone.size == 10)
        #expect(receipt.tombstone.requestedBy == "account:boot" && receipt.tombstone.approvedBy == "account:ops")
        #expect(receipt.tombstone.wasDue && receipt.tombstone.reason == "retention period over")
        #expect(receipt.tombstone.shreddedAt == Timestamps.rfc3339(fixture.now))
        #expect(receipt.method.contains("SP 800-88") && receipt.steps.count == 3)
        let actions = receipt.audit.map(\.action)
        for action in ["item.stored", "deletion.requested", "deletion.approved", "item.shredded"] {
            #expect(actions.contains(action), "\(actions)")
        }
        #expect(receipt.audit.map(\.seq) == receipt.audit.map(\.seq).sorted())
        #expect(receipt.auditHeadSeq >= receipt.audit.map(\.seq).max() ?? .max)
        #expect(try fixture.audited(.deletionsViewed).last?.detail.contains(id.description) == true)

        let checked = try Self.check(receipt, in: fixture)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")

        // Altering what the receipt says an entry recorded breaks that entry's hash.
        var altered = receipt
        let shred = try #require(altered.audit.firstIndex { $0.action == "item.shredded" })
        altered.audit[shred].detail = altered.audit[shred].detail.replacingOccurrences(of: "\"size\":\"10\"", with: "\"size\":\"11\"")
        let refused = try Self.check(altered, in: fixture, file: "altered.json")
        #expect(refused.status == 1 && refused.stdout.contains("does not match its own hash"), "\(refused.stdout)")

        // Claiming another item's erasure with the same entries does not check either.
        var other = receipt
        other.tombstone.item = try fixture.item(officer: "P1", seed: 9).description
        let wrong = try Self.check(other, in: fixture, file: "other.json")
        #expect(wrong.status == 1 && wrong.stdout.contains("still has its wrapped key"), "\(wrong.stdout)")
    }

    @Test func aReceiptNamesTheBackupsThatStillHoldTheKeyAndUntilWhen() throws {
        let (fixture, id) = try DeletionOperationsTests.dueItem()
        let request = try #require(
            try fixture.expectOK(.deletionRequest, DeletionOperationsTests.request([id]), as: F.bootstrap).deletion)
        try fixture.expectOK(.deletionApprove, DeletionOperationsTests.number(request.id), as: Self.second)
        // Two backups before the shred (one pruned since), one after it.
        let record = { (name: String, lifetimeDays: Double) in
            try fixture.catalog.recordBackup(
                madeAt: fixture.now, lifetime: lifetimeDays * 86_400, target: "/backup", snapshot: name, items: 1,
                objectsCopied: 1, bytes: 100)
        }
        let held = try record("before", 90)
        let pruned = try record("pruned", 0)
        try fixture.catalog.recordBackupPruned(pruned.id, objectsRemoved: 1, at: fixture.now)
        fixture.advance(by: 15 * 86_400)
        _ = try fixture.catalog.shred(try fixture.catalog.itemsToShred(at: fixture.now), at: fixture.now) { item, request in
            [.itemShredded(item, request: request)]
        }
        fixture.advance(by: 1)
        _ = try record("after", 90)
        let receipt = try #require(try fixture.expectOK(.deletionReceipt, ControlArguments(item: id.description), as: F.bootstrap).receipt)
        #expect(receipt.backups.snapshots.map(\.id) == ["before"])
        #expect(receipt.backups.heldUntil == Timestamps.rfc3339(held.expiresAt))
    }

    @Test func showPrintsTheTombstoneAndAnItemNotShreddedHasNoReceipt() throws {
        let (fixture, id) = try Self.shreddedItem()
        let shown = fixture.operations.perform(.show(id.description), by: F.bootstrap)
        let tombstone = try #require(shown.tombstone, "\(String(describing: shown.error))")
        #expect(tombstone.approvedBy == "account:ops" && tombstone.sha256 == shown.item?.sha256)
        // The plaintext hash is still findable, so a re-ingest of the same recording is recognised.
        #expect(try fixture.catalog.items(matching: ItemFilter(sha256Prefix: tombstone.sha256)).map(\.id) == [id])

        let kept = try fixture.item(officer: "P1", seed: 2)
        #expect(fixture.operations.perform(.show(kept.description), by: F.bootstrap).tombstone == nil)
        let none = fixture.perform(.deletionReceipt, ControlArguments(item: kept.description), as: F.bootstrap)
        #expect(none.error?.code == .notFound && none.error?.message.contains("was not shredded") == true)
    }
}
