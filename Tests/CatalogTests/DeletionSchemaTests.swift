import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

/// The deletion state machine (DESIGN §13) as the schema enforces it: due only past the due date and
/// under no hold, a second administrator to approve, the trash for the whole grace period, a hold
/// stopping a deletion at any point before the shred, restore back to review.
@Suite struct DeletionSchemaTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog
    let queue: DatabaseQueue
    let item: EvidenceID
    let root = AuditActor(uid: 0, name: "root")
    /// Past the default 180-day retention of `uncategorized`.
    let later = Date().addingTimeInterval(400 * 86_400)
    let grace: TimeInterval = 14 * 86_400

    init() throws {
        directory = try TemporaryDirectory("DeletionSchemaTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
        item = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 1)
        queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
    }

    func pass(at date: Date) throws -> RetentionPassResult {
        try catalog.markDueItems(at: date, batchSize: 2) { [AuditEvent(action: .retentionMarked, detail: ["marked": "\($0.marked)"])] }
    }

    func ask(_ items: [EvidenceID], notDue: Bool = false, who: String = "account:alice") throws -> DeletionRequestRecord {
        try catalog.requestDeletion(
            of: items, reason: "retention period over", notDue: notDue, grace: grace, who: who, at: Date(),
            events: { [AuditEvent(action: .deletionRequested, detail: ["request": "\($0.id)"])] }, by: root)
    }

    func approve(_ id: Int64, who: String = "account:bob") throws -> DeletionRequestRecord {
        try catalog.approveDeletion(id, who: who, at: Date(), events: { _ in [] }, by: root)
    }

    func hold(_ item: EvidenceID) throws {
        _ = try catalog.placeHold(
            matter: "M-1", authority: "court", reason: "litigation", items: [item], query: nil, who: "account:carol",
            at: Date(), events: { _ in [] }, by: root)
    }

    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try queue.write { try $0.execute(sql: sql, arguments: arguments) }
    }

    @Test func aPassMarksOnlyItemsPastTheirDueDateAndAHoldUnmarksThem() throws {
        let other = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 2)
        let third = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 3)
        #expect(try pass(at: Date()) == RetentionPassResult(marked: 0, cleared: 0))
        #expect(try pass(at: later) == RetentionPassResult(marked: 3, cleared: 0))
        #expect(Set(try catalog.dueItems().map(\.id)) == [item, other, third])
        try hold(other)
        #expect(Set(try catalog.dueItems().map(\.id)) == [item, third])
        #expect(try pass(at: later) == RetentionPassResult(marked: 0, cleared: 0))
        // The schema refuses a due mark on a held item or one not yet due, whatever writes it.
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE item SET due_marked_at = ? WHERE id = ?", [later.catalogMilliseconds, other.description])
        }
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE item SET due_marked_at = 1 WHERE id = ?", [self.item.description])
        }
    }

    @Test func anItemNotDueIsDeletedOnlyAsAMarkedSpecialDeletion() throws {
        #expect(throws: CatalogError.self) { try ask([item]) }
        let special = try ask([item], notDue: true)
        #expect(special.notDue && special.items.map(\.wasDue) == [false])
        // Not-due items in a request not marked as special: refused by the schema too.
        try execute("INSERT INTO deletion_request (reason, requested_by, requested_at, not_due, grace_ms) VALUES ('x', 'a', 1, 0, 0)")
        let other = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 2)
        #expect(throws: DatabaseError.self) {
            try execute("INSERT INTO deletion_item VALUES (2, ?, 0, 'requested', NULL, NULL, NULL, NULL, NULL, NULL)", [other.description])
        }
    }

    @Test func nobodyApprovesTheirOwnRequest() throws {
        _ = try pass(at: later)
        let request = try ask([item])
        #expect(throws: CatalogError.self) { try approve(request.id, who: "account:alice") }
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE deletion_request SET approved_by = requested_by, approved_at = 1 WHERE id = ?", [request.id])
        }
        #expect(try catalog.isTrashed(item) == false)
    }

    @Test func approvalTrashesForTheWholeGracePeriodAndDecidesOnce() throws {
        _ = try pass(at: later)
        let request = try ask([item])
        // Not approved: nothing trashes it.
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE deletion_item SET state = 'trashed', trashed_at = 1, purge_after = 1 WHERE item_id = ?", [self.item.description])
        }
        let approved = try approve(request.id)
        let entry = try #require(approved.items.first)
        #expect(entry.state == .trashed && approved.approvedBy == "account:bob")
        #expect(entry.purgeAfter!.timeIntervalSince(entry.trashedAt!).rounded() == grace)
        #expect(try catalog.isTrashed(item))
        #expect(throws: CatalogError.self) {
            try catalog.rejectDeletion(request.id, reason: "no", who: "account:carol", at: Date(), events: { _ in [] }, by: root)
        }
        // Shortening the grace period, or shredding before it ends: refused.
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE deletion_item SET purge_after = trashed_at WHERE item_id = ?", [self.item.description])
        }
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE deletion_item SET state = 'shredded', shredded_at = trashed_at WHERE item_id = ?", [self.item.description])
        }
        #expect(throws: DatabaseError.self) { try execute("DELETE FROM deletion_item") }
    }

    @Test func aHoldDuringTheGracePeriodStopsTheDeletion() throws {
        _ = try pass(at: later)
        let request = try ask([item])
        _ = try approve(request.id)
        try hold(item)
        #expect(try catalog.deletionRequest(request.id).items.map(\.state) == [.stopped])
        #expect(try catalog.isTrashed(item) == false)
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE deletion_item SET state = 'shredded', shredded_at = purge_after WHERE item_id = ?", [self.item.description])
        }
        // A held item cannot be requested again.
        #expect(throws: CatalogError.self) { try ask([item], notDue: true) }
    }

    @Test func aHoldBeforeApprovalKeepsTheItemOutOfTheTrash() throws {
        _ = try pass(at: later)
        let other = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 2)
        _ = try pass(at: later)
        let request = try ask([item, other])
        try hold(other)
        let approved = try approve(request.id)
        #expect(Dictionary(uniqueKeysWithValues: approved.items.map { ($0.itemID, $0.state) })
            == [item.description: .trashed, other.description: .stopped])
    }

    @Test func restoreReturnsTheItemToRetentionWithANewReview() throws {
        _ = try pass(at: later)
        try execute("UPDATE item SET review_state = 'reviewed' WHERE id = ?", [item.description])
        // A reviewed item does not go back to pending unless restored from the trash.
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE item SET review_state = 'pending' WHERE id = ?", [self.item.description])
        }
        let request = try ask([item])
        _ = try approve(request.id)
        let restored = try catalog.restoreFromTrash(item, who: "account:carol", at: Date(), events: { _ in [] }, by: root)
        #expect(restored.state == .restored && restored.restoredBy == "account:carol")
        #expect(try catalog.isTrashed(item) == false)
        let record = try catalog.item(matching: item.description)
        #expect(record.review.state == "pending")
        #expect(try catalog.dueItems().isEmpty)
        #expect(throws: CatalogError.self) {
            try catalog.restoreFromTrash(item, who: "account:carol", at: Date(), events: { _ in [] }, by: root)
        }
        // Due again at the next pass, and requestable again.
        #expect(try pass(at: later).marked == 1)
        _ = try ask([item])
    }
}
