import Catalog
import CustodyCore
import EvidenceCrypto
import EvidenceStore
import Logging

/// Finishes or discards whatever an interrupted ingest left (docs/store-format.md §5), so the store
/// and catalog are consistent before anything else writes. Run under the store lock, at the start of
/// every writing command.
public struct Recovery {
    /// What recovery did.
    public struct Report: Sendable, Equatable {
        /// Partial objects removed from `tmp/`.
        public var temporaryObjectsRemoved = 0
        /// Intents whose objects were removed (those items are absent and will be imported again).
        public var intentsDiscarded = 0
        /// `stored` items that passed read-back and are now verified.
        public var itemsVerified = 0
        /// `stored` items that failed read-back and were removed (their sources are untouched).
        public var itemsDiscarded = 0

        public init() {}
    }

    private let store: EvidenceStore
    private let catalog: EvidenceCatalog
    private let keyEncryptionKey: KeyEncryptionKey
    private let logger: Logger

    /// Creates a recovery pass.
    public init(store: EvidenceStore, catalog: EvidenceCatalog, keyEncryptionKey: KeyEncryptionKey, logger: Logger) {
        self.store = store
        self.catalog = catalog
        self.keyEncryptionKey = keyEncryptionKey
        self.logger = logger
    }

    /// Runs recovery.
    /// - Throws: `StoreError` or `CatalogError` when the store cannot be cleaned up.
    public func run() throws -> Report {
        var report = Report()
        report.temporaryObjectsRemoved = try store.removeTemporaryObjects()

        let intents = try catalog.pendingObjects()
        for intent in intents { try store.removeObject(intent.ciphertextSHA256) }
        if !intents.isEmpty {
            try catalog.discardIntents(
                intents.map(\.id), reason: "ingest was interrupted before the item was catalogued")
            report.intentsDiscarded = intents.count
        }

        let verifier = ObjectVerifier(store: store)
        var verified: [EvidenceID] = []
        for record in try catalog.items(in: .stored) {
            do {
                try ReadBack.verify(
                    record, verifier: verifier, keyEncryptionKey: keyEncryptionKey, checkObjectHash: true)
                verified.append(record.id)
            } catch {
                logger.error(
                    "stored item failed read-back during recovery",
                    metadata: ["item.id": "\(record.id)", "error": "\(error)"])
                try ReadBack.discard(
                    record, reason: "read-back during recovery failed: \(error)", store: store, catalog: catalog)
                report.itemsDiscarded += 1
            }
        }
        try catalog.recordVerified(
            verified,
            events: verified.map { AuditEvent(action: .itemVerified, itemID: $0, detail: ["by": "recovery"]) })
        report.itemsVerified = verified.count
        if report != Report() {
            logger.notice(
                "recovered from an interrupted ingest",
                metadata: [
                    "recovery.tmp_removed": "\(report.temporaryObjectsRemoved)",
                    "recovery.intents_discarded": "\(report.intentsDiscarded)",
                    "recovery.verified": "\(report.itemsVerified)", "recovery.discarded": "\(report.itemsDiscarded)",
                ])
        }
        return report
    }
}
