import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

/// A due date edited in the catalog file (issue 23, point 6): someone who can write the file runs
/// sqlite3 on it. No trigger guards `item.due_at` (the schema's triggers guard the due mark, not the
/// date), so the attacker needs nothing more; had one guarded it, they could have dropped it. What
/// they cannot make Custody do: `audit verify` names the item with both dates and exits 1, and the
/// retention pass neither marks it due nor unmarks it, says so, and audits it, while the untampered
/// items beside it are marked as usual.
@Suite(.serialized) struct DueDateTamperTests {
    static let day: TimeInterval = 86_400

    /// Runs sqlite3 on the catalog file, as an attacker with the file would.
    static func sqlite(_ fixture: CLIFixture, _ sql: String) throws {
        let result = try run("/usr/bin/sqlite3", [fixture.state + "/catalog.sqlite", sql])
        try #require(result.status == 0, "sqlite3: \(result.stderr)")
    }

    /// The ids marked due now.
    static func marked(_ fixture: CLIFixture) throws -> Set<String> {
        let queue = try DatabaseQueue(path: fixture.state + "/catalog.sqlite")
        return try queue.read { db in
            Set(try String.fetchAll(db, sql: "SELECT id FROM item WHERE due_marked_at IS NOT NULL"))
        }
    }

    /// The items `retention.skipped` entries name, in order.
    static func skippedEntries(_ fixture: CLIFixture) throws -> [String] {
        let queue = try DatabaseQueue(path: fixture.state + "/catalog.sqlite")
        return try queue.read { db in
            try String.fetchAll(
                db, sql: "SELECT item_id FROM audit WHERE action = ? ORDER BY seq",
                arguments: [AuditAction.retentionSkipped.rawValue])
        }
    }

    /// The ids `audit verify --json` names under `due_dates`, with its `ok`.
    static func auditDueDates(_ fixture: CLIFixture) throws -> (ok: Bool?, items: [String: [String: Any]]) {
        let report = try fixture.json("audit", "verify")
        let items = (report["due_dates"] as? [[String: Any]] ?? []).map { ($0["id"] as? String ?? "", $0) }
        return (report["ok"] as? Bool, Dictionary(items) { first, _ in first })
    }

    @Test func aDueDateEditedInTheCatalogFileIsNamedAndTheRetentionPassNeverActsOnIt() throws {
        let fixture = try CLIFixture("dueDateTamper")
        let now = Date()
        let catalog = try EvidenceCatalog(path: fixture.state + "/catalog.sqlite", actor: PastDueItems.root)
        // past: due nine days ago. floored: ingested 400 days ago, so its due date was pushed to 24
        // hours after each change (the 24-hour notice), the last one 20 days ago: due 19 days ago.
        // fresh: due tomorrow. delayed: due nine days ago until the attacker moves it.
        let ids = try PastDueItems.catalogue(
            in: catalog,
            ingested: [-10 * Self.day, -400 * Self.day, 0, -10 * Self.day].map(now.addingTimeInterval),
            changedAt: now.addingTimeInterval(-20 * Self.day))
        let (past, floored, fresh, delayed) = (
            ids[0].description, ids[1].description, ids[2].description, ids[3].description
        )

        // Untampered, every stored due date is the one its retention gives, floored ones included.
        let clean = try fixture.run("audit", "verify")
        #expect(clean.status == 0, "\(clean.stdout)")
        #expect(clean.stdout.contains("every stored due date is the one its retention gives"), "\(clean.stdout)")

        // The attacker makes the fresh item due two days ago.
        let early = now.addingTimeInterval(-2 * Self.day).catalogMilliseconds
        try Self.sqlite(fixture, "UPDATE item SET due_at = \(early) WHERE id = '\(fresh)'")

        let named = try fixture.run("audit", "verify")
        #expect(named.status == 1)
        #expect(
            named.stdout.contains(
                "DUE      \(fresh) due_at: stored \(RFC3339.string(Date(catalogMilliseconds: early)))"),
            "\(named.stdout)")
        var audit = try Self.auditDueDates(fixture)
        #expect(audit.ok == false)
        #expect(Set(audit.items.keys) == [fresh])
        let recomputed = try #require(audit.items[fresh]?["recomputed"] as? String)
        // Its real due date: a day after its ingest.
        #expect(
            try #require(RFC3339.date(recomputed)).timeIntervalSince(now.addingTimeInterval(Self.day)).magnitude < 60,
            "\(recomputed)")

        // verify --deep recomputes them too (these items have no objects: it fails them for that as well).
        let deep = try fixture.run("verify", "--deep")
        #expect(deep.status == 1)
        #expect(deep.stdout.contains("DUE     \(fresh)  due_at: stored"), "\(deep.stdout)")
        #expect(deep.stdout.contains("1 stored due dates are not the ones their retention gives"), "\(deep.stdout)")

        // The pass marks the untampered items and leaves the tampered one, saying so.
        let pass = try fixture.run("retention", "run")
        #expect(pass.status == 1, "\(pass.stdout) \(pass.stderr)")
        #expect(pass.stdout.contains("SKIPPED \(fresh): stored due date"), "\(pass.stdout)")
        #expect(pass.stdout.contains("3 items marked due"), "\(pass.stdout)")
        #expect(try Self.marked(fixture) == [past, floored, delayed])
        #expect(try Self.skippedEntries(fixture) == [fresh])

        // A deletion delayed: the attacker moves a marked item's due date five years on.
        let late = now.addingTimeInterval(5 * 365 * Self.day).catalogMilliseconds
        try Self.sqlite(fixture, "UPDATE item SET due_at = \(late) WHERE id = '\(delayed)'")
        audit = try Self.auditDueDates(fixture)
        #expect(audit.ok == false)
        #expect(Set(audit.items.keys) == [fresh, delayed])
        #expect(audit.items[delayed]?["stored"] as? String == RFC3339.string(Date(catalogMilliseconds: late)))

        // The pass neither unmarks the delayed item nor marks the early one; both are audited again.
        let events = try LineReadingProcess.lines(
            of: BuiltProducts.custodyd, ["retention", "run", "--events", "--state", fixture.state])
        #expect(events.status == 1)
        let skipped = events.lines.filter { $0.contains("\"retention.skipped\"") }
        #expect(skipped.count == 2 && skipped.contains { $0.contains(delayed) }, "\(events.lines)")
        #expect(try Self.marked(fixture) == [past, floored, delayed])
        // Rowid order within the batch: fresh is the third item, delayed the fourth.
        #expect(try Self.skippedEntries(fixture) == [fresh, fresh, delayed])
        #expect(try fixture.run("audit", "verify").status == 1)
    }
}
