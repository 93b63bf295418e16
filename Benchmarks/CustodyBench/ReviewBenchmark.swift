import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import GRDB
import Operations

// MARK: - review-queue

/// The review queue and due dates at catalog size (issue 11's targets): the first page of a reviewer's
/// queue (one unit of ten) and of an administrator's, a due-before `list` page, and claiming the next
/// item, through `Operations` (decision, query, audit entry), on a catalog `policy-list` prepared.
func reviewQueue(_ arguments: [String]) throws {
    guard arguments.count == 2 else { usage("review-queue takes STATE_DIR RUNS") }
    let path = arguments[0] + "/catalog.sqlite"
    let runs = positiveInt(arguments[1], "RUNS")
    let catalog = try EvidenceCatalog(path: path, actor: AuditActor(uid: 0, name: "root"))
    guard (try? catalog.person("R0")) != nil else { usage("review-queue runs on a catalog that policy-list prepared") }
    let operations = Operations(
        catalog: catalog, resolver: PrincipalResolver(systemUIDs: [0], administratorGroups: [:]))
    let root = Caller(uid: 0, gid: 0, pid: getpid(), groups: [], name: "root")
    let reviewer = Caller(uid: 4001, gid: 100, pid: getpid(), groups: [], name: "bench-reviewer")
    let clock = ContinuousClock()

    // Seeded items are only stored: verify them all, as ingest would have, so they enter the queue.
    let queue = try DatabaseQueue(path: path)
    let pending = try queue.read { db in
        try Int.fetchOne(db, sql: "SELECT count(*) FROM item WHERE review_state = 'pending'") ?? 0
    }
    if pending == 0 {
        let started = clock.now
        try queue.write { db in
            try db.execute(
                sql: "UPDATE item SET state = 'verified', verified_at = ingested_at + 1000 WHERE state = 'stored'")
        }
        print(
            "review-queue: items verified (entering the queue) in \(format((clock.now - started).milliseconds / 1000, 1)) s"
        )
    }
    let total = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0 }

    func expectOK(_ response: ControlResponse) throws -> ControlResponse {
        if let error = response.error { throw error }
        return response
    }
    func median(_ body: () throws -> Void) throws -> Double {
        try body()  // warm-up, not counted
        var samples: [Double] = []
        for _ in 0..<runs { samples.append(try clock.measure(body).milliseconds) }
        return quantile(samples.sorted(), 0.5)
    }
    var count = 0
    let queueRequest = ControlRequest.operation(.reviewQueue, ControlArguments(limit: 100))
    let asReviewer = try median {
        count = try expectOK(operations.perform(queueRequest, by: reviewer)).queue?.count ?? 0
    }
    let reviewerPage = count
    let asAdmin = try median { count = try expectOK(operations.perform(queueRequest, by: root)).queue?.count ?? 0 }
    var dueQuery = ItemQuery(limit: 100)
    dueQuery.dueBefore = Timestamps.rfc3339(Date().addingTimeInterval(400 * 86_400))
    let dueBefore = try median { count = try expectOK(operations.perform(.list(dueQuery), by: root)).items?.count ?? 0 }
    let duePage = count
    let next = ControlRequest.operation(.reviewNext)
    let claimNext = try median { _ = try expectOK(operations.perform(next, by: reviewer)).claim }

    // A dry run over every uncategorised item (all of them here): once, it is an administrator's rare act.
    var dryRun = ControlArguments(name: "uncategorized")
    dryRun.retention = "1y"
    var examined = 0
    let preview = try clock.measure {
        examined = try expectOK(operations.perform(.operation(.categorySet, dryRun), by: root)).preview?.examined ?? 0
    }.milliseconds

    print("review-queue on \(total) items, \(runs) runs, medians (ms):")
    print("  queue first page, reviewer (1 unit of 10):  \(format(asReviewer))  (\(reviewerPage) items)")
    print("  queue first page, administrator:            \(format(asAdmin))")
    print("  list --due-before, first page:              \(format(dueBefore))  (\(duePage) items)")
    print("  review next (claim, one commit):            \(format(claimNext))")
    print("  dry run of uncategorized 6m -> 1y (once):    \(format(preview))  (\(examined) items examined)")
    print(
        "RESULT preview_ms=\(format(preview)) queue_reviewer_ms=\(format(asReviewer)) queue_admin_ms=\(format(asAdmin)) due_before_ms=\(format(dueBefore)) claim_next_ms=\(format(claimNext))"
    )
}
