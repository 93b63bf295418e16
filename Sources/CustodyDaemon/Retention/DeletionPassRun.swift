import Catalog
import CustodyCore
import EvidenceStore
import Foundation
import Logging

/// `custodyd retention run`: what the daemon's retention and shred services do at start, done once
/// now in this process while the daemon is stopped (after a restore, on a dock kept off): finish
/// shreds a crash interrupted, mark due items, shred trashed items whose grace period ended. It holds
/// the store lock, so it refuses to run beside the daemon. Nothing here bypasses the schema: the
/// grace periods, holds and two-person approvals are the catalog's to enforce, judged at the real time.
public struct DeletionPassRun: Sendable {
    /// A step, for `--events`.
    public enum Event: Sendable, Equatable {
        /// Interrupted shreds were finished at start.
        case interruptedFinished
        /// A retention batch committed its due marks.
        case marked(marked: Int, cleared: Int)
        /// The retention pass left an item alone: its stored due date is not the one its retention gives.
        case skipped(DueDateDisagreement)
        /// A shred step.
        case shred(ShredProgress)
    }

    /// What the run did.
    public struct Result: Sendable, Equatable {
        public var marked: Int
        public var cleared: Int
        /// Items left alone because their stored due date disagrees with their retention.
        public var skipped: [DueDateDisagreement]
        public var shredded: Int
    }

    let state: StateDirectory
    let logger: Logger

    /// A run over `state`'s catalog and store.
    public init(state: StateDirectory, logger: Logger) {
        self.state = state
        self.logger = logger
    }

    /// Runs both passes at the current time, telling `events` of each step.
    /// - Throws: `StoreError.locked` when the daemon (or another writer) holds the store; the
    ///   catalog's and store's errors. What committed before an error stays (both passes are idempotent).
    public func run(events: (Event) -> Void = { _ in }) throws -> Result {
        let lock = try StoreLock(store: state.store)
        defer { withExtendedLifetime(lock) {} }
        let stop = StopSignal()
        try ShredService.finish(
            catalog: state.catalog, store: state.store, logger: logger, stop: stop, progress: { events(.shred($0)) })
        events(.interruptedFinished)
        let now = Date()
        let retention = try RetentionService.run(catalog: state.catalog, at: now, stop: stop) { batch in
            if batch.marked + batch.cleared > 0 { events(.marked(marked: batch.marked, cleared: batch.cleared)) }
            for item in batch.skipped {
                logger.warning(
                    "retention pass skipped an item whose stored due date its retention does not give",
                    metadata: item.logMetadata)
                events(.skipped(item))
            }
        }
        let shredded = try ShredService.run(
            catalog: state.catalog, store: state.store, at: now, logger: logger, stop: stop,
            progress: { events(.shred($0)) })
        return Result(
            marked: retention.marked, cleared: retention.cleared, skipped: retention.skipped, shredded: shredded)
    }
}
