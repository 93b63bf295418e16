import CustodyCore
import Foundation
import GRDB
import Retention

/// Categories and the materialised retention of items (DESIGN §12). Every change that affects an
/// item's due date recomputes it through `Retention`, in the same transaction, with its audit entries.
extension EvidenceCatalog {
    // MARK: Categories

    /// Every category, by name (`uncategorized` among them).
    public func categories() throws -> [CategoryRecord] {
        try read { db in try CategoryRecord.fetchAll(db, sql: "SELECT * FROM category ORDER BY name") }
    }

    /// One category.
    /// - Throws: `CatalogError.notFound` naming the categories there are.
    public func category(_ name: String) throws -> CategoryRecord {
        try read { db in try Self.category(name, in: db) }
    }

    static func category(_ name: String, in db: Database) throws -> CategoryRecord {
        if let category = try CategoryRecord.fetchOne(db, sql: "SELECT * FROM category WHERE name = ?", arguments: [name]) {
            return category
        }
        let names = try String.fetchAll(db, sql: "SELECT name FROM category ORDER BY name")
        throw CatalogError(
            code: .notFound,
            message: "no category '\(name)'; the categories are: \(names.joined(separator: ", ")) (add one with `custody category add`)")
    }

    /// Adds a category.
    /// - Throws: `CatalogError.invalidQuery` when the name is taken or malformed.
    public func addCategory(_ category: CategoryRecord, events: [AuditEvent], by actor: AuditActor) throws {
        try change("category \(category.name)", events: events, by: actor) { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM category WHERE name = ?", arguments: [category.name]) == true {
                throw CatalogError(code: .invalidQuery, message: "category \(category.name) already exists; see `custody category list`")
            }
            try db.execute(
                sql: """
                    INSERT INTO category (name, retention, access_class, description, created_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    category.name, category.retention.description, category.accessClass, category.description,
                    category.createdBy, category.createdAt.catalogMilliseconds,
                ])
        }
    }

    /// What setting `name`'s retention to `retention` (nil: removing the category) would do to the
    /// due dates of its items, at `now`. Changes nothing.
    public func previewCategoryChange(_ name: String, retention: RetentionPeriod?, at now: Date) throws
        -> PolicyPreview<String>
    {
        try read { db in
            let rows = try Self.categoryChangeRows(name, retention: retention, in: db)
            return PolicyPreview(rows, at: now)
        }
    }

    /// Sets `name`'s retention to `retention`, or removes the category when nil (its items lose it),
    /// recomputing the due dates of its items; returns what moved. `events` are written with it.
    public func changeCategory(
        _ name: String, retention: RetentionPeriod?, at now: Date, events: (PolicyPreview<String>) -> [AuditEvent],
        by actor: AuditActor
    ) throws -> PolicyPreview<String> {
        try write { db in
            let rows = try Self.categoryChangeRows(name, retention: retention, in: db)
            let preview = PolicyPreview(rows, at: now)
            if let retention {
                try db.execute(
                    sql: "UPDATE category SET retention = ? WHERE name = ?", arguments: [retention.description, name])
            } else {
                guard name != CategoryRecord.uncategorized else {
                    throw CatalogError(
                        code: .invalidQuery,
                        message: "the uncategorized category cannot be removed; change its retention instead")
                }
                try db.execute(sql: "DELETE FROM category WHERE name = ?", arguments: [name])
            }
            try Self.refreshRetention(of: rows.map(\.id), at: now, in: db)
            try AuditChain.append(events(preview), actor: actor, at: now, in: db)
            return preview
        }
    }

    /// The items of category `name` with their due dates now and their retention input after the change.
    private static func categoryChangeRows(_ name: String, retention: RetentionPeriod?, in db: Database) throws
        -> [(id: String, currentDue: Date?, inputAfter: RetentionInput)]
    {
        _ = try category(name, in: db)
        if name == CategoryRecord.uncategorized {
            guard let retention else {
                throw CatalogError(
                    code: .invalidQuery, message: "the uncategorized category cannot be removed; change its retention instead")
            }
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM item WHERE NOT EXISTS (SELECT 1 FROM item_category WHERE item_id = item.id)")
            return try retentionRows(ids, uncategorized: retention, in: db)
        }
        let ids = try String.fetchAll(db, sql: "SELECT item_id FROM item_category WHERE category = ?", arguments: [name])
        return try retentionRows(ids, in: db) { categories in
            if let retention {
                for index in categories.indices where categories[index].name == name { categories[index].period = retention }
            } else {
                categories.removeAll { $0.name == name }
            }
        }
    }

    /// Whether `item` is in a category of access class `restricted`.
    public func isRestricted(_ item: EvidenceID) throws -> Bool {
        try read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (\(Self.restrictedCategorySQL)) FROM item WHERE id = ?",
                arguments: [item.description]) ?? false
        }
    }

    /// True for `item` rows in a restricted category: left out of every scope but `.all`.
    static let restrictedCategorySQL = """
        SELECT 1 FROM item_category ic JOIN category c ON c.name = ic.category
        WHERE ic.item_id = item.id AND c.access_class = 'restricted'
        """

    // MARK: Item categories

    /// Adds `categories` to `item` and recomputes its retention.
    /// - Throws: `CatalogError.notFound` for an unknown category.
    public func categorize(
        _ item: EvidenceID, as categories: [String], who: String, at now: Date,
        events: (RetentionDecision) -> [AuditEvent], by actor: AuditActor
    ) throws -> RetentionDecision {
        try change("item \(item)", events: [], by: actor) { db in
            try Self.addCategories(categories, to: item.description, by: who, at: now, in: db)
            let decision = try Self.refreshRetention(of: [item.description], at: now, in: db)[0]
            try AuditChain.append(events(decision), actor: actor, at: now, in: db)
            return decision
        }
    }

    static func addCategories(_ categories: [String], to item: String, by who: String, at now: Date, in db: Database) throws {
        for name in categories {
            _ = try category(name, in: db)
            try db.execute(
                sql: "INSERT OR IGNORE INTO item_category (item_id, category, added_by, added_at) VALUES (?, ?, ?, ?)",
                arguments: [item, name, who, now.catalogMilliseconds])
        }
    }

    /// What removing `categories` from `item` would do to its due date. Changes nothing.
    public func previewUncategorize(_ item: EvidenceID, removing categories: [String], at now: Date) throws
        -> PolicyPreview<String>
    {
        try read { db in
            for name in categories { _ = try Self.category(name, in: db) }
            let rows = try Self.retentionRows([item.description], in: db) { $0.removeAll { categories.contains($0.name) } }
            return PolicyPreview(rows, at: now)
        }
    }

    /// Removes `categories` from `item` and recomputes its retention.
    public func uncategorize(
        _ item: EvidenceID, removing categories: [String], at now: Date,
        events: (RetentionDecision) -> [AuditEvent], by actor: AuditActor
    ) throws -> RetentionDecision {
        try change("item \(item)", events: [], by: actor) { db in
            for name in categories {
                _ = try Self.category(name, in: db)
                try db.execute(
                    sql: "DELETE FROM item_category WHERE item_id = ? AND category = ?", arguments: [item.description, name])
            }
            let decision = try Self.refreshRetention(of: [item.description], at: now, in: db)[0]
            try AuditChain.append(events(decision), actor: actor, at: now, in: db)
            return decision
        }
    }

    // MARK: Retention, materialised

    /// `item`'s retention evaluated again from what it is stored with, without writing: the reason
    /// `show` prints for the due date materialised on the item (the same instant, the floor included).
    public func retention(of item: EvidenceID, at now: Date) throws -> RetentionDecision {
        try read { db in
            let row = try Self.retentionRows([item.description], in: db)[0]
            return Retention.evaluate(row.inputAfter, previousDue: row.currentDue, at: now)
        }
    }

    /// Recomputes and stores the retention of `ids` as a change made at `now`; returns the decisions
    /// in the order of `ids`.
    @discardableResult
    static func refreshRetention(of ids: [String], at now: Date, in db: Database) throws -> [RetentionDecision] {
        let update = try db.cachedStatement(
            sql: """
                UPDATE item SET due_at = ?, retention_clock = ?, retention_clock_flag = ?, retention_category = ?
                WHERE id = ?
                """)
        return try retentionRows(ids, in: db).map { row in
            let decision = Retention.evaluate(row.inputAfter, previousDue: row.currentDue, at: now)
            try update.execute(arguments: [
                decision.dueAt?.catalogMilliseconds, decision.clock.source.rawValue, decision.clock.flag,
                decision.category, row.id,
            ])
            return decision
        }
    }

    /// Each item's due date now and its retention input, with `adjust` applied to its categories and
    /// `uncategorized` standing for that category's retention when given.
    static func retentionRows(
        _ ids: [String], uncategorized: RetentionPeriod? = nil, in db: Database,
        adjust: (inout [RetentionInput.Category]) -> Void = { _ in }
    ) throws -> [(id: String, currentDue: Date?, inputAfter: RetentionInput)] {
        try storedRetention(of: ids, uncategorized: uncategorized, in: db).map { stored in
            var input = stored.input
            adjust(&input.categories)
            // An item never evaluated (retention_clock NULL) has no due date to keep.
            return (stored.id, stored.evaluated ? stored.storedDue : nil, input)
        }
    }

    /// What each item's retention is computed from (its clock, categories and open holds), beside the
    /// due date stored on it: the one place both are read, for the writes above and for the checks
    /// that recompute a stored due date rather than trust it (`dueDateDisagreements`). Three queries
    /// per `retentionChunk` items, not per item, since a check reads a million of them.
    static func storedRetention(
        of ids: [String], uncategorized: RetentionPeriod? = nil, in db: Database
    ) throws -> [StoredRetention] {
        let fallback = try uncategorized ?? category(CategoryRecord.uncategorized, in: db).retention
        var stored: [StoredRetention] = []
        stored.reserveCapacity(ids.count)
        for start in stride(from: 0, to: ids.count, by: retentionChunk) {
            let chunk = Array(ids[start..<min(start + retentionChunk, ids.count)])
            let marks = databaseQuestionMarks(count: chunk.count)
            let arguments = StatementArguments(chunk)
            var items: [String: Row] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT id, ingested_at, recorded_at, due_at, retention_clock FROM item WHERE id IN (\(marks))",
                arguments: arguments)
            {
                items[row["id"]] = row
            }
            var categories: [String: [RetentionInput.Category]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT ic.item_id, c.name, c.retention FROM item_category ic JOIN category c ON c.name = ic.category
                    WHERE ic.item_id IN (\(marks)) ORDER BY ic.item_id, c.name
                    """,
                arguments: arguments)
            {
                guard let period = RetentionPeriod(row["retention"] as String) else { continue }
                categories[row["item_id"], default: []].append(
                    RetentionInput.Category(name: row["name"], period: period))
            }
            var holds: [String: [Int64]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT hi.item_id, hi.hold_id FROM hold_item hi JOIN hold h ON h.id = hi.hold_id
                    WHERE hi.item_id IN (\(marks)) AND h.released_at IS NULL
                    """,
                arguments: arguments)
            {
                holds[row["item_id"], default: []].append(row["hold_id"])
            }
            for id in chunk {
                guard let row = items[id] else {
                    throw CatalogError(code: .notFound, message: "no item \(id); see `custody list`")
                }
                let clock = RetentionClock(
                    recordedAt: (row["recorded_at"] as Int64?).map(Date.init(catalogMilliseconds:)),
                    ingestedAt: Date(catalogMilliseconds: row["ingested_at"]))
                stored.append(
                    StoredRetention(
                        id: id, storedDue: (row["due_at"] as Int64?).map(Date.init(catalogMilliseconds:)),
                        evaluated: (row["retention_clock"] as String?) != nil,
                        input: RetentionInput(
                            clock: clock, categories: categories[id] ?? [], uncategorized: fallback,
                            holds: holds[id] ?? [])))
            }
        }
        return stored
    }

    /// How many items `storedRetention` reads per query: well under SQLite's limit on bound values.
    static let retentionChunk = 500
}

/// One item's stored due date and what its retention is computed from.
struct StoredRetention {
    var id: String
    /// `item.due_at` as stored (nil: never due).
    var storedDue: Date?
    /// Whether the item's retention was ever evaluated (`retention_clock` set).
    var evaluated: Bool
    var input: RetentionInput
}

extension ReviewSchema {
    /// Gives the items that predate the migration their retention.
    static func materialiseRetention(in db: Database) throws {
        let ids = try String.fetchAll(db, sql: "SELECT id FROM item")
        try EvidenceCatalog.refreshRetention(of: ids, at: Date(), in: db)
    }
}
