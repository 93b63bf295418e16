import Catalog
import CustodyCore
import EvidenceStore
import Foundation
import Logging
import ServiceLifecycle

/// Crypto-shreds trashed items whose grace period ended and that no hold covers (DESIGN §13), on
/// the retention schedule and once at start. Order, so a crash at any instant leaves either a
/// trashed, intact item or a tombstone: (1) one catalog transaction moves each deletion to
/// `shredded`, whose trigger erases the wrapped key, with the `item.shredded` entries; (2) the WAL is
/// checkpointed and truncated, when no reader is in the way (retried with backoff; never waiting with
/// the writer lock held, which would stall ingest); (3) each object is overwritten, fsynced and
/// unlinked. At start, steps (2) and (3) run again for every tombstone, so a checkpoint or objects a
/// crash left behind are finished (idempotent).
struct ShredService: Service {
    let configuration: DaemonConfiguration.Deletion
    let catalog: EvidenceCatalog
    let store: EvidenceStore
    let logger: Logger

    func run() async throws {
        let (catalog, store, logger) = (catalog, store, logger)
        await runOnOwnThreadUntilStopped(name: "custody-shred") { stop in
            Self.finishInterrupted(catalog: catalog, store: store, logger: logger, stop: stop)
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await runOnOwnThreadUntilStopped(name: "custody-shred") { stop in
                Self.pass(catalog: catalog, store: store, at: Date(), logger: logger, stop: stop)
            }
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .seconds(configuration.retentionPassSeconds))
            }
        }
    }

    /// Removes the objects of tombstones that still have one (a crash between steps 1 and 3), and
    /// checkpoints the WAL in case step 2 was the one interrupted.
    static func finishInterrupted(
        catalog: EvidenceCatalog, store: EvidenceStore, logger: Logger, stop: StopSignal,
        progress: (ShredProgress) -> Void = { _ in }
    ) {
        do {
            try finish(catalog: catalog, store: store, logger: logger, stop: stop, progress: progress)
        } catch {
            logger.error(
                "finishing interrupted shreds failed; retried at the next start", metadata: ["error": "\(error)"])
        }
    }

    /// `finishInterrupted`, throwing.
    static func finish(
        catalog: EvidenceCatalog, store: EvidenceStore, logger: Logger, stop: StopSignal,
        progress: (ShredProgress) -> Void = { _ in }
    ) throws {
        // No tombstone, no shred to finish.
        guard try catalog.hasTombstones() else { return }
        progress(.walTruncated(truncateWAL(catalog: catalog, logger: logger, stop: stop)))
        // A shutdown stops between pages: the next start takes up the rest.
        try catalog.forEachTombstone(shouldStop: { stop.isRaised }) { tombstones in
            // Only those whose object a crash left: the others cost a failed access() each, no sync.
            let left = tombstones.map(\.ciphertextSHA256).filter { access(store.objectPath(for: $0).string, F_OK) == 0 }
            try store.shredObjects(left) { progress(.objectShredded($0)) }
        }
    }

    /// Shreds every item due for it at `now`, in batches of 500; a failure is logged and retried at
    /// the next pass.
    static func pass(catalog: EvidenceCatalog, store: EvidenceStore, at now: Date, logger: Logger, stop: StopSignal) {
        do {
            let total = try run(catalog: catalog, store: store, at: now, logger: logger, stop: stop)
            if total > 0 { logger.notice("items shredded", metadata: ["shred.items": "\(total)"]) }
        } catch {
            logger.error("shred pass failed; retried at the next pass", metadata: ["error": "\(error)"])
        }
    }

    /// `pass`, throwing, telling `progress` of each step; returns how many items it shredded.
    static func run(
        catalog: EvidenceCatalog, store: EvidenceStore, at now: Date, logger: Logger, stop: StopSignal,
        progress: (ShredProgress) -> Void = { _ in }
    ) throws -> Int {
        var total = 0
        while !stop.isRaised {
            let due = try catalog.itemsToShred(at: now)
            if due.isEmpty { break }
            let shredded = try catalog.shred(due, at: now) { item, request in
                [.itemShredded(item, request: request)]
            }
            // Stopped by a hold or a restore between the read and the shred: nothing left to take.
            if shredded.isEmpty { break }
            progress(.committed(shredded.count))
            progress(.walTruncated(truncateWAL(catalog: catalog, logger: logger, stop: stop)))
            try store.shredObjects(shredded.map(\.ciphertextSHA256)) { progress(.objectShredded($0)) }
            total += shredded.count
        }
        return total
    }
}

/// A step of a shred, for `custodyd retention run --events` (and its crash tests).
public enum ShredProgress: Sendable, Equatable {
    /// A batch's keys are erased and its tombstones committed.
    case committed(Int)
    /// The WAL was checkpointed and truncated (false: readers kept it from it; retried later).
    case walTruncated(Bool)
    /// An object was overwritten and unlinked.
    case objectShredded(SHA256Digest)
}

extension ShredService {
    /// Checkpoints and truncates the catalog's WAL, so no page of it holds an erased key, retrying
    /// while readers are in the way: up to about a minute, then the next pass or start tries again.
    @discardableResult
    static func truncateWAL(catalog: EvidenceCatalog, logger: Logger, stop: StopSignal, attempts: Int = 12) -> Bool {
        let wait = TransientRetry.waiting(until: stop)
        var delay = Duration.milliseconds(50)
        for attempt in 1...attempts where !stop.isRaised {
            do {
                if try catalog.checkpointTruncating() { return true }
            } catch {
                logger.error("the catalog's WAL could not be checkpointed", metadata: ["error": "\(error)"])
                return false
            }
            if attempt < attempts {
                wait(delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
        logger.warning(
            "readers kept the catalog's WAL from being truncated after a shred; the erased keys' old pages stay in it until the next pass or start"
        )
        return false
    }
}

/// ServiceLifecycle logs each service by its description: a name, not its configuration.
extension ShredService: CustomStringConvertible {
    var description: String { "shred service" }
}
