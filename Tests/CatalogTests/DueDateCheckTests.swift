import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

/// The due-date check (issue 23, point 6) against every write that stores a due date: whatever
/// legitimate sequence of changes an item went through — a 24-hour floor from a shortened retention,
/// a hold placed and released, a category added — its stored due date is the one the check
/// recomputes, then and at any later instant; a due date written by hand is found, earlier or later.
@Suite struct DueDateCheckTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog
    let queue: DatabaseQueue
    let root = AuditActor(uid: 0, name: "root")
    static let day: TimeInterval = 86_400

    init() throws {
        directory = try TemporaryDirectory("DueDateCheckTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: root, keyFingerprint: [UInt8](repeating: 1, count: 16))
        queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
    }

    /// The ids the check names at `now`.
    func named(at now: Date? = nil) throws -> Set<String> {
        Set(try catalog.dueDateDisagreements(at: now, pageSize: 2).map(\.itemID))
    }

    @Test func everyLegitimateChangeAgreesWithTheCheckNowAndLater() throws {
        let now = Date()
        // Recorded a year ago: six months of `uncategorized` are over, so its due date is floored.
        let old = try ReviewSchemaTests.verifiedItem(
            in: catalog, seed: 1, recordedAt: now.addingTimeInterval(-365 * Self.day))
        let fresh = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 2)
        let held = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 3)
        try catalog.addCategory(
            CategoryRecord(
                name: "case", retention: .years(10), accessClass: "normal", description: nil, createdBy: "root",
                createdAt: now),
            events: [], by: root)
        _ = try catalog.categorize(fresh, as: ["case"], who: "account:alice", at: now, events: { _ in [] }, by: root)
        let hold = try catalog.placeHold(
            matter: "M-1", authority: "court", reason: "litigation", items: [held], query: nil, who: "account:carol",
            at: now, events: { _ in [] }, by: root)
        // Checked at the instant it reads (after every change so far), and later.
        #expect(try named().isEmpty)
        _ = try catalog.releaseHold(
            hold.id, reason: "over", who: "account:carol", at: now, events: { _ in [] }, by: root)
        // A shorter retention of `uncategorized`: the old item is floored to 24 hours after the change.
        _ = try catalog.changeCategory(
            CategoryRecord.uncategorized, retention: .days(30), at: now, events: { _ in [] }, by: root)
        let floored = try catalog.item(matching: old.description).review.dueAt
        #expect(floored.map { abs($0.timeIntervalSince(now.addingTimeInterval(Self.day))) < 1 } == true)
        #expect(try named().isEmpty)
        let checked = Date()
        for later in [0.5, 1, 2, 400].map({ checked.addingTimeInterval($0 * Self.day) }) {
            #expect(try named(at: later).isEmpty, "at \(later)")
        }
        // A pass after the floor marks the floored item and the released one's, skipping nothing.
        let pass = try catalog.markDueItems(at: now.addingTimeInterval(40 * Self.day), batchSize: 2) { _ in [] }
        #expect(pass.skipped.isEmpty && pass.marked == 2)
    }

    @Test func anItemMarkedDueWhoseDueDateWasForgedIsNotDeleted() throws {
        let item = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 1)
        let rules = try #require(try catalog.item(matching: item.description).review.dueAt)
        // Marked due by a pass after its real due date; then someone writes a due date a year earlier.
        #expect(try catalog.markDueItems(at: rules.addingTimeInterval(Self.day)) { _ in [] }.marked == 1)
        try queue.write { db in
            try db.execute(
                sql: "UPDATE item SET due_at = ? WHERE id = ?",
                arguments: [rules.addingTimeInterval(-365 * Self.day).catalogMilliseconds, item.description])
        }
        #expect {
            try catalog.requestDeletion(
                of: [item], reason: "retention period over", notDue: false, grace: 0, who: "account:alice", at: Date(),
                events: { _ in [] }, by: root)
        } throws: { error in
            (error as? CatalogError)?.message.contains("is not the one its retention gives") == true
        }
    }

    @Test func aDueMarkWrittenWithTheTriggerDroppedDeletesNothing() throws {
        let item = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 1)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER item_due_mark_only_when_due")
            try db.execute(sql: "UPDATE item SET due_marked_at = 1 WHERE id = ?", arguments: [item.description])
        }
        #expect {
            try catalog.requestDeletion(
                of: [item], reason: "retention period over", notDue: false, grace: 0, who: "account:alice", at: Date(),
                events: { _ in [] }, by: root)
        } throws: { error in
            (error as? CatalogError)?.message.contains("is marked due before its due date") == true
        }
    }

    @Test(arguments: [-400.0, -1, 2, 3650])
    func aDueDateWrittenByHandIsNamed(daysFromTheRules: Double) throws {
        let item = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 1)
        let rules = try #require(try catalog.item(matching: item.description).review.dueAt)
        let forged = rules.addingTimeInterval(daysFromTheRules * Self.day).catalogMilliseconds
        try queue.write { db in
            try db.execute(sql: "UPDATE item SET due_at = ? WHERE id = ?", arguments: [forged, item.description])
        }
        let found = try catalog.dueDateDisagreements()
        #expect(found.map(\.itemID) == [item.description])
        #expect(found.first?.stored?.catalogMilliseconds == forged)
        #expect(found.first?.recomputed?.catalogMilliseconds == rules.catalogMilliseconds)
        // Never due, too.
        try queue.write { db in
            try db.execute(sql: "UPDATE item SET due_at = NULL WHERE id = ?", arguments: [item.description])
        }
        #expect(try named() == [item.description])
    }
}
