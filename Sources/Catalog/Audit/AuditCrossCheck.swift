import CustodyCore
import Foundation
import GRDB

/// One way the catalog disagrees with its own audit chain (docs/audit-log.md, "Cross-checks").
public struct AuditDiscrepancy: Sendable, Equatable, Codable {
    /// The item concerned, when there is one.
    public var itemID: String?
    /// The column or fact that differs (`source_path`, `sha256`), when one does.
    public var field: String?
    /// What is wrong, in a sentence.
    public var problem: String

    enum CodingKeys: String, CodingKey {
        case itemID = "id"
        case field, problem
    }

    /// Creates a discrepancy.
    public init(itemID: String?, field: String?, problem: String) {
        self.itemID = itemID
        self.field = field
        self.problem = problem
    }
}

extension EvidenceCatalog {
    /// Actions after which an item is rightly absent from the catalog. A later tombstone action joins
    /// this list.
    static let removalActions: [AuditAction] = [.itemDiscarded]

    /// Checks the catalog against the chain, since a hash chain proves order but not that the catalog
    /// still says what was recorded: the chain starts at the store's creation entry (whose key
    /// fingerprint is the store's); every item has its `item.stored` entry (and `item.verified`, once
    /// verified) and its write-once facts equal what that entry recorded; every `item.stored` entry
    /// has its item, or an entry recording why it is gone; an item's key is erased (a tombstone) if
    /// and only if an `item.shredded` entry records its shred.
    ///
    /// One pass: items by id merged with the audit entries about items by item id, so memory stays
    /// flat at millions of items. Reads only.
    /// - Throws: `CatalogError` when the catalog cannot be read.
    public func crossCheckAuditChain() throws -> [AuditDiscrepancy] {
        try read { db in
            var found = try Self.checkGenesis(db)
            let actions = [AuditAction.itemStored, .itemVerified, .itemShredded] + Self.removalActions
            let entries = try Row.fetchCursor(
                db,
                sql: """
                    SELECT item_id, seq, action, detail FROM audit
                    WHERE item_id IS NOT NULL AND action IN (\(actions.map { _ in "?" }.joined(separator: ", ")))
                    ORDER BY item_id, seq
                    """,
                arguments: StatementArguments(actions.map(\.rawValue)))
            let items = try Row.fetchCursor(db, sql: "SELECT * FROM item ORDER BY id")
            var nextEntry = try entries.next()
            var nextItem = try items.next()
            while nextEntry != nil || nextItem != nil {
                let entryID: String? = nextEntry?["item_id"]
                let itemID: String? = nextItem?["id"]
                // The smaller id goes first; SQLite's BINARY order is byte order.
                let id = [entryID, itemID].compactMap { $0 }.min { Array($0.utf8).lexicographicallyPrecedes($1.utf8) }!
                var group = ItemEntries()
                while let row = nextEntry, (row["item_id"] as String) == id {
                    group.add(row)
                    nextEntry = try entries.next()
                }
                var record: (item: ItemRecord, display: String)?
                if let row = nextItem, (row["id"] as String) == id {
                    record = (try ItemRecord(row: row), row["source_path_display"])
                    nextItem = try items.next()
                }
                found += Self.compare(id: id, record: record, entries: group)
            }
            return found
        }
    }

    /// The chain must begin with `store.created`, and that entry names the store's key.
    private static func checkGenesis(_ db: Database) throws -> [AuditDiscrepancy] {
        guard let first = try AuditEntry.fetchOne(db, sql: "SELECT * FROM audit ORDER BY seq LIMIT 1") else {
            return [
                AuditDiscrepancy(
                    itemID: nil, field: nil,
                    problem:
                        "the audit log is empty, but every store's log starts with its creation entry (store.created): the log was emptied"
                )
            ]
        }
        guard first.sequence == 1, first.action == AuditAction.storeCreated.rawValue else {
            return [
                AuditDiscrepancy(
                    itemID: nil, field: nil,
                    problem:
                        "the audit log does not start at the store's creation: its first entry is \(first.sequence) (\(first.action)), not 1 (store.created)"
                )
            ]
        }
        // The store's key is the one it was created with, or the last one a rotation moved it to.
        let rotated = try AuditEntry.fetchOne(
            db, sql: "SELECT * FROM audit WHERE action = ? ORDER BY seq DESC LIMIT 1",
            arguments: [AuditAction.keyRotated.rawValue])
        let recorded =
            rotated.map { detail(of: $0.detail)["new_kek_fingerprint"] } ?? detail(of: first.detail)["kek_fingerprint"]
        let stored = try Data.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'kek_fingerprint'")
            .map { Hex.encode(Array($0)) }
        guard recorded == stored else {
            let source = rotated.map { "the last key rotation (entry \($0.sequence))" } ?? "the store's creation entry"
            return [
                AuditDiscrepancy(
                    itemID: nil, field: "kek_fingerprint",
                    problem:
                        "the catalog names key \(stored ?? "(none)"), but \(source) recorded \(recorded ?? "(none)")")
            ]
        }
        return []
    }

    /// What one item's row and its entries say, side by side.
    private static func compare(
        id: String, record: (item: ItemRecord, display: String)?, entries: ItemEntries
    ) -> [AuditDiscrepancy] {
        func problem(_ field: String?, _ text: String) -> AuditDiscrepancy {
            AuditDiscrepancy(itemID: id, field: field, problem: text)
        }
        guard let (record, display) = record else {
            guard let stored = entries.stored, entries.removed == nil else { return [] }
            return [
                problem(
                    nil,
                    "its item.stored entry (\(stored.sequence)) has no item in the catalog and no entry records its removal: the item's row was deleted"
                )
            ]
        }
        if let removed = entries.removed {
            return [
                problem(nil, "entry \(removed.sequence) (\(removed.action)) removed it, yet it is still in the catalog")
            ]
        }
        guard let stored = entries.stored else {
            return [problem(nil, "no item.stored entry records it: the row was added to the catalog outside ingest")]
        }
        var found: [AuditDiscrepancy] = []
        let facts = record.storedFacts
        let recorded = detail(of: stored.detail)
        // An entry with `path_hex` was written with every fact, so a fact it lacks is a difference too.
        let keys = recorded["path_hex"] == nil ? Set(recorded.keys) : Set(recorded.keys).union(facts.keys)
        for key in keys.sorted() where facts[key] != recorded[key] {
            // Keys the entry has that the facts do not know are not facts (a later version's): skip.
            guard facts[key] != nil || factKeys.contains(key) else { continue }
            found.append(
                problem(
                    key,
                    "the catalog says \(quoted(facts[key])), its item.stored entry (\(stored.sequence)) recorded \(quoted(recorded[key]))"
                ))
        }
        // The display column is what people are shown; it must say what ingest recorded too.
        if let path = recorded["path"], display != path {
            found.append(
                problem(
                    "source_path_display",
                    "the catalog shows \(quoted(display)), its item.stored entry (\(stored.sequence)) recorded \(quoted(path))"
                ))
        }
        if record.state == .verified, entries.verified == nil {
            found.append(problem("state", "the catalog says verified, but no item.verified entry records it"))
        }
        switch (record.isTombstone, entries.shredded) {
        case (true, nil):
            found.append(problem("wrapped_key", "its key is erased, but no item.shredded entry records a shred"))
        case (false, let shred?):
            found.append(problem("wrapped_key", "its item.shredded entry (\(shred)) records a shred, yet the key is still there"))
        default: break
        }
        return found
    }

    /// Facts that only some items have: an entry recording one the catalog lacks is a difference.
    private static let factKeys: Set<String> = [
        "source_mtime_raw", "source_mtime_zone", "docked_at", "identity_officer",
    ]

    private static func quoted(_ value: String?) -> String { value.map { "\"\($0)\"" } ?? "nothing" }

    static func detail(of json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }
}

/// The entries about one item that the cross-check reads.
private struct ItemEntries {
    var stored: (sequence: Int64, detail: String)?
    var verified: Int64?
    var shredded: Int64?
    var removed: (sequence: Int64, action: String)?

    mutating func add(_ row: Row) {
        let action: String = row["action"]
        let sequence: Int64 = row["seq"]
        switch action {
        case AuditAction.itemStored.rawValue:
            if stored == nil { stored = (sequence, row["detail"]) }
        case AuditAction.itemVerified.rawValue:
            verified = verified ?? sequence
        case AuditAction.itemShredded.rawValue:
            shredded = shredded ?? sequence
        default:
            removed = (sequence, action)
        }
    }
}
