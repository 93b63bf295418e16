import Catalog
import CustodyCore
import EvidenceCrypto
import EvidenceStore
import Foundation
import Ingest
import Logging
import SystemPackage

/// `custodyd key rotate`: every data key rewrapped under a new key-encryption key, content never
/// re-encrypted (DESIGN §6; docs/operations.md, "Rotating the key").
///
/// Crash-safe: the catalog records the rotation before the first item changes, each batch of items
/// is rewrapped in one transaction, and the store's key switches in the transaction that audits
/// `key.rotated`. A kill at any instant leaves every item wrapped under the old or the new key; while
/// a rotation is unfinished no command that needs a key runs, and running the rotation again with the
/// same two key files finishes it.
public struct KeyRotation {
    /// What the rotation reports as it goes.
    public enum Event: Sendable, Equatable {
        /// The rotation began (or resumed an unfinished one).
        case started(resumed: Bool, createdNewKey: Bool)
        /// One batch committed: items rewrapped in it, items looked at so far.
        case batch(rewrapped: Int, checked: Int)
        /// The new key is the store's.
        case finished(items: Int)
    }

    /// The outcome.
    public struct Report: Sendable, Equatable {
        public var oldFingerprint: String
        public var newFingerprint: String
        /// Items now under the new key.
        public var items: Int
        /// Items rewrapped by this run (fewer than `items` when it resumed an unfinished rotation).
        public var rewrapped: Int
        /// Items whose wrapped key opens under neither key (already unreadable): left as they were.
        public var unreadable: [String]
        /// True when the store was already under the new key: nothing was done.
        public var alreadyDone: Bool
    }

    let root: FilePath
    let oldKeyPath: FilePath
    let newKeyPath: FilePath
    let batchSize: Int
    let logger: Logger

    /// A rotation of the store at `root` from the key at `oldKeyPath` to the key at `newKeyPath`
    /// (created, mode 0600, when no file is there).
    public init(root: FilePath, oldKeyPath: FilePath, newKeyPath: FilePath, batchSize: Int = 1000, logger: Logger) {
        self.root = root
        self.oldKeyPath = oldKeyPath
        self.newKeyPath = newKeyPath
        self.batchSize = max(1, batchSize)
        self.logger = logger
    }

    /// Runs (or finishes) the rotation, holding the store lock throughout.
    /// - Throws: `DaemonError.keyFile` / `.wrongKey` when a key is missing, the same as the other, not
    ///   the store's, or not the one an unfinished rotation is moving to; `StoreError.locked` while
    ///   the daemon runs; catalog and store errors.
    public func run(progress: (Event) -> Void = { _ in }) throws -> Report {
        let state = try StateDirectory.open(at: root, keyPath: nil, actor: .currentProcess)
        let catalog = state.catalog
        let old = try KeyFile.load(from: oldKeyPath)
        let createdNewKey = !FileManager.default.fileExists(atPath: newKeyPath.string)
        let new = createdNewKey ? try KeyFile.create(at: newKeyPath) : try KeyFile.load(from: newKeyPath)
        guard old.fingerprint != new.fingerprint else {
            throw DaemonError(
                code: .keyFile,
                message: "\(oldKeyPath) and \(newKeyPath) hold the same key; give a new key to rotate to")
        }
        let lock = try StoreLock(store: state.store)
        defer { withExtendedLifetime(lock) {} }

        let current = try catalog.keyFingerprint()
        let pending = try catalog.pendingKeyRotation()
        var report = Report(
            oldFingerprint: Hex.encode(old.fingerprint), newFingerprint: Hex.encode(new.fingerprint), items: 0,
            rewrapped: 0, unreadable: [], alreadyDone: false)
        if pending == nil, current == new.fingerprint {
            report.alreadyDone = true
            return report
        }
        guard current == old.fingerprint else {
            throw DaemonError(
                code: .wrongKey,
                message:
                    "the key at \(oldKeyPath) (fingerprint \(Hex.encode(old.fingerprint))) is not this store's key (fingerprint \(Hex.encode(current))); give the store's current key with --key-file"
            )
        }
        if let pending {
            guard pending == new.fingerprint else {
                throw DaemonError(
                    code: .wrongKey,
                    message:
                        "an unfinished rotation is moving this store to the key with fingerprint \(Hex.encode(pending)), not \(Hex.encode(new.fingerprint)) at \(newKeyPath); give that key with --new-key-file"
                )
            }
        } else {
            // A clean store first: what a crash left is finished or discarded under the old key.
            _ = try Recovery(store: state.store, catalog: catalog, keyEncryptionKey: old, logger: logger).run()
            try catalog.beginKeyRotation(from: old.fingerprint, to: new.fingerprint)
        }
        progress(.started(resumed: pending != nil, createdNewKey: createdNewKey))

        var after: Int64 = 0
        while true {
            var unreadable: [String] = []
            let (last, checked, rewrapped) = try catalog.rewrapBatch(after: after, limit: batchSize) { item in
                // Already under the new key (a resumed rotation)? Then leave it.
                if let dataKey = try? old.unwrap(item.wrappedKey, for: item.id) {
                    return try new.wrap(dataKey, for: item.id)
                }
                if (try? new.unwrap(item.wrappedKey, for: item.id)) == nil { unreadable.append(item.id.description) }
                return nil
            }
            guard let last else { break }
            after = last
            report.rewrapped += rewrapped
            report.unreadable += unreadable
            report.items += checked
            progress(.batch(rewrapped: rewrapped, checked: report.items))
        }
        report.items -= report.unreadable.count
        try catalog.finishKeyRotation(from: old.fingerprint, to: new.fingerprint, items: report.items)
        if !report.unreadable.isEmpty {
            logger.critical(
                "items whose data key opens under neither key were left as they were",
                metadata: ["items": "\(report.unreadable.joined(separator: ","))"])
        }
        progress(.finished(items: report.items))
        return report
    }
}
