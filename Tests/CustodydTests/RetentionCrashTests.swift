import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

/// SIGKILL `custodyd retention run` at each batch of a retention pass (DESIGN §13): a batch's due
/// marks and its `retention.marked` entry commit together or not at all, so after any kill every batch
/// is all marked or all unmarked, the audit log holds one entry per marked batch and verifies, and a
/// re-run marks the rest. The kill points are the run's `--events` lines: no sleeps.
@Suite(.serialized) struct RetentionCrashTests {
    /// Four batches of the pass's 1,000 rowids, the last one short.
    static let items = 3_500
    static let root = AuditActor(uid: 0, name: "root")

    /// A store of `items` catalogued items; every third one (by rowid) ingested now and due tomorrow,
    /// the others ingested ten days ago and due nine days ago (`PastDueItems`: the catalog's real
    /// periods are months, and the pass recomputes a due date rather than trust one written by hand).
    /// Returns the rowids of the items past due.
    static func prepare(_ name: String) throws -> (CLIFixture, pastDue: Set<Int64>) {
        let fixture = try CLIFixture(name)
        let catalog = try EvidenceCatalog(path: fixture.state + "/catalog.sqlite", actor: root)
        let now = Date()
        _ = try PastDueItems.catalogue(
            in: catalog,
            ingested: (1...items).map { rowid in rowid % 3 == 0 ? now : now.addingTimeInterval(-10 * 86_400) },
            changedAt: now.addingTimeInterval(-20 * 86_400))
        let queue = try DatabaseQueue(path: fixture.state + "/catalog.sqlite")
        let pastDue = try queue.read { db in
            Set(
                try Int64.fetchAll(
                    db, sql: "SELECT rowid FROM item WHERE due_at < ?", arguments: [now.catalogMilliseconds]))
        }
        return (fixture, pastDue)
    }

    static let arguments = ["retention", "run", "--events"]

    /// The rowids marked due, and how many `retention.marked` entries the log holds.
    static func marks(_ fixture: CLIFixture) throws -> (marked: Set<Int64>, entries: Int) {
        let queue = try DatabaseQueue(path: fixture.state + "/catalog.sqlite")
        return try queue.read { db in
            (
                Set(try Int64.fetchAll(db, sql: "SELECT rowid FROM item WHERE due_marked_at IS NOT NULL")),
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM audit WHERE action = ?",
                    arguments: [AuditAction.retentionMarked.rawValue]) ?? 0
            )
        }
    }

    @Test func killedAtAnyBatchEachBatchIsWhollyMarkedOrNotAndARerunFinishes() throws {
        // A full run first, to learn how many event lines the pass prints.
        let (probe, probeDue) = try Self.prepare("retentionProbe")
        let (lines, status) = try LineReadingProcess.lines(
            of: BuiltProducts.custodyd, Self.arguments + ["--state", probe.state])
        #expect(status == 0)
        let batches = lines.filter { $0.contains("retention.batch") }.count
        #expect(batches == 4, "\(lines)")
        #expect(try Self.marks(probe) == (probeDue, batches))

        var killedMidway = 0
        for point in 1..<lines.count {
            let (fixture, pastDue) = try Self.prepare("retentionAt\(point)")
            if try LineReadingProcess.kill(
                BuiltProducts.custodyd, Self.arguments + ["--state", fixture.state], afterLines: point)
            {
                killedMidway += 1
            }

            let (marked, entries) = try Self.marks(fixture)
            #expect(marked.isSubset(of: pastDue), "kill at \(point): an item marked that is not past due")
            // Rowid ranges [0, 1000), [1000, 2000)…: each all marked or all unmarked, one audit entry
            // per marked one.
            let byBatch = Dictionary(grouping: pastDue) { $0 / 1_000 }
            var markedBatches = 0
            for (batch, rows) in byBatch {
                let done = rows.filter(marked.contains).count
                #expect(
                    done == 0 || done == rows.count,
                    "kill at \(point): batch \(batch) half marked (\(done)/\(rows.count))")
                if done > 0 { markedBatches += 1 }
            }
            #expect(entries == markedBatches, "kill at \(point)")
            #expect(try fixture.json("audit", "verify")["ok"] as? Bool == true, "kill at \(point)")

            // Restart: the pass marks the rest, and only the rest.
            let rerun = try fixture.run("retention", "run")
            #expect(rerun.status == 0, "re-run after kill at \(point): \(rerun.stderr)")
            #expect(try Self.marks(fixture) == (pastDue, byBatch.count), "kill at \(point)")
            #expect(try fixture.json("audit", "verify")["ok"] as? Bool == true, "kill at \(point)")
        }
        #expect(killedMidway == lines.count - 1)
    }
}
