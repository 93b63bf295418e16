import CameraVolumes
import Catalog
import EvidenceCrypto
import EvidenceStore
import Foundation
import Ingest
import Logging
import MediaProbe

/// What every ingest of the running daemon shares: the store (whose lock the daemon holds), the
/// catalog, the key, the live board and the logger.
public struct IngestContext: Sendable {
    public let store: EvidenceStore
    public let catalog: EvidenceCatalog
    public let keyEncryptionKey: KeyEncryptionKey
    public let board: BayBoard
    public let logger: Logger
    /// Where ingest and fixity count what happened (docs/metrics.md); `.off` counts nothing.
    public let metrics: DaemonMetrics

    public init(
        store: EvidenceStore, catalog: EvidenceCatalog, keyEncryptionKey: KeyEncryptionKey, board: BayBoard,
        logger: Logger, metrics: DaemonMetrics = .off
    ) {
        self.metrics = metrics
        self.store = store
        self.catalog = catalog
        self.keyEncryptionKey = keyEncryptionKey
        self.board = board
        self.logger = logger
    }

    /// Where card wipes keep their journal (`wipe-journal` in the state directory): an interrupted
    /// wipe is finished at the card's next dock.
    var wipeJournal: WipeJournal { WipeJournal(directory: store.root.appending("wipe-journal").string) }

    /// Batches smaller than the one-shot import's: with many bays ingesting at once, each bay's files
    /// reach `verified` (and its progress moves) every 32 MiB rather than every 128 MiB, at the cost of
    /// more `syncfs` calls, which stay well under one per second per bay at disk speed.
    static let batchLimits = Importer.BatchLimits(files: 64, bytes: 32 << 20)

    /// An importer whose prober assumes `zone` for local times stored without one and corrects
    /// recorded-at times by the device's measured clock offset, when there is one. It logs to
    /// `logger` (a session's, whose lines carry its `bay` and `device.serial`), else the daemon's.
    func importer(assumedZone: TimeZone, deviceClockOffset: TimeInterval? = nil, logger: Logger? = nil) -> Importer {
        Importer(
            store: store, catalog: catalog, keyEncryptionKey: keyEncryptionKey, logger: logger ?? self.logger,
            limits: Self.batchLimits,
            prober: MediaProber(assumedZone: assumedZone, deviceClockOffset: deviceClockOffset))
    }
}

/// Runs `body` on a thread of its own and waits for it without blocking the cooperative pool: ingest
/// reads devices and disks with blocking calls.
func onOwnThread<T: Sendable>(name: String, _ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.name = name
        thread.stackSize = 4 << 20
        thread.start()
    }
}
