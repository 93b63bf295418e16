import Catalog
import ControlProtocol
import CustodyCore
import EvidenceStore
import Foundation
import Logging
import ServiceLifecycle

/// Re-checks, on a schedule, that every verified item's stored object still has the hash recorded
/// when it was written (keyless: the object file's SHA-256, docs/store-format.md), so silent
/// corruption or tampering is found and audited without a person asking.
///
/// Reads are paced to `maxBytesPerSecond`, so a pass never starves ingest of the disk. A pass starts
/// `intervalSeconds` after the previous one (recorded in the audit log as `fixity.pass`, so restarts
/// do not cause extra passes).
struct FixityScrubber: Service {
    let configuration: DaemonConfiguration.Fixity
    let context: IngestContext
    let logger: Logger

    func run() async throws {
        let scrubber = Scrub(configuration: configuration, context: context, logger: logger)
        await runOnOwnThreadUntilStopped(name: "custody-fixity") { scrubber.run(until: $0) }
    }
}

private final class Scrub: Sendable {
    let configuration: DaemonConfiguration.Fixity
    let context: IngestContext
    let logger: Logger

    init(configuration: DaemonConfiguration.Fixity, context: IngestContext, logger: Logger) {
        self.configuration = configuration
        self.context = context
        self.logger = logger
    }

    func run(until stop: StopSignal) {
        var mismatches = 0
        var lastPass = (try? context.catalog.lastAudited(.fixityPass)) ?? nil
        context.board.setFixity(
            FixityStatus(
                checked: 0, total: 0, mismatches: 0, lastPassFinishedAt: lastPass.map(Timestamps.rfc3339)))
        while !stop.isRaised {
            let due = lastPass.map { $0.addingTimeInterval(configuration.intervalSeconds) } ?? Date()
            if due > Date() {
                pause(until: due, stop: stop)
                continue
            }
            do {
                let (checked, failed, finished) = try pass(stop: stop, mismatches: &mismatches)
                guard finished else { break }
                lastPass = Date()
                try context.catalog.audit([
                    AuditEvent(
                        action: .fixityPass, detail: ["checked": "\(checked)", "failed": "\(failed)"])
                ])
                context.board.setFixity(
                    FixityStatus(
                        checked: checked, total: checked, mismatches: mismatches,
                        lastPassFinishedAt: lastPass.map(Timestamps.rfc3339)))
            } catch {
                logger.error("fixity pass failed; retried in an hour", metadata: ["error": "\(error)"])
                pause(until: Date().addingTimeInterval(3600), stop: stop)
            }
        }
    }

    /// One pass over the verified items; false in `finished` when stopped part-way.
    private func pass(stop: StopSignal, mismatches: inout Int) throws -> (Int, Int, Bool) {
        let verifier = ObjectVerifier(store: context.store)
        let total = try context.catalog.countsByState()[.verified] ?? 0
        var checked = 0
        var failed = 0
        let started = Date()
        var bytes: Int64 = 0
        var stopped = false
        struct Stopped: Error {}
        do {
            try context.catalog.forEachItem(batchSize: 200) { items in
                for item in items where item.state == .verified {
                    if stop.isRaised { throw Stopped() }
                    do {
                        try verifier.verifyObjectHash(item.ciphertextSHA256, id: item.id)
                    } catch {
                        failed += 1
                        mismatches += 1
                        context.metrics.fixityFailed()
                        logger.critical(
                            "stored object does not match its recorded hash",
                            metadata: ["item.id": "\(item.id)", "error": "\(error)"])
                        // Marked on the item with its audit entry, so the failure survives restarts.
                        try context.catalog.recordFixityFailure(
                            item.id, at: Date(),
                            events: [
                                AuditEvent(
                                    action: .fixityFailed, itemID: item.id,
                                    detail: [
                                        "object": context.store.objectPath(for: item.ciphertextSHA256).string,
                                        "problem": "\(error)",
                                    ])
                            ])
                    }
                    checked += 1
                    bytes += item.ciphertextSize
                    // Pace: never read faster than the configured rate, averaged over the pass.
                    let earliest = started.addingTimeInterval(Double(bytes) / Double(configuration.maxBytesPerSecond))
                    if earliest > Date() { pause(until: earliest, stop: stop) }
                    if checked % 50 == 0 || checked == total {
                        context.board.setFixity(
                            FixityStatus(
                                checked: checked, total: total, mismatches: mismatches, lastPassFinishedAt: nil))
                    }
                }
            }
        } catch is Stopped {
            stopped = true
        }
        return (checked, failed, !stopped)
    }

    /// Waits until `date` or a stop, looking at the stop signal four times a second.
    private func pause(until date: Date, stop: StopSignal) {
        while !stop.isRaised, date > Date() {
            Thread.sleep(forTimeInterval: min(0.25, date.timeIntervalSinceNow))
        }
    }
}

/// ServiceLifecycle logs each service by its description: a name, not its whole configuration.
extension FixityScrubber: CustomStringConvertible {
    var description: String { "fixity scrubber" }
}
