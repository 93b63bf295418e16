import Catalog
import CustodyCore
import EvidenceCrypto
import EvidenceStore
import Foundation
import Logging
import MediaProbe
import SystemPackage

/// Ingests every regular file under a directory into the store, honouring the lifecycle invariants of
/// ../shared/DESIGN.md §1 and the commit protocol of docs/store-format.md §5.
///
/// Each file is read once; sealed objects are committed in batches so the durability round trips
/// (`syncfs`, catalog commits) are paid per batch, not per file. A file that fails is reported and
/// retried next time; a store or catalog failure (a full disk) stops the import, after committing the
/// objects already sealed.
public struct Importer {
    /// How large a batch grows before it is committed.
    public struct BatchLimits: Sendable {
        public var files: Int
        public var bytes: Int64
        public init(files: Int = 256, bytes: Int64 = 128 << 20) {
            self.files = files
            self.bytes = bytes
        }
    }

    private let store: EvidenceStore
    private let catalog: EvidenceCatalog
    private let keyEncryptionKey: KeyEncryptionKey
    private let logger: Logger
    private let limits: BatchLimits
    private let prober: MediaProber

    /// Creates an importer. The caller holds the store lock and has run `Recovery`.
    public init(
        store: EvidenceStore, catalog: EvidenceCatalog, keyEncryptionKey: KeyEncryptionKey, logger: Logger,
        limits: BatchLimits = BatchLimits(), prober: MediaProber = MediaProber()
    ) {
        self.prober = prober
        self.store = store
        self.catalog = catalog
        self.keyEncryptionKey = keyEncryptionKey
        self.logger = logger
        self.limits = limits
    }

    /// Imports every regular file under `root` (an absolute path), tagging items with `deviceID`.
    /// - Throws: `IngestError` when the root cannot be read or the store/catalog fails mid-way; a
    ///   single file's failure is in the summary instead.
    public func importDirectory(
        at root: FilePath, deviceID: String? = nil, events: @escaping (ImportEvent) -> Void = { _ in }
    ) throws -> ImportSummary {
        var run = ImportRun(
            store: store, catalog: catalog, writer: ObjectWriter(store: store, keyEncryptionKey: keyEncryptionKey),
            committer: BatchCommitter(
                store: store, catalog: catalog, keyEncryptionKey: keyEncryptionKey, prober: prober),
            keyEncryptionKey: keyEncryptionKey, logger: logger,
            limits: limits, root: root.string, deviceID: deviceID, events: events)
        try catalog.audit([
            AuditEvent(action: "import.started", detail: ["root": root.string, "device": deviceID ?? ""])
        ])
        do {
            try DirectoryWalker(root: root).walk { item in
                switch item {
                case .file(let entry): try run.ingest(entry)
                case .skipped(let path, let reason): try run.skip(path, reason: reason)
                }
            }
            try run.finish()
        } catch {
            // Objects already sealed are good evidence: try to commit and verify them before giving up.
            try? run.finish()
            try? catalog.audit([
                AuditEvent(action: "import.interrupted", detail: ["root": root.string, "error": "\(error)"])
            ])
            throw IngestError(
                code: .interrupted,
                message: "import of \(root) stopped after \(run.summary.verified) verified items",
                cause: error)
        }
        try catalog.audit([
            AuditEvent(
                action: "import.finished",
                detail: [
                    "root": root.string, "verified": "\(run.summary.verified)",
                    "duplicates": "\(run.summary.duplicates)",
                    "skipped": "\(run.summary.skipped)", "failed": "\(run.summary.failures.count)",
                ])
        ])
        return run.summary
    }
}
