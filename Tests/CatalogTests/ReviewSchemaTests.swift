import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

/// What the review schema makes impossible, whatever the code above it does: two claims on one item,
/// a review by anyone but the live claimant, an edited or deleted note, a released hold placed again,
/// `uncategorized` removed or assigned, a fixity failure cleared. And what it does by itself: a
/// verified item enters the review queue; recorded-at decides the clock only when plausible.
@Suite struct ReviewSchemaTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog
    let queue: DatabaseQueue
    let item: EvidenceID

    init() throws {
        directory = try TemporaryDirectory("ReviewSchemaTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
        item = try Self.verifiedItem(in: catalog, seed: 1)
        queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
    }

    static func verifiedItem(in catalog: EvidenceCatalog, seed: UInt64, recordedAt: Date? = nil) throws -> EvidenceID {
        let record = ItemRecord(
            id: EvidenceID(), state: .stored, sha256: SHA256Digest(bytes: testBytes(count: 32, seed: seed))!,
            ciphertextSHA256: SHA256Digest(bytes: testBytes(count: 32, seed: seed + 1000))!, size: 10,
            ciphertextSize: 90, wrappedKey: [UInt8](repeating: 9, count: 60),
            source: SourceReference(
                deviceID: nil, root: "/import", path: RawPath("DCIM/\(seed).mp4"), size: 10,
                modificationTimeNanoseconds: 5),
            ingestedAt: Date(), verifiedAt: nil)
        try catalog.recordStored([record], events: [])
        try catalog.recordVerified([record.id], events: [])
        var metadata = MediaMetadata(kind: .video)
        metadata.recordedAt = recordedAt.map { MediaMetadata.RecordedAt(source: .container, raw: "test", time: $0) }
        try catalog.recordMedia([(record.id, metadata)])
        return record.id
    }

    func execute(_ sql: String, _ arguments: StatementArguments = []) throws {
        try queue.write { try $0.execute(sql: sql, arguments: arguments) }
    }

    var now: Int64 { Date().catalogMilliseconds }

    @Test func aVerifiedItemIsPendingReviewWithADueDate() throws {
        let record = try catalog.item(matching: item.description)
        #expect(record.review.state == "pending")
        #expect(record.review.category == "uncategorized" && record.review.clock == "ingested_at")
        #expect(record.review.dueAt! > Date().addingTimeInterval(170 * 86_400))
    }

    @Test func oneClaimAnItemAndOnlyTheClaimantReviews() throws {
        try execute("INSERT INTO review_claim VALUES (?, 'R1', ?, ?, NULL)", [item.description, now, now + 60_000])
        #expect(throws: DatabaseError.self) {
            try execute("INSERT INTO review_claim VALUES (?, 'R2', ?, ?, NULL)", [item.description, now, now + 60_000])
        }
        #expect(throws: DatabaseError.self) {
            try execute("INSERT INTO review (item_id, reviewer, reviewed_at, outcome) VALUES (?, 'R2', ?, 'ok')", [item.description, now])
        }
        // The claimant, after the lease: refused too.
        #expect(throws: DatabaseError.self) {
            try execute(
                "INSERT INTO review (item_id, reviewer, reviewed_at, outcome) VALUES (?, 'R1', ?, 'ok')",
                [item.description, now + 120_000])
        }
        try execute("INSERT INTO review (item_id, reviewer, reviewed_at, outcome) VALUES (?, 'R1', ?, 'ok')", [item.description, now])
        #expect(throws: DatabaseError.self) { try execute("UPDATE review SET outcome = 'important'") }
        #expect(throws: DatabaseError.self) { try execute("DELETE FROM review") }
        try execute("UPDATE item SET review_state = 'reviewed' WHERE id = ?", [item.description])
        #expect(throws: DatabaseError.self) { try execute("UPDATE item SET review_state = 'pending' WHERE id = ?", [item.description]) }
        try execute("DELETE FROM review_claim")
        #expect(throws: DatabaseError.self) {
            try execute("INSERT INTO review_claim VALUES (?, 'R1', ?, ?, NULL)", [item.description, now, now + 60_000])
        }
    }

    @Test func notesAreAppendOnly() throws {
        try execute("INSERT INTO note (item_id, author, at, text) VALUES (?, 'P1', ?, 'first')", [item.description, now])
        #expect(throws: DatabaseError.self) { try execute("UPDATE note SET text = 'changed'") }
        #expect(throws: DatabaseError.self) { try execute("DELETE FROM note") }
        #expect(throws: DatabaseError.self) {
            try execute("INSERT INTO note (item_id, author, at, text) VALUES (?, 'P1', ?, '  ')", [item.description, now])
        }
    }

    @Test func aReleasedHoldStaysReleasedAndTakesNoItems() throws {
        try execute(
            "INSERT INTO hold (matter, authority, reason, placed_by, placed_at) VALUES ('m', 'a', 'r', 'A1', ?)", [now])
        try execute("UPDATE hold SET released_by = 'A1', released_at = ?, release_reason = 'done'", [now])
        #expect(throws: DatabaseError.self) {
            try execute("UPDATE hold SET released_by = NULL, released_at = NULL, release_reason = NULL")
        }
        #expect(throws: DatabaseError.self) { try execute("INSERT INTO hold_item VALUES (1, ?, ?)", [item.description, now]) }
        #expect(throws: DatabaseError.self) { try execute("DELETE FROM hold") }
        // A time range alone is no query: it would hold everyone's footage.
        #expect(throws: DatabaseError.self) {
            try execute(
                "INSERT INTO hold (matter, authority, reason, placed_by, placed_at, query_from) VALUES ('m', 'a', 'r', 'A1', ?, 0)",
                [now])
        }
    }

    @Test func uncategorizedIsNeitherRemovedNorAssigned() throws {
        #expect(throws: DatabaseError.self) { try execute("DELETE FROM category WHERE name = 'uncategorized'") }
        #expect(throws: DatabaseError.self) {
            try execute("INSERT INTO item_category VALUES (?, 'uncategorized', 'A1', ?)", [item.description, now])
        }
        #expect(throws: DatabaseError.self) {
            try execute("INSERT INTO category (name, retention, created_by, created_at) VALUES ('x', '0d', 'A1', 0)")
        }
        #expect(throws: DatabaseError.self) {
            try execute("INSERT INTO category (name, retention, created_by, created_at) VALUES ('Upper', '1d', 'A1', 0)")
        }
        #expect(throws: CatalogError.self) {
            try catalog.changeCategory("uncategorized", retention: nil, at: Date(), events: { _ in [] }, by: catalog.actor)
        }
    }

    @Test func aFixityFailureStaysOnTheItem() throws {
        try catalog.recordFixityFailure(item, at: Date(), events: [AuditEvent(action: .fixityFailed, itemID: item)])
        let failedAt = try catalog.item(matching: item.description).review.fixityFailedAt
        #expect(failedAt != nil)
        try catalog.recordFixityFailure(item, at: Date().addingTimeInterval(60), events: [])
        #expect(try catalog.item(matching: item.description).review.fixityFailedAt == failedAt)
        #expect(throws: DatabaseError.self) { try execute("UPDATE item SET fixity_failed_at = NULL") }
        #expect(try catalog.fixityFailureCount() == 1)
        var filter = ItemFilter()
        filter.fixityFailed = true
        #expect(try catalog.items(matching: filter).map(\.id) == [item])
    }

    @Test func recordedAtIsTheClockOnlyWhenPlausible() throws {
        let recorded = Date().addingTimeInterval(-3 * 86_400)
        let plausible = try Self.verifiedItem(in: catalog, seed: 2, recordedAt: recorded)
        let future = try Self.verifiedItem(in: catalog, seed: 3, recordedAt: Date().addingTimeInterval(400 * 86_400))
        let ancient = try Self.verifiedItem(in: catalog, seed: 4, recordedAt: Date(timeIntervalSince1970: 0))
        let trusted = try catalog.item(matching: plausible.description).review
        #expect(trusted.clock == "recorded_at" && trusted.clockFlag == nil)
        for id in [future, ancient] {
            let flagged = try catalog.item(matching: id.description).review
            #expect(flagged.clock == "ingested_at")
            #expect(flagged.clockFlag != nil)
            #expect(flagged.dueAt! > Date().addingTimeInterval(170 * 86_400))
        }
    }
}
