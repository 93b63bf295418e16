import CustodyCore
import Foundation
import GRDB

/// A shredded item as the catalog keeps it (DESIGN §13): the item row without its key, the deletion
/// that took it and the request a second administrator approved.
public struct TombstoneRecord: Sendable, Equatable {
    public var item: ItemRecord
    public var deletion: DeletionItemRecord
    public var request: DeletionRequestRecord
    /// The item's categories when it was shredded (they stay with the tombstone).
    public var categories: [String]
}

extension EvidenceCatalog {
    /// The tombstone of `item`, or nil when the item was not shredded.
    public func tombstone(of item: EvidenceID) throws -> TombstoneRecord? {
        try read { db in try Self.tombstone(of: item, in: db) }
    }

    /// A deletion receipt's facts read in one transaction, so its entries and the chain head agree:
    /// the tombstone, every audit entry that records the item's life and deletion (its storing, the
    /// request and approval that named it, its shred, and any restore or hold on the way), and the
    /// chain head at that moment.
    /// - Throws: `CatalogError.notFound` when `item` is not a tombstone.
    public func deletionReceiptFacts(for item: EvidenceID) throws -> (
        tombstone: TombstoneRecord, entries: [AuditEntry], head: AuditEntry
    ) {
        try read { db in
            guard let tombstone = try Self.tombstone(of: item, in: db) else {
                throw CatalogError(
                    code: .notFound,
                    message: "item \(item) was not shredded, so it has no deletion receipt; see `custody deletion list`")
            }
            // The request's entries name it by number; they are found by action (indexed), then number.
            let entries = try AuditEntry.fetchAll(
                db,
                sql: """
                    SELECT * FROM audit WHERE item_id = ?
                    UNION
                    SELECT * FROM audit WHERE action IN ('deletion.requested', 'deletion.approved')
                      AND json_extract(detail, '$.deletion') = ?
                    ORDER BY seq
                    """,
                arguments: [item.description, "\(tombstone.request.id)"])
            guard let head = try AuditEntry.fetchOne(db, sql: "SELECT * FROM audit ORDER BY seq DESC LIMIT 1") else {
                throw CatalogError(code: .database, message: "the audit log is empty, though an item was shredded")
            }
            return (tombstone, entries, head)
        }
    }

    static func tombstone(of item: EvidenceID, in db: Database) throws -> TombstoneRecord? {
        guard
            let deletion = try DeletionItemRecord.fetchOne(
                db, sql: "SELECT * FROM deletion_item WHERE item_id = ? AND state = 'shredded'",
                arguments: [item.description]),
            let record = try ItemRecord.fetchOne(db, sql: "SELECT * FROM item WHERE id = ?", arguments: [item.description])
        else { return nil }
        let request = try deletionRequest(deletion.requestID, in: db)
        let categories = try String.fetchAll(
            db, sql: "SELECT category FROM item_category WHERE item_id = ? ORDER BY category", arguments: [item.description])
        return TombstoneRecord(item: record, deletion: deletion, request: request, categories: categories)
    }
}

extension AuditEvent {
    /// The entry a shred writes for `item`: its hashes and size (so the tombstone's facts are in the
    /// chain) and the deletion request that took it (so the chain links the shred to its approval).
    public static func itemShredded(_ item: ItemRecord, request: Int64) -> AuditEvent {
        AuditEvent(
            action: .itemShredded, itemID: item.id,
            detail: [
                "deletion": "\(request)", "sha256": item.sha256.hex, "ciphertext_sha256": item.ciphertextSHA256.hex,
                "size": "\(item.size)", "method": "wrapped key erased; object overwritten and unlinked",
            ])
    }
}
