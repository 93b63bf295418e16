import Catalog
import CustodyCore
import Foundation
import GRDB

// MARK: - retention-pass

/// One retention pass (issue 12) over a seeded catalog: every item marked due (a year on), then a
/// steady-state pass that changes nothing, while another thread commits small writes the way ingest
/// does, so the figure that matters — how long a write waits for the pass — is measured, not assumed;
/// then every due date recomputed once, alone (what `audit verify` adds, and what the first pass spent
/// recomputing the due dates of the items it marked).
func retentionPass(_ arguments: [String]) throws {
    guard arguments.count == 1 else { usage("retention-pass takes STATE_DIR") }
    let path = arguments[0] + "/catalog.sqlite"
    let catalog = try EvidenceCatalog(path: path, actor: AuditActor(uid: 0, name: "root"))
    let queue = try DatabaseQueue(path: path)
    // Due dates of seeded items: materialised by the review migration; start from no marks.
    try queue.write { db in try db.execute(sql: "UPDATE item SET due_marked_at = NULL WHERE due_marked_at IS NOT NULL")
    }
    let total = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0 }
    let at = Date().addingTimeInterval(3 * 365 * 86_400)
    let clock = ContinuousClock()

    /// Runs `pass` on its own thread while this one commits one audit entry after another; returns the
    /// pass's time and the writes' latencies (ms).
    func measured(_ pass: @escaping @Sendable () throws -> RetentionPassResult) throws -> (
        Double, RetentionPassResult, [Double]
    ) {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<(Double, RetentionPassResult), any Error>?
        let thread = Thread {
            let started = ContinuousClock().now
            outcome = Result {
                let result = try pass(); return ((ContinuousClock().now - started).milliseconds, result)
            }
            done.signal()
        }
        thread.start()
        var latencies: [Double] = []
        while done.wait(timeout: .now()) == .timedOut {
            latencies.append(try clock.measure { try catalog.audit([AuditEvent(action: .statusViewed)]) }.milliseconds)
        }
        let (elapsed, result) = try outcome!.get()
        return (elapsed, result, latencies.sorted())
    }
    let (first, marked, firstWrites) = try measured {
        try catalog.markDueItems(at: at) { [AuditEvent(action: .retentionMarked, detail: ["marked": "\($0.marked)"])] }
    }
    let (steady, unchanged, steadyWrites) = try measured {
        try catalog.markDueItems(at: at) { [AuditEvent(action: .retentionMarked, detail: ["marked": "\($0.marked)"])] }
    }
    // What the due-date check costs on its own (issue 23): every item's due date recomputed, as
    // `audit verify` does and as the first pass above did for each item it marked.
    var disagreements = 0
    let recompute = try clock.measure { disagreements = try catalog.dueDateDisagreements(at: at).count }.milliseconds
    func p(_ values: [Double], _ q: Double) -> Double { values.isEmpty ? 0 : quantile(values, q) }
    print("retention-pass on \(total) items:")
    print(
        "  first pass (marks \(marked.marked)):       \(format(first / 1000, 1)) s; concurrent writes: \(firstWrites.count), median \(format(p(firstWrites, 0.5))) ms, p99 \(format(p(firstWrites, 0.99))) ms, max \(format(firstWrites.last ?? 0)) ms"
    )
    print(
        "  steady pass (marks \(unchanged.marked)):   \(format(steady / 1000, 1)) s; concurrent writes: \(steadyWrites.count), median \(format(p(steadyWrites, 0.5))) ms, p99 \(format(p(steadyWrites, 0.99))) ms, max \(format(steadyWrites.last ?? 0)) ms"
    )
    print(
        "  due dates recomputed (audit verify's check): \(format(recompute / 1000, 2)) s, \(disagreements) disagree"
    )
    print(
        "RESULT items=\(total) recompute_s=\(format(recompute / 1000, 2)) first_s=\(format(first / 1000, 1)) steady_s=\(format(steady / 1000, 1)) write_p99_ms=\(format(p(firstWrites, 0.99))) write_max_ms=\(format(firstWrites.last ?? 0))"
    )
}
