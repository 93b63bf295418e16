import CameraVolumes
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

    /// Imports every regular file under the directory `root` (an absolute path), tagging items with
    /// `deviceID`.
    /// - Throws: `IngestError` when the root cannot be read or the store/catalog fails mid-way; a
    ///   single file's failure is in the summary instead.
    public func importDirectory(
        at root: FilePath, deviceID: String? = nil, events: @escaping (ImportEvent) -> Void = { _ in }
    ) throws -> ImportSummary {
        try importVolume(DirectoryVolume(root: root), deviceID: deviceID, events: events)
    }

    /// Imports every file of `volume` (a directory, or a FAT/exFAT image or device), tagging items
    /// with `deviceID`; with `wipe`, then deletes from the volume the files whose items verified.
    ///
    /// The wipe runs only after the whole run finished and every batch was read back: each file's item
    /// is looked up again and must be `verified` with the hash this run read; the volume re-checks each
    /// directory entry before deleting. Files that failed, or changed, stay on the volume.
    /// - Throws: `IngestError` when the volume cannot be read, the store/catalog fails mid-way
    ///   (nothing is wiped then), or the wipe fails; a single file's failure is in the summary instead.
    ///   `shouldStop` is asked before each file and while a file is read: once it says yes, the file
    ///   being read is discarded, the files sealed before it are committed and verified, nothing is
    ///   wiped, and `IngestError.stopped` is thrown.
    ///   `dock`, when a dock session runs the import, is recorded on every item it stores.
    public func importVolume(
        _ volume: any CameraVolume, deviceID: String? = nil, wipe: Bool = false,
        events: @escaping (ImportEvent) -> Void = { _ in },
        shouldStop: @escaping () -> Bool = { false }, dock: DockFacts? = nil
    ) throws -> ImportSummary {
        let root = volume.root
        var run = ImportRun(
            store: store, catalog: catalog, writer: ObjectWriter(store: store, keyEncryptionKey: keyEncryptionKey),
            committer: BatchCommitter(
                store: store, catalog: catalog, keyEncryptionKey: keyEncryptionKey, prober: prober, dock: dock),
            keyEncryptionKey: keyEncryptionKey, logger: logger,
            limits: limits, root: root, deviceID: deviceID, events: events, collectVerified: wipe,
            shouldStop: shouldStop, dock: dock)
        try catalog.audit([
            AuditEvent(
                action: .importStarted,
                detail: ["root": root, "device": deviceID ?? "", "volume": volume.summary, "wipe": "\(wipe)"])
        ])
        do {
            try volume.walk { item in
                if shouldStop() { throw ImportStopped() }
                switch item {
                case .file(let file): try run.ingest(file, from: volume)
                case .skipped(let path, let reason): try run.skip(path, reason: reason)
                case .failed(let path, let reason): try run.fail(path, reason: reason)
                }
            }
            try run.finish()
        } catch {
            // Objects already sealed are good evidence: try to commit and verify them before giving up.
            try? run.finish()
            try? catalog.audit([
                AuditEvent(action: .importInterrupted, detail: ["root": root, "error": "\(error)"])
            ])
            if error is ImportStopped {
                throw IngestError(
                    code: .stopped,
                    message:
                        "the import of \(root) was stopped after \(run.summary.verified) verified items; the rest is taken next time"
                )
            }
            if let error = error as? VolumeError, error.code == .unavailable {
                throw IngestError(code: .sourceUnavailable, message: error.message, cause: error)
            }
            throw IngestError(
                code: .interrupted,
                message: "import of \(root) stopped after \(run.summary.verified) verified items",
                cause: error)
        }
        var wipeError: (any Error)?
        if wipe {
            do {
                try wipeVerified(&run, from: volume)
            } catch {
                wipeError = error
            }
        }
        try catalog.audit([
            AuditEvent(
                action: .importFinished,
                detail: [
                    "root": root, "verified": "\(run.summary.verified)",
                    "duplicates": "\(run.summary.duplicates)",
                    "skipped": "\(run.summary.skipped)", "failed": "\(run.summary.failures.count)",
                    "wiped": "\(run.summary.wiped)",
                ])
        ])
        if let wipeError {
            throw IngestError(
                code: .wipeFailed,
                message:
                    "the import of \(root) verified \(run.summary.verified) items, but wiping them from the volume failed after \(run.summary.wiped) files",
                cause: wipeError)
        }
        return run.summary
    }

    /// Deletes from the volume the files whose items are verified, after checking each item again.
    private func wipeVerified(_ run: inout ImportRun, from volume: any CameraVolume) throws {
        var files: [VolumeFile] = []
        var ids: [RawPath: EvidenceID] = [:]
        for candidate in run.verifiedFiles {
            let record = try catalog.item(matching: candidate.id.description)
            guard record.state == .verified, record.sha256 == candidate.sha256, record.size == candidate.file.size
            else {
                run.keep(candidate.file.path, reason: "its item \(record.id) is not verified with the hash read")
                continue
            }
            // A shredded item keeps its row with its key erased: the store no longer holds the
            // recording, so the device's copy is the only one and stays.
            guard !record.wrappedKey.allSatisfy({ $0 == 0 }) else {
                run.keep(candidate.file.path, reason: "its item \(record.id) was shredded: the store holds no copy")
                continue
            }
            files.append(candidate.file)
            ids[candidate.file.path] = record.id
        }
        // An interrupted wipe of this volume is finished even when this run has nothing new to delete.
        guard !files.isEmpty || volume.hasInterruptedWipe else { return }
        let report = try volume.wipe(files)
        try catalog.audit(
            report.wiped.map { path in
                AuditEvent(
                    action: .sourceWiped, itemID: ids[path],
                    detail: ["root": volume.root, "path": path.displayString])
            }
                + report.completed.map { path in
                    AuditEvent(
                        action: .sourceWiped,
                        detail: [
                            "root": volume.root, "path": path.displayString,
                            "completed": "the deletion an interrupted wipe began",
                        ])
                }
                + report.kept.map { kept in
                    AuditEvent(
                        action: .sourceKept, itemID: ids[kept.path],
                        detail: ["root": volume.root, "path": kept.path.displayString, "reason": kept.reason])
                })
        for path in report.wiped {
            run.summary.wiped += 1
            run.events(.wiped(path: path, id: ids[path]!))
        }
        for kept in report.kept { run.keep(kept.path, reason: kept.reason) }
    }
}

/// Thrown inside a run when `shouldStop` said yes; the importer turns it into `IngestError.stopped`.
struct ImportStopped: Error {}
