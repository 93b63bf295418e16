import CameraVolumes
import Catalog
import CustodyCore
import EvidenceStore
import Foundation

/// Content met again under another name, root or device becomes a sighting of the item that holds
/// it, not a second item (empty files excepted): the sealed copy is dropped (the verified one is the same bytes, by SHA-256
/// and size) and the place is recorded, so `show` lists every place the content was seen.
extension ImportRun {
    /// Whether the file just sealed is a sighting: its content is in a verified item, or was sealed
    /// earlier in this run (then it is recorded once that item verifies). Its temporary object is
    /// removed then; otherwise the content is remembered as this run's.
    /// - Throws: `StoreError` or `CatalogError`.
    mutating func sighting(of object: WrittenObject, file: VolumeFile, source: SourceReference) throws -> Bool {
        // An empty file has no content to have been seen before: each one stays an item of its own.
        guard object.size > 0 else { return false }
        if let existing = try catalog.verifiedItem(withContent: object.sha256, size: object.size) {
            try store.removeTemporary(object)
            try recordSighting(of: existing, file: file, source: source)
            return true
        }
        if let first = sealedContent[object.sha256], first.size == object.size {
            try store.removeTemporary(object)
            awaitingSightings[first.id, default: []].append((file, source))
            return true
        }
        sealedContent[object.sha256] = (object.id, object.size)
        return false
    }

    /// The item `record` verified: the files of this run with the same content are its sightings.
    mutating func resolveSightings(of record: ItemRecord) throws {
        sealedContent[record.sha256] = nil
        for waiting in awaitingSightings.removeValue(forKey: record.id) ?? [] {
            try recordSighting(of: record, file: waiting.file, source: waiting.source)
        }
    }

    /// The item `record` failed read-back: the files waiting on it were not ingested either; they stay
    /// on the volume and are taken next time.
    mutating func failSightings(of record: ItemRecord) throws {
        sealedContent[record.sha256] = nil
        for waiting in awaitingSightings.removeValue(forKey: record.id) ?? [] {
            try fail(
                waiting.file.path,
                reason: "its content is that of \(record.source.path.displayString), whose stored copy failed verification")
        }
    }

    private mutating func recordSighting(of item: ItemRecord, file: VolumeFile, source: SourceReference) throws {
        try catalog.recordSighting(
            ItemSighting(itemID: item.id, seenAt: Date(), source: source, dockSession: dock?.sessionID))
        summary.duplicates += 1
        events(.duplicate(path: file.path, existing: item.id))
        logger.info(
            "content already stored: recorded as a sighting",
            metadata: ["source.path": "\(file.path.displayString)", "item.id": "\(item.id)"])
        if collectVerified { verifiedFiles.append((file, item.id, item.sha256)) }
    }
}
