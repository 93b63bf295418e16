import CustodyCore
import Foundation
import GRDB
import Retention

/// An item whose stored due date (`item.due_at`) is not the one its retention gives
/// (docs/retention.md, "A stored due date is checked, not trusted").
public struct DueDateDisagreement: Sendable, Equatable, Encodable {
    /// The item.
    public var itemID: String
    /// The due date stored on the item; nil: never due.
    public var stored: Date?
    /// The due date its categories, clock and holds give; nil: never due.
    public var recomputed: Date?

    enum CodingKeys: String, CodingKey {
        case itemID = "id"
        case stored, recomputed
    }

    /// Instants as RFC 3339 text; null: never due.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(itemID, forKey: .itemID)
        try container.encode(stored.map(RFC3339.string), forKey: .stored)
        try container.encode(recomputed.map(RFC3339.string), forKey: .recomputed)
    }

    /// Creates a disagreement.
    public init(itemID: String, stored: Date?, recomputed: Date?) {
        self.itemID = itemID
        self.stored = stored
        self.recomputed = recomputed
    }
}

extension EvidenceCatalog {
    /// Every item whose stored due date its retention does not give, read in pages of `pageSize`
    /// rowids inside one read transaction (one consistent catalog, memory flat at millions of items).
    /// Reads only, so it runs on a read-only copy (`audit verify`).
    ///
    /// The check is made at `now`, by default the instant the read transaction began: never before a
    /// change the transaction sees, as a floor pushed to 24 hours after a change is judged against the
    /// check's instant (an instant captured earlier would call a change committed since a forgery).
    /// - Throws: `CatalogError` when the catalog cannot be read.
    public func dueDateDisagreements(at now: Date? = nil, pageSize: Int64 = 1000) throws -> [DueDateDisagreement] {
        try read { db in
            let last = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM item") ?? 0
            // After the first read, which fixes the transaction's snapshot: every change it sees was
            // made (and its instant taken) before this.
            let now = now ?? Date()
            let page = try db.cachedStatement(sql: "SELECT id FROM item WHERE rowid >= ? AND rowid < ? ORDER BY rowid")
            var found: [DueDateDisagreement] = []
            var low: Int64 = 0
            while low <= last {
                let ids = try String.fetchAll(page, arguments: [low, low + pageSize])
                found += try Self.dueDateDisagreements(of: ids, at: now, in: db)
                low += pageSize
            }
            return found
        }
    }

    /// The items of `ids` whose stored due date is not what `Retention.evaluate` gives from their
    /// categories, clock and holds, in the order of `ids`.
    ///
    /// The evaluation is the one `refreshRetention` stores, with the stored due date as the previous
    /// one, so a due date pushed to 24 hours after the change that shortened it (`Retention
    /// .minimumNotice`) is reproduced: it is never earlier than the rules give, and never later than
    /// 24 hours after `now`, which is after every change that could have set it. So a due date moved
    /// earlier is always found, and one moved later unless it lies between the rules' date and 24
    /// hours after `now`. Instants are compared to the millisecond the catalog stores (a rounding apart
    /// is agreement).
    static func dueDateDisagreements(of ids: [String], at now: Date, in db: Database) throws
        -> [DueDateDisagreement]
    {
        try storedRetention(of: ids, in: db).compactMap { item in
            let recomputed = Retention.evaluate(item.input, previousDue: item.storedDue, at: now).dueAt
            switch (item.storedDue?.catalogMilliseconds, recomputed?.catalogMilliseconds) {
            case (nil, nil): return nil
            case (let stored?, let expected?) where abs(stored - expected) <= 1: return nil
            default: return DueDateDisagreement(itemID: item.id, stored: item.storedDue, recomputed: recomputed)
            }
        }
    }
}
