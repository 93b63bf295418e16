import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

@testable import Catalog

/// One item state (`ItemLifecycle`) through an item's whole deletion: derived on the record, kept by
/// triggers on the row's `deletion_state`/`deletion_at`, filtered on by `--item-state`, and a trashed
/// or shredded item out of the review queue, unclaimable, its claim ended by the trash.
@Suite struct ItemStateTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog
    let queue: DatabaseQueue
    let item: EvidenceID
    let root = AuditActor(uid: 0, name: "root")
    /// Past the default 180-day retention of `uncategorized`.
    let later = Date().addingTimeInterval(400 * 86_400)
    let grace: TimeInterval = 14 * 86_400

    init() throws {
        directory = try TemporaryDirectory("ItemStateTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
        item = try ReviewSchemaTests.verifiedItem(in: catalog, seed: 1)
        queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
    }

    /// The state as the record derives it, the row's kept columns, and every `--item-state` that
    /// lists the item: all three must agree.
    func state() throws -> (ItemLifecycle, row: (String?, Int64?), listedAs: [ItemLifecycle.State]) {
        let record = try catalog.item(matching: item.description)
        let row = try queue.read { db in
            try Row.fetchOne(
                db, sql: "SELECT deletion_state, deletion_at FROM item WHERE id = ?", arguments: [item.description])!
        }
        let listed = try ItemLifecycle.State.allCases.filter { state in
            var filter = ItemFilter()
            filter.state = state
            return try catalog.items(matching: filter).contains { $0.id == item }
        }
        return (record.lifecycle, (row["deletion_state"], row["deletion_at"]), listed)
    }

    func queued() throws -> Bool {
        try catalog.reviewQueue(scope: .all, at: Date(), limit: 100).contains { $0.item.id == item }
    }

    func claim(_ reviewer: String = "account:rita") throws -> ClaimRecord {
        try catalog.claim(item, for: reviewer, lease: 3_600, at: Date(), events: [], by: root)
    }

    func approve(_ id: Int64) throws -> DeletionRequestRecord {
        try catalog.approveDeletion(id, who: "account:bob", at: Date(), events: { _ in [] }, by: root)
    }

    func ask(notDue: Bool) throws -> DeletionRequestRecord {
        try catalog.requestDeletion(
            of: [item], reason: "retention period over", notDue: notDue, grace: grace, who: "account:alice",
            at: Date(), events: { _ in [] }, by: root)
    }

    @Test func theStateFollowsTheItemThroughDueRequestTrashRestoreAndShred() throws {
        var (lifecycle, row, listed) = try state()
        #expect(lifecycle.state == .verified && row.0 == nil && row.1 == nil && listed == [.verified])
        #expect(try queued())

        _ = try catalog.markDueItems(at: later) { _ in [] }
        (lifecycle, row, listed) = try state()
        #expect(lifecycle.state == .due && row.0 == nil && listed == [.due])
        #expect(try queued())

        let first = try ask(notDue: false)
        (lifecycle, row, listed) = try state()
        #expect(lifecycle.state == .deletionRequested && row.0 == "requested" && row.1 == nil)
        #expect(listed == [.deletionRequested])
        // Still pending review, and claimable, until the trash.
        #expect(try queued())
        let held = try claim()

        let approved = try approve(first.id)
        #expect(approved.endedClaims == [held])
        let purgeAfter = try #require(approved.items.first?.purgeAfter)
        (lifecycle, row, listed) = try state()
        #expect(lifecycle.state == .trashed && lifecycle.shredAfter == purgeAfter && listed == [.trashed])
        #expect(row.0 == "trashed" && row.1 == purgeAfter.catalogMilliseconds)
        #expect(try !queued())
        #expect(try catalog.reviewFacts(for: item, at: Date()).claim == nil)
        #expect(throws: CatalogError.self) { try claim() }
        #expect(
            try catalog.claimNext(
                scope: .all, for: "account:rita", lease: 60, at: Date(), events: { _ in [] }, by: root)
                == nil)
        var pending = ItemFilter()
        pending.reviewState = "pending"
        #expect(try catalog.items(matching: pending).isEmpty)

        _ = try catalog.restoreFromTrash(item, who: "account:bob", at: Date(), events: { _ in [] }, by: root)
        (lifecycle, row, listed) = try state()
        #expect(lifecycle.state == .verified && row.0 == nil && row.1 == nil && listed == [.verified])
        #expect(try queued())

        let second = try ask(notDue: true)
        _ = try approve(second.id)
        #expect(try state().0.state == .trashed)

        let shreddedAt = Date().addingTimeInterval(grace + 60)
        let shredded = try catalog.shred(try catalog.itemsToShred(at: shreddedAt), at: shreddedAt) { item, request in
            [.itemShredded(item, request: request)]
        }
        #expect(shredded.map(\.id) == [item])
        (lifecycle, row, listed) = try state()
        #expect(lifecycle.state == .shredded && listed == [.shredded])
        #expect(lifecycle.shreddedAt == Date(catalogMilliseconds: shreddedAt.catalogMilliseconds))
        #expect(row.0 == "shredded" && row.1 == shreddedAt.catalogMilliseconds)
        #expect(try !queued())
        #expect(throws: CatalogError.self) { try claim() }
        // A tombstone is deleted already: no new request takes it.
        #expect(throws: CatalogError.self) { try ask(notDue: true) }
        // Its due date no longer applies.
        var due = ItemFilter()
        due.dueBefore = later.addingTimeInterval(86_400)
        #expect(try catalog.items(matching: due).isEmpty)
    }

    /// A catalog with deletions before the migration: its backfill gives every item the columns the
    /// triggers keep (a requested, a trashed, a restored and a shredded item; one never deleted).
    @Test func theMigrationFillsInTheColumnsOfDeletionsMadeBeforeIt() throws {
        let items = try (2...5).map { try ReviewSchemaTests.verifiedItem(in: catalog, seed: UInt64($0)) }
        func ask(_ items: [EvidenceID]) throws -> Int64 {
            try catalog.requestDeletion(
                of: items, reason: "recorded by mistake", notDue: true, grace: 0, who: "account:alice", at: Date(),
                events: { _ in [] }, by: root
            ).id
        }
        _ = try approve(try ask(Array(items[1...3])))
        _ = try catalog.restoreFromTrash(items[2], who: "account:bob", at: Date(), events: { _ in [] }, by: root)
        let at = Date().addingTimeInterval(1)
        _ = try catalog.shred(try catalog.itemsToShred(at: at).filter { $0.id == items[3] }, at: at) { item, request in
            [.itemShredded(item, request: request)]
        }
        _ = try ask([items[0]])
        let kept = "SELECT id, deletion_state, deletion_at FROM item ORDER BY id"
        let before = try queue.read { try Row.fetchAll($0, sql: kept) }
        #expect(Set(before.map { $0["deletion_state"] as String? }) == [nil, "requested", "trashed", "shredded"])
        let after = try queue.write { db in
            // The catalog as it was before the migration, then the migration's backfill.
            try db.execute(sql: "DROP TRIGGER item_deletion_state_derived")
            try db.execute(sql: "UPDATE item SET deletion_state = NULL, deletion_at = NULL")
            try db.execute(sql: ItemStateSchema.backfill)
            return try Row.fetchAll(db, sql: kept)
        }
        #expect(after == before)
    }

    @Test func aStateIsNamedByItsStableNameOrItsWords() {
        #expect(ItemLifecycle.State(named: "deletion requested") == .deletionRequested)
        #expect(ItemLifecycle.State(named: "Deletion-Requested") == .deletionRequested)
        #expect(ItemLifecycle.State(named: "deletion_requested") == .deletionRequested)
        #expect(ItemLifecycle.State(named: "TRASHED") == .trashed)
        #expect(ItemLifecycle.State(named: "gone") == nil)
        #expect(ItemLifecycle.State.deletionRequested.words == "deletion requested")
        // A deletion outranks a due mark, a due mark the ingest state.
        let due = ItemLifecycle(ingest: .verified, dueMarked: true, deletion: nil, deletionAt: nil)
        #expect(due.state == .due && due.isLive)
        let trashed = ItemLifecycle(ingest: .verified, dueMarked: true, deletion: .trashed, deletionAt: Date())
        #expect(trashed.state == .trashed && trashed.shredAfter != nil && !trashed.isLive)
        #expect(ItemLifecycle(ingest: .stored, dueMarked: false, deletion: nil, deletionAt: nil).state == .stored)
    }

    @Test func theRowsDeletionStateIsOnlyTheDerivedOne() throws {
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE item SET deletion_state = 'trashed', deletion_at = 1") }
        }
        let request = try ask(notDue: true)
        _ = try approve(request.id)
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE item SET deletion_state = NULL, deletion_at = NULL") }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE item SET deletion_at = deletion_at + 1") }
        }
        // Nor is a trashed item claimed by hand.
        #expect(throws: DatabaseError.self) {
            try queue.write {
                try $0.execute(
                    sql: "INSERT INTO review_claim (item_id, reviewer, claimed_at, expires_at) VALUES (?, 'x', 1, 2)",
                    arguments: [item.description])
            }
        }
    }

    /// The queue's partial indexes hold live items only, and the queue's query is written to use them;
    /// the report's scan still reads its covering index alone with the deletion state in it.
    @Test func theQueueAndTheReportStayOnTheirIndexes() throws {
        let (sql, arguments) = EvidenceCatalog.queueQuery(.units(["NORTH-1"], officer: "P1"), limit: 10)
        let plan = try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(arguments))
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
        #expect(plan.contains("item_review_queue_by_unit") && plan.contains("item_review_queue_by_officer"))
        var filter = ItemFilter()
        filter.ingestedFrom = Date(timeIntervalSince1970: 0)
        let report = try filter.matching().filter(sql: ItemStateSchema.notShredded)
            .select(
                sql: "id, officer_id, unit_id, recorded_at, ingested_at, review_state, category_list, review_outcome"
            )
            .asRequest(of: Row.self)
        let reportPlan = try queue.read { db in
            let statement = try report.makePreparedRequest(db).statement
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments)
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
        #expect(reportPlan.contains("COVERING INDEX item_report"))
    }
}
