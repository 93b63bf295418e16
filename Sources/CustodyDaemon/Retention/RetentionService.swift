import Catalog
import CustodyCore
import Foundation
import Logging
import ServiceLifecycle

/// Marks items due on a schedule (DESIGN §13): those past their due date that no hold covers, and
/// unmarks those held again or whose due date moved later. It never deletes anything; an
/// administrator requests deletion of due items and a second one approves.
///
/// A pass runs at start and then every `retentionPassSeconds`; it is idempotent, so a restart costs
/// one extra pass and nothing else. Each pass works in short transactions on a thread of its own, so
/// ingest's writes interleave with it.
struct RetentionService: Service {
    let configuration: DaemonConfiguration.Deletion
    let catalog: EvidenceCatalog
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let catalog = catalog
            let logger = logger
            await runOnOwnThreadUntilStopped(name: "custody-retention") { stop in
                Self.pass(catalog: catalog, at: Date(), logger: logger, stop: stop)
            }
            // Cancelled or shut down while waiting: the loop ends; nothing is half done.
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .seconds(configuration.retentionPassSeconds))
            }
        }
    }

    /// One pass judged at `now`; a failure is logged and retried at the next.
    static func pass(catalog: EvidenceCatalog, at now: Date, logger: Logger, stop: StopSignal) {
        do {
            let result = try run(catalog: catalog, at: now, stop: stop)
            for item in result.skipped {
                logger.warning(
                    "retention pass skipped an item whose stored due date its retention does not give; see `custodyd audit verify`",
                    metadata: item.logMetadata)
            }
            logger.info(
                "retention pass finished",
                metadata: [
                    "retention.marked": "\(result.marked)", "retention.cleared": "\(result.cleared)",
                    "retention.skipped": "\(result.skipped.count)",
                ])
        } catch {
            logger.error("retention pass failed; retried at the next pass", metadata: ["error": "\(error)"])
        }
    }
}

extension RetentionService {
    /// One pass judged at `now`; `committed` is told of each batch that changed something once it is
    /// on disk.
    /// - Throws: `CatalogError`; the batches committed before it stay (the pass is idempotent).
    static func run(
        catalog: EvidenceCatalog, at now: Date, stop: StopSignal, committed: (RetentionPassResult) -> Void = { _ in }
    ) throws -> RetentionPassResult {
        try catalog.markDueItems(at: now, shouldStop: { stop.isRaised }, committed: committed) { batch in
            let marked =
                batch.marked + batch.cleared > 0
                ? [
                    AuditEvent(
                        action: .retentionMarked, detail: ["marked": "\(batch.marked)", "cleared": "\(batch.cleared)"])
                ] : []
            return marked + batch.skipped.map(\.auditEvent)
        }
    }
}

extension DueDateDisagreement {
    /// The `retention.skipped` entry of an item the pass left alone.
    var auditEvent: AuditEvent {
        var detail = ["stored": Self.text(stored), "recomputed": Self.text(recomputed)]
        detail["reason"] = "the stored due date is not the one the item's categories, clock and holds give"
        return AuditEvent(action: .retentionSkipped, itemID: EvidenceID(itemID), detail: detail)
    }

    /// How the item appears in the journal.
    var logMetadata: Logger.Metadata {
        [
            "item.id": "\(itemID)", "item.due_at": "\(Self.text(stored))",
            "retention.recomputed": "\(Self.text(recomputed))",
        ]
    }

    /// An instant as RFC 3339, or `never`.
    static func text(_ date: Date?) -> String { date.map(RFC3339.string) ?? "never" }
}

/// ServiceLifecycle logs each service by its description: a name, not its configuration.
extension RetentionService: CustomStringConvertible {
    var description: String { "retention service" }
}
