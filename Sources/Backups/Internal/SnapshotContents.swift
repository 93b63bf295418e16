import Catalog
import CustodyCore
import SystemPackage

/// What a catalog snapshot needs from an object tree: the object of every item that still has its
/// key. Tombstones (shredded items) need nothing: their key is erased and their object gone.
struct SnapshotContents {
    /// One object the snapshot names.
    struct Object {
        var item: EvidenceID
        var hash: SHA256Digest
        var size: Int64
    }

    /// Items in the snapshot, tombstones included.
    var items: Int64
    /// The objects of its items that are not tombstones.
    var objects: [Object]

    /// Reads the snapshot at `path` without writing to it.
    /// - Throws: `CatalogError` when it cannot be read.
    init(snapshot path: FilePath, actor: AuditActor) throws {
        let catalog = try EvidenceCatalog(readingOnly: path.string, actor: actor)
        items = Int64(try catalog.countsByState().values.reduce(0, +))
        var objects: [Object] = []
        try catalog.forEachItem { batch in
            objects += batch.map { Object(item: $0.id, hash: $0.ciphertextSHA256, size: $0.ciphertextSize) }
        }
        self.objects = objects
    }
}
