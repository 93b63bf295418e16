import Catalog
import CustodyCore
import EvidenceCrypto
import EvidenceStore
import Foundation
import Logging
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
        public init(files: Int = 256, bytes: Int64 = 512 << 20) {
            self.files = files
            self.bytes = bytes
        }
    }

    private let store: EvidenceStore
    private let catalog: EvidenceCatalog
    private let keyEncryptionKey: KeyEncryptionKey
    private let logger: Logger
    private let limits: BatchLimits

    /// Creates an importer. The caller holds the store lock and has run `Recovery`.
    public init(
        store: EvidenceStore, catalog: EvidenceCatalog, keyEncryptionKey: KeyEncryptionKey, logger: Logger,
        limits: BatchLimits = BatchLimits()
    ) {
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
            verifier: ObjectVerifier(store: store), keyEncryptionKey: keyEncryptionKey, logger: logger,
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
            try run.commitBatch()
        } catch {
            // Objects already sealed are good evidence: try to commit them before giving up.
            try? run.commitBatch()
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

/// The state of one import run: the open batch and the running summary.
private struct ImportRun {
    let store: EvidenceStore
    let catalog: EvidenceCatalog
    let writer: ObjectWriter
    let verifier: ObjectVerifier
    let keyEncryptionKey: KeyEncryptionKey
    let logger: Logger
    let limits: Importer.BatchLimits
    let root: String
    let deviceID: String?
    let events: (ImportEvent) -> Void

    var summary = ImportSummary()
    var batch: [(object: WrittenObject, source: SourceReference)] = []
    var batchBytes: Int64 = 0

    mutating func skip(_ path: RawPath, reason: String) throws {
        summary.skipped += 1
        events(.skipped(path: path, reason: reason))
        logger.info("skipped", metadata: ["source.path": "\(path.displayString)", "reason": "\(reason)"])
        try catalog.audit([
            AuditEvent(action: "import.skipped", detail: ["root": root, "path": path.displayString, "reason": reason])
        ])
    }

    mutating func fail(_ path: RawPath, reason: String) throws {
        summary.failures.append(.init(path: path.displayString, reason: reason))
        events(.failed(path: path, reason: reason))
        logger.warning("file not ingested", metadata: ["source.path": "\(path.displayString)", "reason": "\(reason)"])
        try catalog.audit([
            AuditEvent(action: "import.failed", detail: ["root": root, "path": path.displayString, "reason": reason])
        ])
    }

    mutating func ingest(_ entry: FoundEntry) throws {
        let file: SourceFile
        do {
            file = try SourceFile(entry)
        } catch let error as StoreError {
            try fail(entry.path, reason: error.description)
            return
        }
        let source = SourceReference(
            deviceID: deviceID, root: root, path: entry.path, size: file.size,
            modificationTimeNanoseconds: file.modificationTimeNanoseconds)
        events(.reading(path: entry.path, size: file.size))
        do {
            if let existing = try catalog.itemFromSameSource(source) {
                try checkDuplicate(file, of: existing)
                return
            }
            let id = EvidenceID()
            let object = try writer.write(
                id: id, expectedLength: file.size, read: { try file.read(into: $0) },
                progress: { events(.progress(path: entry.path, bytes: $0)) })
            do {
                try file.checkUnchanged()
            } catch {
                try? store.removeTemporary(object)
                throw error
            }
            events(.sealed(path: entry.path, id: id))
            batch.append((object, source))
            batchBytes += object.size
        } catch let error as StoreError where error.code == .sourceChanged || error.code == .sourceUnreadable {
            try fail(entry.path, reason: error.description)
            return
        }
        if batch.count >= limits.files || batchBytes >= limits.bytes { try commitBatch() }
    }

    /// A file with the same path, size and modification time is in the store: hash it (no encryption,
    /// nothing written) and record that it was seen again — or ingest it if the content differs.
    private mutating func checkDuplicate(_ file: SourceFile, of existing: ItemRecord) throws {
        let hasher = SHA256Hasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 8 << 20, alignment: 4096)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let got = try file.read(into: buffer)
            if got == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<got]))
            total += Int64(got)
        }
        try file.checkUnchanged()
        guard total == existing.size, hasher.finalize() == existing.sha256 else {
            throw StoreError(
                code: .sourceChanged,
                message:
                    "\(file.path.displayString) has the size and time of item \(existing.id) but different content; it will be ingested as a new item on the next import"
            )
        }
        summary.duplicates += 1
        events(.duplicate(path: file.path, existing: existing.id))
        try catalog.audit([
            AuditEvent(
                action: "import.duplicate", itemID: existing.id,
                detail: ["root": root, "path": file.path.displayString])
        ])
    }

    /// Commits the open batch: durable, intents, renames, durable, stored, then read-back verification.
    mutating func commitBatch() throws {
        guard !batch.isEmpty else { return }
        let pending = batch
        batch = []
        batchBytes = 0
        try store.makeDurable()
        try catalog.recordIntents(pending.map { ($0.object.id, $0.object.ciphertextSHA256) })
        events(.intentsRecorded(count: pending.count))
        for entry in pending { _ = try store.commit(entry.object) }
        try store.makeDurable()
        events(.renamed(count: pending.count))
        let now = Date()
        let records = pending.map { entry in
            ItemRecord(
                id: entry.object.id, state: .stored, sha256: entry.object.sha256,
                ciphertextSHA256: entry.object.ciphertextSHA256, size: entry.object.size,
                ciphertextSize: entry.object.ciphertextSize, wrappedKey: entry.object.wrappedKey, source: entry.source,
                ingestedAt: now, verifiedAt: nil)
        }
        try catalog.recordStored(
            records,
            events: records.map { record in
                AuditEvent(
                    action: "item.stored", itemID: record.id,
                    detail: [
                        "root": record.source.root, "path": record.source.path.displayString,
                        "device": record.source.deviceID ?? "", "size": "\(record.size)", "sha256": record.sha256.hex,
                    ])
            })
        events(.stored(count: records.count))

        var verifiedIDs: [EvidenceID] = []
        var verifiedEvents: [AuditEvent] = []
        for record in records {
            do {
                try ReadBack.verify(record, verifier: verifier, keyEncryptionKey: keyEncryptionKey)
                verifiedIDs.append(record.id)
                verifiedEvents.append(
                    AuditEvent(action: "item.verified", itemID: record.id, detail: ["sha256": record.sha256.hex]))
            } catch {
                try ReadBack.discard(record, reason: "\(error)", store: store, catalog: catalog)
                try fail(record.source.path, reason: "stored copy failed read-back verification: \(error)")
            }
        }
        try catalog.recordVerified(verifiedIDs, events: verifiedEvents)
        for record in records where verifiedIDs.contains(record.id) {
            summary.verified += 1
            summary.bytes += record.size
            events(.verified(path: record.source.path, id: record.id, sha256: record.sha256, size: record.size))
        }
    }
}

/// Read-back verification of a freshly stored item, shared by import and recovery.
enum ReadBack {
    static func verify(_ record: ItemRecord, verifier: ObjectVerifier, keyEncryptionKey: KeyEncryptionKey) throws {
        let dataKey = try keyEncryptionKey.unwrap(record.wrappedKey, for: record.id)
        try verifier.verifyContent(
            objectHash: record.ciphertextSHA256, plaintextHash: record.sha256, size: record.size, id: record.id,
            dataKey: dataKey)
    }

    /// Removes an unverified item and its object so the source is ingested again.
    static func discard(_ record: ItemRecord, reason: String, store: EvidenceStore, catalog: EvidenceCatalog) throws {
        try catalog.removeUnverifiedItem(record.id, reason: reason)
        try store.removeObject(record.ciphertextSHA256)
    }
}
