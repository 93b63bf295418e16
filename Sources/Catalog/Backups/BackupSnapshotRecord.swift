import Foundation
import GRDB

/// One catalog snapshot a backup made (`custodyd backup`), as the live catalog records it.
///
/// A snapshot holds the wrapped data key of every item that was not yet shredded when it was made:
/// a deletion receipt says that a backup made before the shred still holds the key until its
/// `expiresAt` (or its `prunedAt`, when it was pruned).
public struct BackupSnapshotRecord: Sendable, Equatable {
    /// The record's number.
    public var id: Int64
    /// When the snapshot was taken: it reflects the catalog as of this instant.
    public var madeAt: Date
    /// When its lifetime ends and `custodyd backup prune` may remove it (`made_at` plus the
    /// configured `[backup] lifetime_days`).
    public var expiresAt: Date
    /// The backup directory (absolute, as given when the backup was made).
    public var target: String
    /// The snapshot's file name inside `target`.
    public var snapshot: String
    /// Items in the snapshot (tombstones included: their keys are already erased).
    public var items: Int64
    /// Objects this backup copied (the others were in the target already).
    public var objectsCopied: Int64
    /// Bytes this backup wrote: the snapshot and the objects it copied.
    public var bytes: Int64
    /// When the snapshot was pruned; nil while it is kept.
    public var prunedAt: Date?

    /// Whether the snapshot may hold the wrapped key of an item shredded at `shreddedAt`: it was made
    /// before the shred and not yet pruned.
    public func mayHoldKey(ofItemShreddedAt shreddedAt: Date) -> Bool {
        madeAt < shreddedAt && prunedAt == nil
    }

    init(row: Row) {
        id = row["id"]
        madeAt = Date(catalogMilliseconds: row["made_at"])
        expiresAt = Date(catalogMilliseconds: row["expires_at"])
        target = row["target"]
        snapshot = row["snapshot"]
        items = row["items"]
        objectsCopied = row["objects_copied"]
        bytes = row["bytes"]
        prunedAt = (row["pruned_at"] as Int64?).map(Date.init(catalogMilliseconds:))
    }
}
