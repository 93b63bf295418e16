import CustodyCore
import Foundation
import GRDB
import Retention

/// Holds (DESIGN §12): placed on listed items or on a query that also catches items attributed later;
/// a held item is never due. Placing and releasing recompute the due dates of the items concerned.
extension EvidenceCatalog {
    /// Places a hold on `items` and on whatever `query` matches now and later; returns the hold.
    /// - Throws: `CatalogError.invalidQuery` when it names neither items nor a query.
    public func placeHold(
        matter: String, authority: String, reason: String, items: [EvidenceID], query: HoldRecord.Query?, who: String,
        at now: Date, events: (HoldRecord) -> [AuditEvent], by actor: AuditActor
    ) throws -> HoldRecord {
        guard !items.isEmpty || !(query?.isEmpty ?? true) else {
            throw CatalogError(
                code: .invalidQuery, message: "a hold names items, or a query (--officer, --device, --case, with --from/--to)")
        }
        return try change("hold", events: [], by: actor) { db in
            try db.execute(
                sql: """
                    INSERT INTO hold (matter, authority, reason, placed_by, placed_at, query_officer, query_device,
                        query_from, query_to, query_case)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    matter, authority, reason, who, now.catalogMilliseconds, query?.officer, query?.device,
                    query?.from?.catalogMilliseconds, query?.to?.catalogMilliseconds, query?.caseNumber,
                ])
            let id = db.lastInsertedRowID
            for item in items {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM item WHERE id = ?", arguments: [item.description]) == true
                else { throw CatalogError(code: .notFound, message: "no item \(item) to hold; see `custody list`") }
                try db.execute(
                    sql: "INSERT OR IGNORE INTO hold_item (hold_id, item_id, added_at) VALUES (?, ?, ?)",
                    arguments: [id, item.description, now.catalogMilliseconds])
            }
            if let query {
                // `holdMatches` decides; the narrowing below only repeats one of its conditions in a form
                // an index serves, so placing a hold reads the officer's, device's or case's items, not all.
                var narrowing = ""
                var values: [any DatabaseValueConvertible] = []
                if let officer = query.officer {
                    narrowing = " AND i.officer_id = ?"
                    values = [officer]
                } else if let device = query.device {
                    narrowing = " AND i.id IN (SELECT id FROM item WHERE source_device = ? UNION SELECT id FROM item WHERE name_device = upper(?))"
                    values = [device, device]
                } else if let caseNumber = query.caseNumber {
                    narrowing = " AND i.id IN (SELECT item_id FROM item_case WHERE case_number = ?)"
                    values = [caseNumber]
                }
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO hold_item (hold_id, item_id, added_at)
                        SELECT h.id, i.id, ? FROM hold h, item i WHERE h.id = ? AND \(Self.holdMatches)\(narrowing)
                        """,
                    arguments: StatementArguments([now.catalogMilliseconds, id] + values))
            }
            let held = try String.fetchAll(db, sql: "SELECT item_id FROM hold_item WHERE hold_id = ?", arguments: [id])
            try Self.refreshRetention(of: held, at: now, in: db)
            let hold = try Self.hold(id, in: db)
            try AuditChain.append(events(hold), actor: actor, at: now, in: db)
            return hold
        }
    }

    /// Releases an open hold, recomputing the due dates of its items (no sooner than 24 hours on).
    /// - Throws: `CatalogError.notFound`, or `.invalidQuery` when it was already released.
    public func releaseHold(
        _ id: Int64, reason: String, who: String, at now: Date, events: (HoldRecord) -> [AuditEvent], by actor: AuditActor
    ) throws -> HoldRecord {
        try change("hold #\(id)", events: [], by: actor) { db in
            let before = try Self.hold(id, in: db)
            guard before.isOpen else {
                throw CatalogError(
                    code: .invalidQuery,
                    message: "hold #\(id) was already released by \(before.releasedBy ?? "?"); place a new hold to hold its items again")
            }
            try db.execute(
                sql: "UPDATE hold SET released_by = ?, released_at = ?, release_reason = ? WHERE id = ?",
                arguments: [who, now.catalogMilliseconds, reason, id])
            let held = try String.fetchAll(db, sql: "SELECT item_id FROM hold_item WHERE hold_id = ?", arguments: [id])
            try Self.refreshRetention(of: held, at: now, in: db)
            let hold = try Self.hold(id, in: db)
            try AuditChain.append(events(hold), actor: actor, at: now, in: db)
            return hold
        }
    }

    /// Every hold, newest first; only open ones when `openOnly`.
    public func holds(openOnly: Bool = false) throws -> [HoldRecord] {
        try read { db in
            try HoldRecord.fetchAll(
                db,
                sql: "SELECT h.*, (SELECT count(*) FROM hold_item WHERE hold_id = h.id) AS item_count FROM hold h"
                    + (openOnly ? " WHERE released_at IS NULL" : "") + " ORDER BY id DESC")
        }
    }

    /// One hold.
    /// - Throws: `CatalogError.notFound`.
    public func hold(_ id: Int64) throws -> HoldRecord {
        try read { db in try Self.hold(id, in: db) }
    }

    /// The items a hold holds, in the order they were added, at most `limit`.
    public func heldItems(_ id: Int64, limit: Int = 1000) throws -> [String] {
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT item_id FROM hold_item WHERE hold_id = ? ORDER BY added_at, item_id LIMIT ?",
                arguments: [id, limit])
        }
    }

    static func hold(_ id: Int64, in db: Database) throws -> HoldRecord {
        guard
            let hold = try HoldRecord.fetchOne(
                db,
                sql: "SELECT h.*, (SELECT count(*) FROM hold_item WHERE hold_id = h.id) AS item_count FROM hold h WHERE id = ?",
                arguments: [id])
        else { throw CatalogError(code: .notFound, message: "no hold #\(id); see `custody hold list`") }
        return hold
    }

    /// Puts `item` under every open query hold it matches (it was just attributed, or given a case);
    /// returns the holds newly applied. The caller recomputes its retention.
    static func applyQueryHolds(to item: String, at now: Date, in db: Database) throws -> [Int64] {
        let matching = try Int64.fetchAll(
            db,
            sql: """
                SELECT h.id FROM hold h, item i WHERE i.id = ? AND \(holdMatches)
                AND NOT EXISTS (SELECT 1 FROM hold_item WHERE hold_id = h.id AND item_id = i.id)
                """,
            arguments: [item])
        for hold in matching {
            try db.execute(
                sql: "INSERT INTO hold_item (hold_id, item_id, added_at) VALUES (?, ?, ?)",
                arguments: [hold, item, now.catalogMilliseconds])
        }
        return matching
    }

    /// When open query hold `h` catches item `i`: every query field given matches.
    static let holdMatches = """
        h.released_at IS NULL
        AND (h.query_officer IS NOT NULL OR h.query_device IS NOT NULL OR h.query_case IS NOT NULL)
        AND (h.query_officer IS NULL OR h.query_officer = i.officer_id)
        AND (h.query_device IS NULL OR h.query_device = i.source_device OR upper(h.query_device) = i.name_device)
        AND (h.query_from IS NULL OR coalesce(i.recorded_at, i.ingested_at) >= h.query_from)
        AND (h.query_to IS NULL OR coalesce(i.recorded_at, i.ingested_at) < h.query_to)
        AND (h.query_case IS NULL OR EXISTS (
            SELECT 1 FROM item_case c WHERE c.item_id = i.id AND c.case_number = h.query_case))
        """
}
