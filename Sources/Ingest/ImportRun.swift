import Catalog
import CustodyCore
import EvidenceCrypto
import EvidenceStore
import Foundation
import Logging
import SystemPackage

/// The state of one import run: the open batch and the running summary.
struct ImportRun {
    let store: EvidenceStore
    let catalog: EvidenceCatalog
    let writer: ObjectWriter
    let committer: BatchCommitter
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
        try report(committer.collect())
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

    /// Hands the open batch to the committer, which commits and verifies it while sealing goes on.
    mutating func commitBatch() throws {
        guard !batch.isEmpty else { return }
        committer.submit(batch)
        batch = []
        batchBytes = 0
        try report(committer.collect())
    }

    /// Commits the last batch, waits for every batch to be verified, and reports the outcomes.
    /// - Throws: the failure that stopped committing, after reporting what was done before it.
    mutating func finish() throws {
        try commitBatch()
        while case let outcomes = try committer.drain(), !outcomes.isEmpty {
            try report(outcomes)
        }
    }

    /// Turns the committer's outcomes into events and summary counts.
    mutating func report(_ outcomes: [BatchCommitter.Outcome]) throws {
        for outcome in outcomes {
            switch outcome {
            case .step(let event):
                events(event)
            case .verified(let record):
                summary.verified += 1
                summary.bytes += record.size
                events(.verified(path: record.source.path, id: record.id, sha256: record.sha256, size: record.size))
            case .failed(let record, let reason):
                try fail(record.source.path, reason: reason)
            }
        }
    }
}
