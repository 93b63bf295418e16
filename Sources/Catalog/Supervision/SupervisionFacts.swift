import CustodyCore
import Foundation
import GRDB

/// One item as the supervision report sees it (DESIGN §14): the columns it computes from, read in one
/// pass over the items of the caller's scope and period.
public struct SupervisionItemFacts: Sendable, Equatable {
    public var id: String
    /// `item.officer_id`, `item.unit_id`.
    public var officer: String?
    public var unit: String?
    /// `item.recorded_at` (absent when no clock said) and `item.ingested_at`.
    public var recordedAt: Date?
    public var ingestedAt: Date
    /// `item.review_state`: `pending`, `reviewed`, or absent before verification.
    public var reviewState: String?
    /// The latest `review.outcome` of the item.
    public var outcome: String?
    /// `item_category.category`s.
    public var categories: [String]
    /// Whether the audit trail has a `view.started` for the item.
    public var viewed: Bool

    /// Facts of one item.
    public init(
        id: String, officer: String?, unit: String?, recordedAt: Date?, ingestedAt: Date, reviewState: String?,
        outcome: String?, categories: [String], viewed: Bool
    ) {
        self.id = id
        self.officer = officer
        self.unit = unit
        self.recordedAt = recordedAt
        self.ingestedAt = ingestedAt
        self.reviewState = reviewState
        self.outcome = outcome
        self.categories = categories
        self.viewed = viewed
    }
}

extension EvidenceCatalog {
    /// The facts of every item `filter` matches (its scope, period and filters; not its limit) but the
    /// shredded ones, in one read so the figures are of one instant.
    public func supervisionFacts(matching filter: ItemFilter) throws -> [SupervisionItemFacts] {
        // The outcome and the categories are the item row's own columns (`ReportSchema`): the scan reads
        // the items in the order they were written, never each item's reviews and categories.
        // Shredded items leave every count: a tombstone is neither pending, uncategorised nor unviewed
        // evidence. Its deletion state is in the covering index (`ItemStateSchema`), so the scan stays on it.
        let request = try filter.matching()
            .filter(sql: ItemStateSchema.notShredded)
            .select(
                sql: """
                    id, officer_id, unit_id, recorded_at, ingested_at, review_state, category_list,
                    item.id IN (SELECT item_id FROM audit WHERE action = ? AND item_id IS NOT NULL) AS viewed,
                    review_outcome
                    """, arguments: [AuditAction.viewStarted.rawValue]
            )
            .asRequest(of: Row.self)
        // A cursor and column positions, not names: a report reads every item of its scope. `viewed` is
        // one set of the viewed items (`audit_by_action`), built once, not a probe of each item's audit
        // trail: every item has several entries, only viewed ones a `view.started`. The category lists
        // are few and shared by many items: each is split once.
        return try read { db in
            var facts: [SupervisionItemFacts] = []
            var categoryLists: [String: [String]] = [:]
            let rows = try request.fetchCursor(db)
            while let row = try rows.next() {
                let list: String? = row[6]
                var categories: [String] = []
                if let list {
                    if let split = categoryLists[list] {
                        categories = split
                    } else {
                        categories = list.split(separator: ",").map(String.init).sorted()
                        categoryLists[list] = categories
                    }
                }
                facts.append(
                    SupervisionItemFacts(
                        id: row[0], officer: row[1], unit: row[2],
                        recordedAt: (row[3] as Int64?).map(Date.init(catalogMilliseconds:)),
                        ingestedAt: Date(catalogMilliseconds: row[4]), reviewState: row[5], outcome: row[8],
                        categories: categories, viewed: row[7]))
            }
            return facts
        }
    }
}

extension EvidenceCatalog {
    /// When each item of `filter`'s scope and filters (whatever its period) whose object failed a
    /// fixity check found it, leaving out shredded items: their object is gone, the failure with it.
    /// The failures are few (`item_fixity_failed` indexes them).
    public func supervisionFixityFailures(matching filter: ItemFilter) throws -> [Date] {
        var filter = filter
        filter.ingestedFrom = nil
        filter.ingestedBefore = nil
        filter.fixityFailed = true
        let request = try filter.matching()
            .filter(sql: "item.wrapped_key <> zeroblob(60)")
            .select(sql: "fixity_failed_at").asRequest(of: Int64.self)
        return try read { db in try request.fetchAll(db).map(Date.init(catalogMilliseconds:)) }
    }
}
