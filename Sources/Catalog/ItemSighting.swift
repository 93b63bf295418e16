import CustodyCore
import Foundation
import GRDB

/// A place an item's content was seen after it was stored: another name, root or device, with the
/// same SHA-256 and size. Recorded instead of a second item, so `show` lists every place.
public struct ItemSighting: Sendable, Equatable {
    /// The item whose content it is.
    public var itemID: EvidenceID
    /// When it was seen.
    public var seenAt: Date
    /// Where.
    public var source: SourceReference
    /// The dock session that saw it, when one did.
    public var dockSession: EvidenceID?

    /// Creates a sighting.
    public init(itemID: EvidenceID, seenAt: Date, source: SourceReference, dockSession: EvidenceID? = nil) {
        self.itemID = itemID
        self.seenAt = seenAt
        self.source = source
        self.dockSession = dockSession
    }
}

extension ItemSighting: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "item_sighting"

    public init(row: Row) throws {
        let idText: String = row["item_id"]
        guard let id = EvidenceID(idText) else {
            throw CatalogError(code: .database, message: "catalog sighting row for item \(idText) is malformed")
        }
        self.init(
            itemID: id, seenAt: Date(catalogMilliseconds: row["seen_at"]),
            source: SourceReference(catalogRow: row),
            dockSession: (row["dock_session"] as String?).flatMap(EvidenceID.init))
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["item_id"] = itemID.description
        container["seen_at"] = seenAt.catalogMilliseconds
        source.encode(to: &container)
        container["dock_session"] = dockSession?.description
    }
}

extension EvidenceCatalog {
    /// Records that an item's content was seen at another place, with its `item.sighted` entry, in
    /// one transaction.
    /// - Throws: `CatalogError` when the catalog cannot be written (or the item is gone).
    public func recordSighting(_ sighting: ItemSighting) throws {
        try write { db in
            try sighting.insert(db)
            var detail = [
                "root": sighting.source.root, "path": sighting.source.path.displayString,
                "device": sighting.source.deviceID ?? "", "size": "\(sighting.source.size)",
            ]
            detail["session"] = sighting.dockSession?.description
            try AuditChain.append(
                [AuditEvent(action: .itemSighted, itemID: sighting.itemID, detail: detail)],
                actor: actor, at: sighting.seenAt, in: db)
        }
    }

    /// Every place an item's content was seen after it was stored, oldest first.
    /// - Throws: `CatalogError` when the catalog cannot be read.
    public func sightings(of id: EvidenceID) throws -> [ItemSighting] {
        try read { db in
            try ItemSighting.fetchAll(
                db, sql: "SELECT * FROM item_sighting WHERE item_id = ? ORDER BY seq", arguments: [id.description])
        }
    }

    /// The verified item holding content with this SHA-256 and size, if there is one (the oldest).
    /// - Throws: `CatalogError` when the catalog cannot be read.
    public func verifiedItem(withContent sha256: SHA256Digest, size: Int64) throws -> ItemRecord? {
        try read { db in
            try ItemRecord.filter(ItemRecord.Columns.sha256 == Data(sha256.bytes))
                .filter(Column("size") == size).filter(ItemRecord.Columns.state == ItemState.verified.rawValue)
                .order(Column("ingested_at")).fetchOne(db)
        }
    }
}
