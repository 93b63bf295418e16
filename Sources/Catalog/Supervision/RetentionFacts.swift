import CustodyCore
import Foundation
import GRDB

/// What the report's retention section counts from (DESIGN §12, §13), as it stands now: the period
/// plays no part, the scope and officer do.
public struct SupervisionRetentionFacts: Sendable, Equatable {
    /// Items marked due (`item.due_marked_at`) with no deletion requested, trashed or done.
    public var due: Int
    /// When each trashed item's grace period ends (`deletion_item.purge_after`).
    public var purgeAfter: [Date]
    /// Open holds and how many of the scope's items each holds.
    public var holds: [Hold]
    /// The scope's items under at least one open hold (an item under two holds counts once).
    public var heldItems: Int

    /// One open hold.
    public struct Hold: Sendable, Equatable {
        public var id: Int64
        public var matter: String
        public var items: Int

        public init(id: Int64, matter: String, items: Int) {
            self.id = id
            self.matter = matter
            self.items = items
        }
    }

    public init(due: Int, purgeAfter: [Date], holds: [Hold], heldItems: Int) {
        self.due = due
        self.purgeAfter = purgeAfter
        self.holds = holds
        self.heldItems = heldItems
    }
}

extension EvidenceCatalog {
    /// The retention facts of `filter`'s scope and officer. Each count runs on its own index (due
    /// marks, the trash, hold items), so it costs what is due, trashed or held, not the catalog's size.
    /// Open holds that reach none of the scope's items are left out, unless the scope is everything.
    public func supervisionRetentionFacts(matching filter: ItemFilter) throws -> SupervisionRetentionFacts {
        var filter = filter
        filter.ingestedFrom = nil
        filter.ingestedBefore = nil
        let everything = filter.scope == .all && filter.officerID == nil
        let items = try filter.matching()
        // Due, trashed and held items are few; a reviewer's scope is a hundred thousand. Each set is
        // read once as rowids, which the scope's indexes carry: an `item.id IN (…)` test would fetch
        // every item row of the scope for its id (423 ms -> 60 ms for one unit of ten of 1,000,000).
        let due = items.filter(
            sql: """
                item.rowid IN (SELECT rowid FROM item WHERE due_marked_at IS NOT NULL)
                AND NOT EXISTS (SELECT 1 FROM deletion_item d WHERE d.item_id = item.id
                AND d.state IN ('requested', 'trashed', 'shredded'))
                """)
        let trashed = items.filter(
            sql: """
                item.rowid IN (SELECT i.rowid FROM item i JOIN deletion_item d ON d.item_id = i.id
                WHERE d.state = 'trashed')
                """
        )
        .select(sql: "(SELECT purge_after FROM deletion_item WHERE item_id = item.id AND state = 'trashed')")
        .asRequest(of: Int64.self)
        let heldItems = items.filter(
            sql: """
                item.rowid IN (SELECT i.rowid FROM item i JOIN hold_item hi ON hi.item_id = i.id
                JOIN hold h ON h.id = hi.hold_id WHERE h.released_at IS NULL)
                """)
        return try read { db in
            var holds: [SupervisionRetentionFacts.Hold] = []
            for row in try Row.fetchAll(db, sql: "SELECT id, matter FROM hold WHERE released_at IS NULL ORDER BY id") {
                let id: Int64 = row[0]
                let count = try items.filter(
                    sql:
                        "item.rowid IN (SELECT i.rowid FROM item i JOIN hold_item hi ON hi.item_id = i.id WHERE hi.hold_id = ?)",
                    arguments: [id]
                )
                .fetchCount(db)
                if count > 0 || everything { holds.append(.init(id: id, matter: row[1], items: count)) }
            }
            return SupervisionRetentionFacts(
                due: try due.fetchCount(db), purgeAfter: try trashed.fetchAll(db).map(Date.init(catalogMilliseconds:)),
                holds: holds, heldItems: try heldItems.fetchCount(db))
        }
    }
}
