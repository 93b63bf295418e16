import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

/// The item row's copy of its latest review outcome and its categories (`ReportSchema`), which the
/// supervision report reads instead of each item's reviews and categories: kept by every writer of a
/// review or a category, a category's removal included, and impossible to set to anything else.
@Suite struct ReportSchemaTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog
    let queue: DatabaseQueue
    let item: EvidenceID

    init() throws {
        directory = try TemporaryDirectory("ReportSchemaTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
        item = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 1)
        queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
    }

    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try queue.write { try $0.execute(sql: sql, arguments: arguments) }
    }

    /// The item's `review_outcome` and `category_list`.
    func columns() throws -> (outcome: String?, categories: String?) {
        try queue.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT review_outcome, category_list FROM item WHERE id = ?", arguments: [item.description])!
            return (row[0], row[1])
        }
    }

    func review(_ outcome: String, by reviewer: String, at milliseconds: Int64) throws {
        try execute("DELETE FROM review_claim")
        try execute(
            "INSERT INTO review_claim VALUES (?, ?, ?, ?, NULL)",
            [item.description, reviewer, milliseconds, milliseconds + 60_000])
        try execute(
            "INSERT INTO review (item_id, reviewer, reviewed_at, outcome) VALUES (?, ?, ?, ?)",
            [item.description, reviewer, milliseconds, outcome])
    }

    @Test func theLatestReviewOutcomeIsTheItemsEvenWhenAClockWentBack() throws {
        #expect(try columns().outcome == nil)
        let now = Date().catalogMilliseconds
        try review("ok", by: "R1", at: now)
        #expect(try columns().outcome == "ok")
        try review("important", by: "R2", at: now + 1_000)
        #expect(try columns().outcome == "important")
        // Written later but dated earlier: the latest by date stays the item's, as `show` has it.
        try review("incomplete", by: "R3", at: now - 5_000)
        #expect(try columns().outcome == "important")
    }

    @Test func theCategoriesFollowEveryAssignmentAndRemovalSorted() throws {
        for name in ["traffic", "arrest"] {
            try execute(
                "INSERT INTO category (name, retention, created_by, created_at) VALUES (?, '1y', 'test', 0)", [name])
        }
        let now = Date().catalogMilliseconds
        try execute("INSERT INTO item_category VALUES (?, 'traffic', 'test', ?)", [item.description, now])
        #expect(try columns().categories == "traffic")
        try execute("INSERT INTO item_category VALUES (?, 'arrest', 'test', ?)", [item.description, now])
        #expect(try columns().categories == "arrest,traffic")
        try execute("DELETE FROM item_category WHERE item_id = ? AND category = 'arrest'", [item.description])
        #expect(try columns().categories == "traffic")
        // A category removed takes its assignments with it (ON DELETE CASCADE): the column follows.
        try execute("DELETE FROM category WHERE name = 'traffic'")
        #expect(try columns().categories == nil)
    }

    @Test func neitherColumnTakesAValueOtherThanTheDerivedOne() throws {
        try review("ok", by: "R1", at: Date().catalogMilliseconds)
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE item SET review_outcome = 'important' WHERE id = ?", [item.description])
        }
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE item SET review_outcome = NULL WHERE id = ?", [item.description])
        }
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE item SET category_list = 'arrest' WHERE id = ?", [item.description])
        }
        #expect(try columns().outcome == "ok" && columns().categories == nil)
    }
}
