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

    /// A store of `items` catalogued items; every third one's due date moved into the future, the
    /// others' a day into the past (the catalog's real periods are months: a test cannot wait for
    /// one). Returns the ids of the items past due, by rowid.
    static func prepare(_ name: String) throws -> (CLIFixture, pastDue: Set<Int64>) {
        let fixture = try CLIFixture(name)
        let catalog = try EvidenceCatalog(path: fixture.state + "/catalog.sqlite", actor: root)
        let records = (0..<items).map { index in
            ItemRecord(
                id: EvidenceID(), state: .stored,
                sha256: SHA256Digest(bytes: testBytes(count: 32, seed: UInt64(index)))!,
                ciphertextSHA256: SHA256Digest(bytes: testBytes(count: 32, seed: UInt64(index) + 100_000))!, size: 10,
                ciphertextSize: 90, wrappedKey: testBytes(count: 60, seed: UInt64(index) + 200_000),
                source: SourceReference(
                    deviceID: nil, root: "/import", path: RawPath("DCIM/\(index).mp4"), size: 10,
                    modificationTimeNanoseconds: 5),
                ingestedAt: Date(), verifiedAt: nil)
        }
        try catalog.recordStored(
            records, events: records.map { AuditEvent(action: .itemStored, itemID: $0.id, detail: $0.storedFacts) })
        try catalog.recordVerified(
            records.map(\.id), events: records.map { AuditEvent(action: .itemVerified, itemID: $0.id) })
        let queue = try DatabaseQueue(path: fixture.state + "/catalog.sqlite")
        let now = Date().catalogMilliseconds
        try queue.write { db in
            try db.execute(
                sql: "UPDATE item SET due_at = CASE WHEN rowid % 3 = 0 THEN ? ELSE ? END",
                arguments: [now + 30 * 86_400_000, now - 86_400_000])
        }
        let pastDue = try queue.read { db in
            Set(try Int64.fetchAll(db, sql: "SELECT rowid FROM item WHERE due_at < ?", arguments: [now]))
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
