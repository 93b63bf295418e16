import Catalog
import CustodyCore
import Dispatch
import EvidenceCrypto
import EvidenceStore
import Foundation
import MediaProbe

/// Commits and verifies sealed batches on threads of their own, in order, while the import thread
/// seals the next batch (docs/store-format.md §5, steps 2–6).
///
/// The commit thread takes each batch through intents, renames, one `syncfs` and the `stored` rows,
/// then hands it to the read-back thread, which reads every item back: those that match are marked
/// verified in one transaction, those that do not are removed with their objects (audited) so their
/// sources are ingested again; the verified ones are then probed for media metadata. Two threads, so the disk keeps writing batch n+1 while batch n is read
/// back. Steps and their order per batch are exactly those of the commit protocol, so a crash anywhere
/// still leaves either no item or a complete one, and nothing verified early. At most two batches wait
/// to be committed, so sealed-but-uncommitted data stays bounded. After a failure (a full disk, say) no
/// further batch is touched: recovery removes their partial objects.
final class BatchCommitter: @unchecked Sendable {
    /// Something that happened to a batch or an item, reported to the import thread in order.
    enum Outcome {
        case step(ImportEvent)
        case verified(ItemRecord)
        case failed(ItemRecord, reason: String)
    }

    // The verifier is touched only on `readBackQueue`.
    private let verifier: ObjectVerifier
    private let store: EvidenceStore
    private let catalog: EvidenceCatalog
    private let keyEncryptionKey: KeyEncryptionKey
    private let probing: MediaProbing
    /// The dock session's facts, recorded on every item of the run.
    private let dock: DockFacts?
    private let commitQueue = DispatchQueue(label: "custody.ingest.commit")
    private let readBackQueue = DispatchQueue(label: "custody.ingest.read-back")
    private let slots = DispatchSemaphore(value: 2)

    // Shared with the import thread, under `lock`.
    private let lock = NSLock()
    private var outcomes: [Outcome] = []
    private var error: (any Error)?

    init(
        store: EvidenceStore, catalog: EvidenceCatalog, keyEncryptionKey: KeyEncryptionKey, prober: MediaProber,
        dock: DockFacts? = nil
    ) {
        self.dock = dock
        self.verifier = ObjectVerifier(store: store)
        self.probing = MediaProbing(store: store, catalog: catalog, keyEncryptionKey: keyEncryptionKey, prober: prober)
        self.store = store
        self.catalog = catalog
        self.keyEncryptionKey = keyEncryptionKey
    }

    /// Queues a sealed batch; waits while two batches are already queued.
    func submit(_ batch: [(object: WrittenObject, source: SourceReference)]) {
        slots.wait()
        commitQueue.async {
            defer { self.slots.signal() }
            self.guarded {
                let records = try self.commit(batch)
                self.readBackQueue.async { self.guarded { try self.readBack(records) } }
            }
        }
    }

    /// Runs `step` unless an earlier step failed; records its failure.
    private func guarded(_ step: () throws -> Void) {
        guard !failed else { return }
        do {
            try step()
        } catch {
            lock.withLock { if self.error == nil { self.error = error } }
        }
    }

    /// Outcomes so far, oldest first.
    /// - Throws: the store or catalog failure that stopped committing.
    func collect() throws -> [Outcome] {
        try lock.withLock {
            let done = outcomes
            outcomes = []
            if let error, done.isEmpty { throw error }
            return done
        }
    }

    /// Waits for every queued batch, then returns the remaining outcomes.
    /// - Throws: as `collect()`, once the outcomes before the failure were returned.
    func drain() throws -> [Outcome] {
        commitQueue.sync {}
        readBackQueue.sync {}
        return try collect()
    }

    private var failed: Bool { lock.withLock { error != nil } }

    private func report(_ new: [Outcome]) {
        lock.withLock { outcomes += new }
    }

    private func commit(_ batch: [(object: WrittenObject, source: SourceReference)]) throws -> [ItemRecord] {
        try catalog.recordIntents(batch.map { ($0.object.id, $0.object.ciphertextSHA256) })
        report([.step(.intentsRecorded(count: batch.count))])
        for entry in batch { _ = try store.commit(entry.object) }
        // One syncfs makes the objects' data and their renames durable together, before any row names
        // them; an object renamed but not yet durable has an intent, so recovery removes it.
        try store.makeDurable()
        report([.step(.renamed(count: batch.count))])
        let now = Date()
        let records = batch.map { entry in
            var record = ItemRecord(
                id: entry.object.id, state: .stored, sha256: entry.object.sha256,
                ciphertextSHA256: entry.object.ciphertextSHA256, size: entry.object.size,
                ciphertextSize: entry.object.ciphertextSize, wrappedKey: entry.object.wrappedKey, source: entry.source,
                ingestedAt: now, verifiedAt: nil)
            record.dock = dock
            return record
        }
        try catalog.recordStored(
            records,
            events: records.map { record in
                AuditEvent(action: .itemStored, itemID: record.id, detail: record.storedFacts)
            })
        report([.step(.stored(count: records.count))])
        return records
    }

    private func readBack(_ records: [ItemRecord]) throws {
        var verified: [ItemRecord] = []
        var failures: [Outcome] = []
        for record in records {
            do {
                try ReadBack.verify(
                    record, verifier: verifier, keyEncryptionKey: keyEncryptionKey, checkObjectHash: false)
                verified.append(record)
            } catch {
                try ReadBack.discard(record, reason: "\(error)", store: store, catalog: catalog)
                failures.append(.failed(record, reason: "stored copy failed read-back verification: \(error)"))
            }
        }
        try catalog.recordVerified(
            verified.map(\.id),
            events: verified.map {
                AuditEvent(action: .itemVerified, itemID: $0.id, detail: ["sha256": $0.sha256.hex])
            })
        report(verified.map(Outcome.verified) + failures)
        // Metadata comes from the verified copy, read through the store: never from a plaintext file.
        try probing.probe(verified)
    }
}
