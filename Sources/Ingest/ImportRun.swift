import CameraVolumes
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

    /// Whether to remember which files verified, for a wipe after the run.
    let collectVerified: Bool
    /// Asked while a file is read: a stop abandons the file (its partial object is removed).
    let shouldStop: () -> Bool
    /// The dock session running the import, if one is.
    var dock: DockFacts? = nil

    var summary = ImportSummary()
    var batch: [(object: WrittenObject, source: SourceReference)] = []
    var batchBytes: Int64 = 0
    /// Files sealed by this run and not yet verified, by path (only when collecting).
    var sealedFiles: [RawPath: VolumeFile] = [:]
    /// Files whose content is in a verified item: this run's verified items and duplicates of verified ones.
    var verifiedFiles: [(file: VolumeFile, id: EvidenceID, sha256: SHA256Digest)] = []
    /// Content sealed by this run and not yet verified or failed: the item it goes into.
    var sealedContent: [SHA256Digest: (id: EvidenceID, size: Int64)] = [:]
    /// Files whose content this run sealed once already, waiting for that item to verify.
    var awaitingSightings: [EvidenceID: [(file: VolumeFile, source: SourceReference)]] = [:]

    mutating func skip(_ path: RawPath, reason: String) throws {
        summary.skipped += 1
        events(.skipped(path: path, reason: reason))
        logger.info("skipped", metadata: ["source.path": "\(path.displayString)", "reason": "\(reason)"])
        try catalog.audit([
            AuditEvent(action: .importSkipped, detail: ["root": root, "path": path.displayString, "reason": reason])
        ])
    }

    /// A verified file the wipe left on the volume.
    mutating func keep(_ path: RawPath, reason: String) {
        summary.wipeKept.append(.init(path: path.displayString, reason: reason))
        events(.kept(path: path, reason: reason))
        logger.warning(
            "verified file left on the volume",
            metadata: ["source.path": "\(path.displayString)", "reason": "\(reason)"])
    }

    mutating func fail(_ path: RawPath, reason: String) throws {
        summary.failures.append(.init(path: path.displayString, reason: reason))
        events(.failed(path: path, reason: reason))
        logger.warning("file not ingested", metadata: ["source.path": "\(path.displayString)", "reason": "\(reason)"])
        try catalog.audit([
            AuditEvent(action: .importFailed, detail: ["root": root, "path": path.displayString, "reason": reason])
        ])
    }

    mutating func ingest(_ entry: VolumeFile, from volume: any CameraVolume) throws {
        var file: any VolumeFileReader
        do {
            file = try volume.open(entry)
        } catch let error as VolumeError {
            try fail(entry.path, reason: error.description)
            return
        }
        let source = SourceReference(
            deviceID: deviceID, root: root, path: entry.path, size: file.size,
            modificationTimeNanoseconds: entry.modified.nanosecondsSinceEpoch,
            modificationTimeRaw: entry.modified.raw, modificationTimeZone: entry.modified.zone)
        events(.reading(path: entry.path, size: file.size))
        do {
            let candidates = try catalog.itemsFromSameSource(source)
            if !candidates.isEmpty {
                if let existing = try duplicate(file, path: entry.path, source: source, among: candidates) {
                    if collectVerified, existing.state == .verified {
                        verifiedFiles.append((entry, existing.id, existing.sha256))
                    }
                    return
                }
                // Same name, size and time, other content (another card in the same slot, say):
                // a new item. The first reader was used up by hashing; read the file again.
                file = try volume.open(entry)
            }
            let id = EvidenceID()
            let object = try writer.write(
                id: id, expectedLength: file.size,
                read: {
                    if shouldStop() { throw ImportStopped() }
                    return try file.read(into: $0)
                },
                progress: { events(.progress(path: entry.path, bytes: $0)) })
            do {
                try file.checkUnchanged()
            } catch {
                try? store.removeTemporary(object)
                throw error
            }
            if try sighting(of: object, file: entry, source: source) { return }
            events(.sealed(path: entry.path, id: id))
            batch.append((object, source))
            batchBytes += object.size
            if collectVerified { sealedFiles[entry.path] = entry }
        } catch let error as StoreError where error.code == .sourceChanged || error.code == .sourceUnreadable {
            try fail(entry.path, reason: error.description)
            return
        } catch let error as VolumeError {
            try fail(entry.path, reason: error.description)
            return
        }
        if batch.count >= limits.files || batchBytes >= limits.bytes { try commitBatch() }
        try report(committer.collect())
    }

    /// A file with the same path, size and modification time is in the store: hash it (no encryption,
    /// nothing written). If an item has that content, record that it was seen again and return it;
    /// otherwise return nil, and the caller ingests the file as a new item.
    private mutating func duplicate(
        _ file: any VolumeFileReader, path: RawPath, source: SourceReference, among candidates: [ItemRecord]
    ) throws -> ItemRecord? {
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
        let digest = hasher.finalize()
        guard let existing = candidates.first(where: { $0.size == total && $0.sha256 == digest }) else {
            logger.notice(
                "same name, size and time as a stored item, other content: ingesting as a new item",
                metadata: ["source.path": "\(path.displayString)"])
            return nil
        }
        summary.duplicates += 1
        events(.duplicate(path: path, existing: existing.id))
        try catalog.audit([
            AuditEvent(
                action: .importDuplicate, itemID: existing.id,
                detail: ["root": root, "path": path.displayString])
        ])
        // The same file on another device (a card moved to another reader) is a place worth listing.
        if existing.source.deviceID != deviceID {
            try catalog.recordSighting(
                ItemSighting(itemID: existing.id, seenAt: Date(), source: source, dockSession: dock?.sessionID))
        }
        return existing
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
                if let file = sealedFiles.removeValue(forKey: record.source.path) {
                    verifiedFiles.append((file, record.id, record.sha256))
                }
                events(.verified(path: record.source.path, id: record.id, sha256: record.sha256, size: record.size))
                try resolveSightings(of: record)
            case .failed(let record, let reason):
                sealedFiles[record.source.path] = nil
                try fail(record.source.path, reason: reason)
                try failSightings(of: record)
            }
        }
    }
}
