import CustodyCore
import Foundation
import GRDB

/// The catalog's side of a key rotation (DESIGN §6, docs/operations.md "Rotating the key"): every
/// item's wrapped data key is replaced by one wrapped under the new KEK, a batch per transaction, so a
/// kill at any instant leaves each item wrapped under the old or the new key, never neither. While a
/// rotation is unfinished, `store_meta` holds `kek_rotating_to` (the new key's fingerprint); the
/// switch of `kek_fingerprint` and the `key.rotated` entry commit together at the end.
extension EvidenceCatalog {
    /// The fingerprint of the KEK an unfinished rotation is moving to; nil when none is.
    /// - Throws: `CatalogError` when the catalog cannot be read.
    public func pendingKeyRotation() throws -> [UInt8]? {
        try read { db in
            try Data.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'kek_rotating_to'").map(Array.init)
        }
    }

    /// Records that a rotation from `old` to `new` has begun, and audits it.
    /// - Throws: `CatalogError.invalidQuery` when `old` is not the store's key or another rotation is
    ///   unfinished.
    public func beginKeyRotation(from old: [UInt8], to new: [UInt8]) throws {
        try write { db in
            let current = try Data.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'kek_fingerprint'")
            guard current.map(Array.init) == old else {
                throw CatalogError(code: .invalidQuery, message: "the old key is not this store's key")
            }
            try db.execute(
                sql: "INSERT INTO store_meta (key, value) VALUES ('kek_rotating_to', ?)", arguments: [Data(new)])
            try AuditChain.append(
                [
                    AuditEvent(
                        action: .keyRotationStarted,
                        detail: ["old_kek_fingerprint": Hex.encode(old), "new_kek_fingerprint": Hex.encode(new)])
                ], actor: actor, at: Date(), in: db)
        }
    }

    /// Rewraps the next batch of items after `rowid`, in one transaction: `rewrap` returns an item's new
    /// wrapped key, or nil when it is already wrapped under the new key. Returns the last row id of
    /// the batch (nil when there were no more items), how many items it held and how many it rewrapped.
    /// - Throws: `rewrap`'s error (the batch is then not committed), or `CatalogError`.
    public func rewrapBatch(
        after rowid: Int64, limit: Int, _ rewrap: (ItemRecord) throws -> [UInt8]?
    ) throws -> (last: Int64?, checked: Int, rewrapped: Int) {
        try write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT rowid AS _rowid, * FROM item WHERE rowid > ? ORDER BY rowid LIMIT ?",
                arguments: [rowid, limit])
            var rewrapped = 0
            for row in rows {
                let item = try ItemRecord(row: row)
                // A tombstone's key is erased: there is nothing to rewrap, and it must stay erased.
                if item.isTombstone { continue }
                guard let wrapped = try rewrap(item) else { continue }
                try db.execute(
                    sql: "UPDATE item SET wrapped_key = ? WHERE id = ? AND wrapped_key = ?",
                    arguments: [Data(wrapped), item.id.description, Data(item.wrappedKey)])
                guard db.changesCount == 1 else {
                    throw CatalogError(code: .database, message: "item \(item.id) changed during key rotation")
                }
                rewrapped += 1
            }
            return (rows.last.map { $0["_rowid"] }, rows.count, rewrapped)
        }
    }

    /// Makes `new` the store's key and audits the rotation, in one transaction.
    /// - Throws: `CatalogError.invalidQuery` when no rotation to `new` is pending.
    public func finishKeyRotation(from old: [UInt8], to new: [UInt8], items: Int) throws {
        try write { db in
            let pending = try Data.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'kek_rotating_to'")
            guard pending.map(Array.init) == new else {
                throw CatalogError(code: .invalidQuery, message: "no key rotation to this key is pending")
            }
            try db.execute(
                sql: "UPDATE store_meta SET value = ? WHERE key = 'kek_fingerprint'", arguments: [Data(new)])
            try db.execute(sql: "DELETE FROM store_meta WHERE key = 'kek_rotating_to'")
            try AuditChain.append(
                [
                    AuditEvent(
                        action: .keyRotated,
                        detail: [
                            "old_kek_fingerprint": Hex.encode(old), "new_kek_fingerprint": Hex.encode(new),
                            "items": "\(items)",
                        ])
                ], actor: actor, at: Date(), in: db)
        }
    }
}
