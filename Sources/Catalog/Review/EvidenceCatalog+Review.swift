import CustodyCore
import Foundation
import GRDB
import Retention

/// The review queue (DESIGN §12): verified items wait `pending`, a reviewer claims one (a lease that
/// expires), finishes it with an outcome, cases, categories and notes, or releases it. Claims are
/// atomic: the claim table's primary key is the item, so two reviewers never hold one.
extension EvidenceCatalog {
    /// Items pending review within `scope`, oldest verified first, with their live claims.
    public func reviewQueue(scope: ItemScope, at now: Date, limit: Int) throws -> [(item: ItemRecord, claim: ClaimRecord?)] {
        try read { db in
            let (sql, arguments) = Self.queueQuery(scope, limit: limit)
            let items = try ItemRecord.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            let claim = try db.cachedStatement(sql: "SELECT * FROM review_claim WHERE item_id = ? AND expires_at > ?")
            return try items.map { item in
                (item, try ClaimRecord.fetchOne(claim, arguments: [item.id.description, now.catalogMilliseconds]))
            }
        }
    }

    /// Claims `item` for `reviewer` until `now + lease`; renews the lease when they hold it already.
    /// - Throws: `CatalogError.invalidQuery` when someone else holds a live claim or the item is not
    ///   pending review.
    public func claim(
        _ item: EvidenceID, for reviewer: String, lease: TimeInterval, at now: Date, events: [AuditEvent],
        by actor: AuditActor
    ) throws -> ClaimRecord {
        try change("item \(item)", events: events, by: actor) { db in
            try Self.claim(item.description, for: reviewer, assignedBy: nil, lease: lease, at: now, in: db)
        }
    }

    /// Claims the oldest unclaimed item pending review within `scope`; nil when there is none.
    public func claimNext(
        scope: ItemScope, for reviewer: String, lease: TimeInterval, at now: Date, events: (EvidenceID) -> [AuditEvent],
        by actor: AuditActor
    ) throws -> ClaimRecord? {
        try change("the review queue", events: [], by: actor) { db in
            let (sql, arguments) = Self.queueQuery(
                scope, limit: 1,
                extra: ("NOT EXISTS (SELECT 1 FROM review_claim c WHERE c.item_id = item.id AND c.expires_at > ?)",
                        [now.catalogMilliseconds]))
            guard let id = try Row.fetchOne(db, sql: sql, arguments: StatementArguments(arguments))?["id"] as String?
            else { return nil }
            let claim = try Self.claim(id, for: reviewer, assignedBy: nil, lease: lease, at: now, in: db)
            try AuditChain.append(events(EvidenceID(id)!), actor: actor, at: now, in: db)
            return claim
        }
    }

    /// Gives `item` to `reviewer` (an administrator's reassignment), replacing any claim on it.
    public func assign(
        _ item: EvidenceID, to reviewer: String, by administrator: String, lease: TimeInterval, at now: Date,
        events: [AuditEvent], by actor: AuditActor
    ) throws -> (claim: ClaimRecord, previous: ClaimRecord?) {
        try change("item \(item)", events: events, by: actor) { db in
            let previous = try ClaimRecord.fetchOne(
                db, sql: "SELECT * FROM review_claim WHERE item_id = ? AND expires_at > ?",
                arguments: [item.description, now.catalogMilliseconds])
            try db.execute(sql: "DELETE FROM review_claim WHERE item_id = ?", arguments: [item.description])
            let claim = try Self.claim(item.description, for: reviewer, assignedBy: administrator, lease: lease, at: now, in: db)
            return (claim, previous)
        }
    }

    /// Gives up `reviewer`'s claim on `item`, back to the queue.
    /// - Throws: `CatalogError.invalidQuery` when they hold no live claim on it.
    public func releaseClaim(_ item: EvidenceID, by reviewer: String, at now: Date, events: [AuditEvent], actor: AuditActor)
        throws
    {
        try change("item \(item)", events: events, by: actor) { db in
            try db.execute(
                sql: "DELETE FROM review_claim WHERE item_id = ? AND reviewer = ? AND expires_at > ?",
                arguments: [item.description, reviewer, now.catalogMilliseconds])
            guard db.changesCount == 1 else {
                throw CatalogError(code: .invalidQuery, message: "\(reviewer) holds no live claim on item \(item); nothing to release")
            }
        }
    }

    /// What finishing a review records.
    public struct ReviewOutcome: Sendable {
        public var outcome: String
        public var cases: [String]
        public var categories: [String]
        public var note: String?
        /// The bounds the note must keep; nil for none.
        public var noteLimits: NoteLimits?

        public init(
            outcome: String, cases: [String] = [], categories: [String] = [], note: String? = nil,
            noteLimits: NoteLimits? = nil
        ) {
            self.outcome = outcome
            self.cases = cases
            self.categories = categories
            self.note = note
            self.noteLimits = noteLimits
        }
    }

    /// Finishes `reviewer`'s review of `item`: the outcome, cases, categories and note, its claim
    /// closed, query holds by case applied and its retention recomputed, with `events`, in one
    /// transaction.
    /// - Throws: `CatalogError.invalidQuery` when `reviewer` holds no live claim (expired, or someone
    ///   else's), `.notFound` for an unknown category. Nothing is changed then.
    public func finishReview(
        _ item: EvidenceID, by reviewer: String, _ outcome: ReviewOutcome, at now: Date,
        events: (RetentionDecision) -> [AuditEvent], actor: AuditActor
    ) throws -> RetentionDecision {
        try change("item \(item)", events: [], by: actor) { db in
            let id = item.description
            let claim = try ClaimRecord.fetchOne(db, sql: "SELECT * FROM review_claim WHERE item_id = ?", arguments: [id])
            guard let claim, claim.reviewer == reviewer, claim.expiresAt > now else {
                let why: String
                if let claim, claim.reviewer != reviewer, claim.expiresAt > now {
                    why = "it is claimed by \(claim.reviewer)"
                } else if let claim, claim.reviewer == reviewer {
                    why = "your claim expired at \(claim.expiresAt); claim it again"
                } else {
                    why = "you hold no claim on it; claim it first with `custody review claim`"
                }
                throw CatalogError(code: .invalidQuery, message: "cannot finish the review of item \(item): \(why)")
            }
            try db.execute(
                sql: "INSERT INTO review (item_id, reviewer, reviewed_at, outcome) VALUES (?, ?, ?, ?)",
                arguments: [id, reviewer, now.catalogMilliseconds, outcome.outcome])
            try db.execute(sql: "UPDATE item SET review_state = 'reviewed' WHERE id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM review_claim WHERE item_id = ?", arguments: [id])
            try Self.addCategories(outcome.categories, to: id, by: reviewer, at: now, in: db)
            for number in outcome.cases {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO item_case (item_id, case_number, added_by, added_at) VALUES (?, ?, ?, ?)",
                    arguments: [id, number, reviewer, now.catalogMilliseconds])
            }
            if let note = outcome.note {
                _ = try Self.addNote(note, to: id, by: reviewer, at: now, limits: outcome.noteLimits, in: db)
            }
            let holds = try Self.applyQueryHolds(to: id, at: now, in: db)
            let decision = try Self.refreshRetention(of: [id], at: now, in: db)[0]
            try AuditChain.append(
                events(decision) + holds.map { AuditEvent(action: .holdApplied, itemID: item, detail: ["hold": "\($0)"]) },
                actor: actor, at: now, in: db)
            return decision
        }
    }

    /// Adds a note to `item`, attributed to `author`, within `limits` (nil: none).
    /// - Throws: `CatalogError.limitReached` when the note is too large or `author` added too many
    ///   lately (nothing is written then).
    public func addNote(
        _ text: String, to item: EvidenceID, by author: String, at now: Date, limits: NoteLimits? = nil,
        events: [AuditEvent], actor: AuditActor
    ) throws -> NoteRecord {
        try change("item \(item)", events: events, by: actor) { db in
            try Self.addNote(text, to: item.description, by: author, at: now, limits: limits, in: db)
        }
    }

    static func addNote(
        _ text: String, to item: String, by author: String, at now: Date, limits: NoteLimits?, in db: Database
    ) throws -> NoteRecord {
        // In the note's own transaction: writes are serialised, so the count is exact.
        try limits?.check(text, by: author, at: now, in: db)
        try db.execute(
            sql: "INSERT INTO note (item_id, author, at, text) VALUES (?, ?, ?, ?)",
            arguments: [item, author, now.catalogMilliseconds, text])
        return try NoteRecord.fetchOne(db, sql: "SELECT * FROM note WHERE id = ?", arguments: [db.lastInsertedRowID])!
    }

    /// Records that `item`'s object failed a fixity check, with `events`; the first failure's time stays.
    public func recordFixityFailure(_ item: EvidenceID, at now: Date, events: [AuditEvent]) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE item SET fixity_failed_at = ? WHERE id = ? AND fixity_failed_at IS NULL",
                arguments: [now.catalogMilliseconds, item.description])
            try AuditChain.append(events, actor: actor, at: now, in: db)
        }
    }

    /// How many items failed a fixity check.
    public func fixityFailureCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE fixity_failed_at IS NOT NULL") ?? 0 }
    }

    /// Everything review and retention record about `item`, at `now`.
    public func reviewFacts(for item: EvidenceID, at now: Date) throws -> ItemReviewFacts {
        try read { db in
            let id = item.description
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM item WHERE id = ?", arguments: [id]) else {
                throw CatalogError(code: .notFound, message: "no item \(item); see `custody list`")
            }
            return ItemReviewFacts(
                reviewState: row["review_state"],
                claim: try ClaimRecord.fetchOne(
                    db, sql: "SELECT * FROM review_claim WHERE item_id = ? AND expires_at > ?",
                    arguments: [id, now.catalogMilliseconds]),
                reviews: try ReviewRecord.fetchAll(db, sql: "SELECT * FROM review WHERE item_id = ? ORDER BY id", arguments: [id]),
                categories: try CategoryRecord.fetchAll(
                    db,
                    sql: "SELECT c.* FROM item_category ic JOIN category c ON c.name = ic.category WHERE ic.item_id = ? ORDER BY c.name",
                    arguments: [id]),
                cases: try String.fetchAll(
                    db, sql: "SELECT case_number FROM item_case WHERE item_id = ? ORDER BY case_number", arguments: [id]),
                notes: try NoteRecord.fetchAll(db, sql: "SELECT * FROM note WHERE item_id = ? ORDER BY id", arguments: [id]),
                holds: try HoldRecord.fetchAll(
                    db,
                    sql: """
                        SELECT h.*, (SELECT count(*) FROM hold_item WHERE hold_id = h.id) AS item_count
                        FROM hold_item hi JOIN hold h ON h.id = hi.hold_id
                        WHERE hi.item_id = ? AND h.released_at IS NULL ORDER BY h.id
                        """, arguments: [id]),
                dueAt: (row["due_at"] as Int64?).map(Date.init(catalogMilliseconds:)),
                retentionClock: row["retention_clock"], retentionClockFlag: row["retention_clock_flag"],
                retentionCategory: row["retention_category"],
                fixityFailedAt: (row["fixity_failed_at"] as Int64?).map(Date.init(catalogMilliseconds:)))
        }
    }

    static func claim(
        _ item: String, for reviewer: String, assignedBy: String?, lease: TimeInterval, at now: Date, in db: Database
    ) throws -> ClaimRecord {
        guard lease > 0 else { throw CatalogError(code: .invalidQuery, message: "a claim's lease must be longer than zero") }
        let row = try Row.fetchOne(
            db, sql: "SELECT review_state, deletion_state FROM item WHERE id = ?", arguments: [item])
        let state: String? = row?["review_state"]
        switch row?["deletion_state"] as String? {
        case "trashed":
            throw CatalogError(
                code: .invalidQuery,
                message:
                    "item \(item) is in the trash: nobody reviews it unless an administrator restores it with `custody deletion restore`"
            )
        case "shredded":
            throw CatalogError(
                code: .invalidQuery, message: "item \(item) was shredded: there is nothing left to review")
        default: break
        }
        guard state == "pending" else {
            throw CatalogError(
                code: .invalidQuery,
                message: "item \(item) is \(state.map { $0 == "reviewed" ? "already reviewed" : $0 } ?? "not verified yet"): only items pending review are claimed")
        }
        let expires = now.addingTimeInterval(lease).catalogMilliseconds
        // An expired lease is no claim: it goes, in the same transaction as the new one.
        try db.execute(
            sql: "DELETE FROM review_claim WHERE item_id = ? AND expires_at <= ?", arguments: [item, now.catalogMilliseconds])
        if let held = try ClaimRecord.fetchOne(db, sql: "SELECT * FROM review_claim WHERE item_id = ?", arguments: [item]) {
            guard held.reviewer == reviewer else {
                throw CatalogError(
                    code: .invalidQuery,
                    message: "item \(item) is claimed by \(held.reviewer) until \(held.expiresAt); take another with `custody review next`")
            }
            try db.execute(sql: "UPDATE review_claim SET expires_at = ? WHERE item_id = ?", arguments: [expires, item])
        } else {
            try db.execute(
                sql: "INSERT INTO review_claim (item_id, reviewer, claimed_at, expires_at, assigned_by) VALUES (?, ?, ?, ?, ?)",
                arguments: [item, reviewer, now.catalogMilliseconds, expires, assignedBy])
        }
        return try ClaimRecord.fetchOne(db, sql: "SELECT * FROM review_claim WHERE item_id = ?", arguments: [item])!
    }

    /// The items pending review within `scope` (and `extra`), oldest verified first, at most `limit`.
    ///
    /// One ordered index range per unit of the scope and one for the officer's own items, merged: an
    /// `OR` of them would make SQLite collect and sort every pending item of the scope first, which at a
    /// million items is far slower than reading the first `limit` rows of each range.
    static func queueQuery(
        _ scope: ItemScope, limit: Int, extra: (String, [any DatabaseValueConvertible]) = ("1", [])
    ) -> (String, [any DatabaseValueConvertible]) {
        func branch(_ condition: String, _ values: [any DatabaseValueConvertible], restricted: Bool = true)
            -> (String, [any DatabaseValueConvertible])
        {
            let hidden = restricted ? " AND NOT EXISTS (\(restrictedCategorySQL))" : ""
            return (
                """
                SELECT * FROM (SELECT * FROM item WHERE \(ItemStateSchema.queued) AND \(condition)\(hidden)
                    AND \(extra.0) ORDER BY verified_at, id LIMIT ?)
                """, values + extra.1 + [limit]
            )
        }
        var branches: [(String, [any DatabaseValueConvertible])] = []
        switch scope {
        case .all: branches = [branch("1", [], restricted: false)]
        case .nothing: branches = [branch("0", [])]
        case .officer(let officer): branches = [branch("officer_id = ?", [officer])]
        case .units(let units, let officer):
            branches = units.sorted().map { branch("unit_id = ?", [$0]) }
            if let officer { branches.append(branch("officer_id = ?", [officer])) }
            if branches.isEmpty { branches = [branch("0", [])] }
        }
        let sql = "SELECT * FROM (" + branches.map(\.0).joined(separator: " UNION ") + ") ORDER BY verified_at, id LIMIT ?"
        return (sql, branches.flatMap(\.1) + [limit])
    }
}

extension EvidenceCatalog {
    /// How many items wait for review (pending, claimed or not), whoever may see them: the review
    /// backlog of docs/metrics.md.
    public func reviewBacklog() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE \(ItemStateSchema.queued)") ?? 0 }
    }
}
