import CustodyTesting
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Review, retention and holds end to end as real Unix users on the daemon's socket: an officer adds a
/// note; two reviewers race for one item and one wins; a review with `traffic-stop` (90 days) and case
/// `2024-001` on an item also `use-of-force` (permanent) leaves it never due; a hold by officer and
/// recorded range catches an item imported after it was placed. Root only (useradd, setpriv).
@Suite(.serialized, .enabled(if: geteuid() == 0, "creating Unix users and switching to them needs root (CI runs as root)"))
struct ReviewEndToEndTests {
    typealias U = UnixUsers

    @Test func officersReviewersAndAdministratorsWorkTheQueueAndHoldsCatchLaterItems() throws {
        try AccessEndToEndTests.prepareUsers()
        try U.ensureUser("cte-dave")
        let station = try DockStation()
        try station.configure(wipe: false, controlGroup: U.socketGroup, allowedGroups: [U.socketGroup])
        for index in 0..<2 {
            try station.directory.write(
                testBytes(count: 20_000, seed: UInt64(index + 1)),
                to: "card/DEV0001_P1_2024050110000\(index)_000\(index).MP4")
        }
        let imported = try custodyd("import", "--state", station.state, "--device", "READER9", station.directory.file("card"))
        #expect(imported.status == 0, "\(imported.stderr)")
        chmod(station.directory.path, 0o755)
        var daemon = try station.start()
        try AccessEndToEndTests.seed(station.socket)
        let socket = station.socket
        func ok(_ user: String?, _ arguments: String...) throws -> ProcessResult {
            let result = try U.custody(as: user, socket: socket, arguments)
            #expect(result.status == 0, "\(arguments) as \(user ?? "root"): \(result.stderr)")
            return result
        }
        // A second reviewer of NORTH.
        _ = try ok(nil, "person", "add", "R2", "--name", "Dave", "--unit", "NORTH", "--account", "cte-dave")
        let until = ISO8601DateFormatter().string(from: Date().addingTimeInterval(30 * 86_400))
        let requested = try U.json(
            as: "cte-dave", socket: socket, "grant", "request", "--role", "reviewer", "--scope", "NORTH", "--reason", "duty",
            "--until", until) as? [String: Any]
        let grant = try #require(requested?["id"] as? Int)
        _ = try ok(nil, "grant", "approve", "\(grant)")
        _ = try ok("cte-admin", "grant", "approve", "\(grant)")
        _ = try ok("cte-admin", "category", "add", "traffic-stop", "--retention", "90d")
        _ = try ok("cte-admin", "category", "add", "use-of-force", "--retention", "permanent")

        let queue = try U.json(as: "cte-carol", socket: socket, "review", "queue") as? [[String: Any]] ?? []
        let ids = queue.compactMap { ($0["item"] as? [String: Any])?["id"] as? String }
        #expect(ids.count == 2)
        let item = try #require(ids.first)

        // The officer writes the enforcement record that goes with her recording; another officer may not.
        _ = try ok("cte-alice", "note", "add", item, "stopped for speeding; warning given")
        #expect(try U.custody(as: "cte-bob", socket: socket, "note", "add", item, "not mine").status == 2)

        // Two reviewers race for the same item: exactly one claim is granted.
        let outcomes = Mutex<[String: Int32]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let user = index == 0 ? "cte-carol" : "cte-dave"
            let status = (try? U.custody(as: user, socket: socket, "review", "claim", item))?.status ?? -1
            outcomes.withLock { $0[user] = status }
        }
        let statuses = outcomes.withLock { $0 }
        #expect(statuses.values.sorted() == [0, 2], "\(statuses)")
        let winner = try #require(statuses.first { $0.value == 0 }?.key)
        let loser = winner == "cte-carol" ? "cte-dave" : "cte-carol"
        let refused = try U.custody(as: loser, socket: socket, "review", "done", item, "--outcome", "ok")
        #expect(refused.status == 2 && refused.stderr.contains("claimed by"), "\(refused.stderr)")

        _ = try ok("cte-admin", "categorize", item, "use-of-force")
        let done = try U.json(
            as: winner, socket: socket, "review", "done", item, "--outcome", "important", "--category", "traffic-stop",
            "--case", "2024-001") as? [String: Any]
        #expect(done?["due_at"] == nil)
        #expect(done?["category"] as? String == "use-of-force")
        let shown = try U.json(as: "cte-carol", socket: socket, "show", item) as? [String: Any]
        let review = shown?["review"] as? [String: Any]
        #expect(review?["state"] as? String == "reviewed")
        #expect(review?["cases"] as? [String] == ["2024-001"])
        #expect(review?["categories"] as? [String] == ["traffic-stop", "use-of-force"])
        #expect((review?["retention"] as? [String: Any])?["due_at"] == nil)
        #expect((review?["notes"] as? [[String: Any]])?.first?["author"] as? String == "P1")
        let text = try ok("cte-carol", "show", item).stdout
        #expect(text.contains("due                never") && text.contains("category use-of-force keeps it permanently"))

        // A hold on P1's recordings of 1 May 2024 catches a recording imported after it was placed.
        let hold = try U.json(
            as: "cte-admin", socket: socket, "hold", "place", "--matter", "Complaint 77", "--authority", "Internal affairs",
            "--reason", "preserve", "--officer", "P1", "--from", "2024-05-01", "--to", "2024-05-03") as? [String: Any]
        #expect(hold?["items"] as? Int == 2)
        #expect(try U.custody(as: "cte-carol", socket: socket, "hold", "place", "--matter", "m", "--authority", "a",
            "--reason", "r", item).status == 2)
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
        try station.directory.write(testBytes(count: 20_000, seed: 9), to: "later/DEV0001_P1_20240501120000_0009.MP4")
        let later = try custodyd("import", "--state", station.state, "--device", "READER9", station.directory.file("later"))
        #expect(later.status == 0, "\(later.stderr)")
        daemon = try station.start()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let held = try U.json(as: "cte-admin", socket: socket, "list", "--held") as? [String: Any]
        let heldItems = held?["items"] as? [[String: Any]] ?? []
        #expect(heldItems.count == 3)
        #expect(heldItems.allSatisfy { $0["due_at"] == nil })
        let newest = try #require(heldItems.first { ($0["source"] as? [String: Any])?["path"] as? String == "DEV0001_P1_20240501120000_0009.MP4" })
        let holds = (try U.json(as: "cte-admin", socket: socket, "show", newest["id"] as! String) as? [String: Any])
            .flatMap { ($0["review"] as? [String: Any])?["holds"] as? [[String: Any]] }
        #expect(holds?.first?["matter"] as? String == "Complaint 77")
        let verified = try custodyd("audit", "verify", "--state", station.state)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }
}
