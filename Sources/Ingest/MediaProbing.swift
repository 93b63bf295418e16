import Catalog
import CustodyCore
import EvidenceCrypto
import EvidenceStore
import Foundation
import MediaProbe

// The store's decrypting reader is what probing reads: no plaintext file is ever written for it.
extension ObjectReader: RandomAccessSource {}

/// Probes stored items through the store and records what was found.
struct MediaProbing {
    let store: EvidenceStore
    let catalog: EvidenceCatalog
    let keyEncryptionKey: KeyEncryptionKey
    let prober: MediaProber

    /// Probes `records` and records their metadata in one transaction. An item that cannot be opened
    /// gets metadata saying why, never an error: probing must not stop ingest.
    func probe(_ records: [ItemRecord], reprobe: Bool = false) throws {
        guard !records.isEmpty else { return }
        try catalog.recordMedia(records.map { ($0.id, metadata(of: $0)) }, reprobe: reprobe)
    }

    func metadata(of record: ItemRecord) -> MediaMetadata {
        let context = MediaProber.Context(
            fileName: record.source.path.displayString,
            fileModified: Date(timeIntervalSince1970: Double(record.source.modificationTimeNanoseconds) / 1e9),
            clockOffset: record.dock?.clockOffset?.seconds)
        do {
            let reader = try ObjectReader(
                path: store.objectPath(for: record.ciphertextSHA256), id: record.id,
                dataKey: try keyEncryptionKey.unwrap(record.wrappedKey, for: record.id))
            return prober.probe(reader, context: context)
        } catch {
            var metadata = MediaMetadata(kind: .other)
            metadata.unreadable = "the stored object could not be opened for probing: \(error)"
            return metadata
        }
    }
}

/// Re-probes items stored before a probe improvement (`custodyd reprobe`).
public struct Reprober {
    private let probing: MediaProbing

    /// Creates a reprober.
    public init(
        store: EvidenceStore, catalog: EvidenceCatalog, keyEncryptionKey: KeyEncryptionKey,
        prober: MediaProber = MediaProber()
    ) {
        probing = MediaProbing(store: store, catalog: catalog, keyEncryptionKey: keyEncryptionKey, prober: prober)
    }

    /// Probes `records` again and records the result (audited as `item.reprobed`).
    /// - Throws: `CatalogError` when the results cannot be recorded.
    public func reprobe(_ records: [ItemRecord]) throws {
        try probing.probe(records, reprobe: true)
    }
}
