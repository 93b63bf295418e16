import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One item state a person reads everywhere (issue 24), as real Unix users on the daemon's socket: an
/// item goes through due, deletion requested, trashed, restored, trashed again and shredded, and at
/// each step `list` (text, `--json`, `--item-state`), `show`, the review queue, `review next`, a claim,
/// `cat` and the report's figures say the same thing. Root only (useradd, setpriv).
@Suite(
    .serialized, .enabled(if: geteuid() == 0, "creating Unix users and switching to them needs root (CI runs as root)"))
struct ItemStateEndToEndTests {
    typealias U = UnixUsers

    /// What the people see of the item, asked as they would.
    struct Sight {
        let socket: String
        let item: String

        func listed(_ arguments: String...) throws -> [[String: Any]] {
            let list = try U.json(as: "cte-admin", socket: socket, ["list"] + arguments) as? [String: Any]
            return list?["items"] as? [[String: Any]] ?? []
        }

        /// The item in `list --json`, and its line in people's `list`.
        func inList() throws -> (json: [String: Any]?, line: String?) {
            let json = try listed().first { $0["id"] as? String == item }
            let text = try U.custody(as: "cte-admin", socket: socket, "list").stdout
            return (json, text.split(separator: "\n").map(String.init).first { $0.hasPrefix(item) })
        }

        /// Every `--item-state` whose listing holds the item.
        func listedAs() throws -> [String] {
            try ItemLifecycle.State.allCases.map(\.rawValue).filter { state in
                try listed("--item-state", state).contains { $0["id"] as? String == item }
            }
        }

        func queued() throws -> Bool {
            let queue = try U.json(as: "cte-carol", socket: socket, "review", "queue") as? [[String: Any]] ?? []
            return queue.contains { ($0["item"] as? [String: Any])?["id"] as? String == item }
        }

        func report() throws -> [String: Any] {
            try U.json(as: "cte-admin", socket: socket, "report") as? [String: Any] ?? [:]
        }

        /// Checks the state everywhere it shows; returns `list --json`'s item.
        @discardableResult
        func expect(_ state: String, words: String, queued: Bool, _ location: SourceLocation = #_sourceLocation)
            throws -> [String: Any]
        {
            let (json, line) = try inList()
            #expect(json?["state"] as? String == state, sourceLocation: location)
            #expect(line?.contains(words) == true, "\(line ?? "no line")", sourceLocation: location)
            #expect(try listedAs() == [state], sourceLocation: location)
            let shown = try U.json(as: "cte-admin", socket: socket, "show", item) as? [String: Any]
            #expect((shown?["item"] as? [String: Any])?["state"] as? String == state, sourceLocation: location)
            let text = try U.custody(as: "cte-admin", socket: socket, "show", item).stdout
            #expect(text.contains("state              \(words)"), "\(text)", sourceLocation: location)
            #expect(try self.queued() == queued, sourceLocation: location)
            return json ?? [:]
        }
    }

    @Test func anItemsStateIsTheSameInEveryViewThroughItsDeletion() throws {
        try AccessEndToEndTests.prepareUsers()
        try U.ensureUser("cte-admin2", groups: ["custody-admin"])
        let station = try DockStation()
        try station.configure(wipe: false, controlGroup: U.socketGroup, allowedGroups: [U.socketGroup])
        for index in 0..<2 {
            try station.directory.write(
                testBytes(count: 20_000, seed: UInt64(index + 31)),
                to: "card/DEV0001_P1_2024050110000\(index)_000\(index).MP4")
        }
        let imported = try custodyd(
            "import", "--state", station.state, "--device", "READER9", station.directory.file("card"))
        #expect(imported.status == 0, "\(imported.stderr)")
        // Due dates a day in the past (the catalog's real periods are months: a test cannot wait for
        // one), then the daemon's retention pass marks them due.
        try DatabaseQueue(path: station.state + "/catalog.sqlite").write { db in
            try db.execute(sql: "UPDATE item SET due_at = ?", arguments: [Date().catalogMilliseconds - 86_400_000])
        }
        let pass = try custodyd("retention", "run", "--state", station.state)
        #expect(pass.status == 0 && pass.stdout.hasPrefix("2 items marked due"), "\(pass.stdout)\(pass.stderr)")
        chmod(station.directory.path, 0o755)
        var daemon = try station.start()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        try AccessEndToEndTests.seed(station.socket)
        let socket = station.socket
        func ok(_ user: String?, _ arguments: String...) throws -> ProcessResult {
            let result = try U.custody(as: user, socket: socket, arguments)
            #expect(result.status == 0, "\(arguments) as \(user ?? "root"): \(result.stderr)")
            return result
        }
        func restart(between: () throws -> Void) throws {
            daemon.signal(SIGTERM)
            #expect(daemon.wait() == 0)
            try between()
            daemon = try station.start()
        }
        let ids = try Sight(socket: socket, item: "").listed().compactMap { $0["id"] as? String }.sorted()
        try #require(ids.count == 2)
        let sight = Sight(socket: socket, item: ids[0])
        let other = ids[1]

        // Due: still live, in the queue, counted.
        try sight.expect("due", words: "due", queued: true)
        var report = try sight.report()
        #expect(report["items"] as? Int == 2)
        #expect((report["review"] as? [String: Any])?["pending"] as? Int == 2)
        _ = try ok("cte-carol", "review", "claim", sight.item)

        // Requested: still pending review (a second administrator may reject it).
        _ = try ok("cte-admin", "deletion", "request", sight.item, "--reason", "retention period over")
        try sight.expect("deletion_requested", words: "deletion requested", queued: true)

        // Trashed: out of the queue, its claim ended on record, unclaimable, unreadable with a date.
        let requests = try U.json(as: "cte-admin", socket: socket, "deletion", "list") as? [[String: Any]] ?? []
        let number = try #require(requests.first?["id"] as? Int)
        _ = try ok("cte-admin2", "deletion", "approve", "\(number)")
        let trashed = try sight.expect("trashed", words: "trashed (shred after", queued: false)
        let shredAfter = try #require(trashed["shred_after"] as? String)
        let next = try U.json(as: "cte-carol", socket: socket, "review", "next") as? [String: Any]
        #expect(next?["item"] as? String == other)
        let claim = try U.custody(as: "cte-carol", socket: socket, "review", "claim", sight.item)
        #expect(claim.status != 0 && claim.stderr.contains("in the trash"), "\(claim.stderr)")
        let content = try U.custody(as: "cte-admin", socket: socket, "cat", sight.item)
        #expect(content.status != 0 && content.stderr.contains("in the trash until \(shredAfter)"), "\(content.stderr)")
        #expect(content.stderr.contains("custody deletion restore"), "\(content.stderr)")
        let catalog = try DatabaseQueue(path: station.state + "/catalog.sqlite")
        let released = try catalog.read { db in
            try String.fetchAll(
                db, sql: "SELECT detail FROM audit WHERE action = 'review.released' AND item_id = ?",
                arguments: [sight.item])
        }
        #expect(released.count == 1 && released[0].contains("\"reviewer\":\"R1\""), "\(released)")
        report = try sight.report()
        #expect(report["items"] as? Int == 2)

        // Restored: retained again, pending review again.
        _ = try ok("cte-admin2", "deletion", "restore", sight.item)
        try sight.expect("verified", words: "verified", queued: true)

        // Trashed again, by the catalog's own steps with no grace period (the daemon's configuration
        // allows no less than a day, so a test could not reach the shred), then shredded by the
        // daemon's passes run now, before the daemon starts again.
        let alice = AuditActor(uid: 0, name: "account:cte-admin")
        var custodydShow = ""
        try restart {
            let steps = try EvidenceCatalog(path: station.state + "/catalog.sqlite", actor: alice)
            let request = try steps.requestDeletion(
                of: [EvidenceID(sight.item)!], reason: "recorded by mistake", notDue: true, grace: 0,
                who: "account:cte-admin", at: Date(),
                events: { [AuditEvent(action: .deletionRequested, detail: ["deletion": "\($0.id)"])] }, by: alice)
            _ = try steps.approveDeletion(
                request.id, who: "account:cte-admin2", at: Date(),
                events: { [AuditEvent(action: .deletionApproved, detail: ["deletion": "\($0.id)"])] }, by: alice)
            #expect(try steps.item(matching: sight.item).lifecycle.state == .trashed)
            let shred = try custodyd("retention", "run", "--state", station.state)
            #expect(shred.stdout.contains("1 shredded"), "\(shred.stdout)\(shred.stderr)")
            custodydShow = try custodyd("show", "--state", station.state, sight.item).stdout
        }

        // Shredded: a tombstone everywhere, left out of the queue, the due filter and the report's counts.
        let tombstone = try sight.expect("shredded", words: "shredded", queued: false)
        #expect(tombstone["shredded_at"] is String)
        #expect(tombstone["due_at"] == nil && tombstone["review_state"] == nil)
        #expect(try !sight.listed("--due-before", "2099-01-01").contains { $0["id"] as? String == sight.item })
        let shown = try U.json(as: "cte-admin", socket: socket, "show", sight.item) as? [String: Any]
        #expect(shown?["tombstone"] is [String: Any])
        #expect(shown?["metadata"] == nil && shown?["review"] == nil)
        let text = try ok("cte-admin", "show", sight.item).stdout
        #expect(!text.contains("\ndue ") && !text.contains("review             pending") && text.contains("receipt"))
        #expect(
            custodydShow.contains("shredded at") && !custodydShow.contains("object             "), "\(custodydShow)")
        let claimed = try U.custody(as: "cte-carol", socket: socket, "review", "claim", sight.item)
        #expect(claimed.status != 0 && claimed.stderr.contains("shredded"), "\(claimed.stderr)")
        let gone = try U.custody(as: "cte-admin", socket: socket, "cat", sight.item)
        #expect(gone.status != 0 && gone.stderr.contains("was shredded on"), "\(gone.stderr)")
        #expect(gone.stderr.contains("unrecoverable"), "\(gone.stderr)")
        report = try sight.report()
        #expect(report["items"] as? Int == 1)
        let review = report["review"] as? [String: Any]
        #expect(review?["pending"] as? Int == 1 && review?["never_viewed"] as? Int == 1, "\(review ?? [:])")
        #expect((report["categorisation"] as? [String: Any])?["uncategorized"] as? Int == 1)

        let verified = try custodyd("audit", "verify", "--state", station.state)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }
}
