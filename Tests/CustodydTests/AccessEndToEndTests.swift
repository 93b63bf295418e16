import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Who may see what, end to end as real Unix users on the daemon's socket: officers their own items,
/// reviewers their unit and its sub-units, auditors the trail and no evidence, the unregistered
/// nothing; every refusal in the audit chain. Root only (useradd, setpriv); CI runs as root.
@Suite(.serialized, .enabled(if: geteuid() == 0, "creating Unix users and switching to them needs root (CI runs as root)"))
struct AccessEndToEndTests {
    typealias U = UnixUsers

    /// The users, their badge ids and units.
    static let people = [
        ("cte-alice", "P1", "Alice", "NORTH-1"), ("cte-bob", "P2", "Bob", "SOUTH"),
        ("cte-carol", "R1", "Carol", "NORTH"), ("cte-erin", "U1", "Erin", "NORTH"),
    ]

    static func prepareUsers() throws {
        for (user, _, _, _) in people { try U.ensureUser(user) }
        try U.ensureUser("cte-mallory")
        try U.ensureUser("cte-admin", groups: ["custody-admin"])
    }

    /// Registers units and people as root, and has each role granted through its two approvals.
    static func seed(_ socket: String) throws {
        for (unit, parent) in [("NORTH", nil), ("NORTH-1", "NORTH"), ("SOUTH", nil)] as [(String, String?)] {
            var arguments = ["unit", "add", unit, "--name", unit.lowercased()]
            if let parent { arguments += ["--parent", parent] }
            let result = try run(
                BuiltProducts.directory.appendingPathComponent("custody").path, arguments + ["--socket", socket])
            #expect(result.status == 0, "\(result.stderr)")
        }
        for (user, badge, name, unit) in people {
            let result = try U.custody(
                as: nil, socket: socket, "person", "add", badge, "--name", name, "--unit", unit, "--account", user)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let until = Date().addingTimeInterval(30 * 86_400)
        let untilText = ISO8601DateFormatter().string(from: until)
        for (user, role, scope) in [("cte-carol", "reviewer", "NORTH"), ("cte-erin", "auditor", nil)] as [(String, String, String?)] {
            var arguments = ["grant", "request", "--role", role, "--reason", "duty", "--until", untilText]
            if let scope { arguments += ["--scope", scope] }
            let requested = try U.custody(as: user, socket: socket, arguments + ["--json"])
            #expect(requested.status == 0, "\(requested.stderr)")
            let grant = try #require(
                (try JSONSerialization.jsonObject(with: Data(requested.stdout.utf8)) as? [String: Any])?["id"] as? Int)
            // The requester may not approve; root gives the first approval, a custody-admin member the second.
            let own = try U.custody(as: user, socket: socket, "grant", "approve", "\(grant)")
            #expect(own.status != 0 && own.stderr.contains("own request"), "\(own.stderr)")
            #expect(try U.custody(as: nil, socket: socket, "grant", "approve", "\(grant)").status == 0)
            let second = try U.custody(as: "cte-admin", socket: socket, "grant", "approve", "\(grant)")
            #expect(second.status == 0, "\(second.stderr)")
        }
    }

    @Test func eachPersonSeesWhatTheirRoleAndScopeAllowAndEveryRefusalIsOnRecord() throws {
        try Self.prepareUsers()
        let station = try DockStation()
        try station.configure(wipe: false, controlGroup: U.socketGroup, allowedGroups: [U.socketGroup])
        // Two recordings of P1 (NORTH-1), one of P2 (SOUTH), named as cameras name them.
        let source = station.directory.file("card")
        var hashes: [String: String] = [:]
        for (index, officer) in ["P1", "P1", "P2"].enumerated() {
            let bytes = testBytes(count: 20_000, seed: UInt64(index + 1))
            let name = "DEV0001_\(officer)_2024050110000\(index)_000\(index).MP4"
            try station.directory.write(bytes, to: "card/" + name)
            hashes[name] = sha256Hex(bytes)
        }
        let imported = try custodyd("import", "--state", station.state, "--device", "READER9", source)
        #expect(imported.status == 0, "\(imported.stderr)")
        // The socket's directory must be reachable by the test users.
        chmod(station.directory.path, 0o755)
        let daemon = try station.start()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        try Self.seed(station.socket)

        func listed(_ user: String?) throws -> [String: String] {
            let object = try U.json(as: user, socket: station.socket, "list") as? [String: Any]
            let items = object?["items"] as? [[String: Any]] ?? []
            return Dictionary(
                uniqueKeysWithValues: items.map {
                    (($0["source"] as! [String: Any])["path"] as! String, $0["id"] as! String)
                })
        }
        let all = try listed(nil)
        #expect(all.count == 3)
        let alices = Set(all.filter { $0.key.contains("_P1_") }.values)
        let bobs = try #require(all.first { $0.key.contains("_P2_") }?.value)

        #expect(Set(try listed("cte-alice").values) == alices)
        #expect(Set(try listed("cte-bob").values) == [bobs])
        #expect(Set(try listed("cte-carol").values) == alices, "NORTH covers NORTH-1, not SOUTH")
        #expect(try listed("cte-erin").isEmpty)

        let refusedShow = try U.custody(as: "cte-alice", socket: station.socket, "show", bobs)
        #expect(refusedShow.status == 2 && refusedShow.stderr.contains("outside what you may see") && !refusedShow.stderr.contains("officer P"), "\(refusedShow.stderr)")
        #expect(try U.custody(as: "cte-alice", socket: station.socket, "show", alices.first!).status == 0)
        #expect(try U.custody(as: "cte-carol", socket: station.socket, "show", bobs).status == 2)
        let auditorShow = try U.custody(as: "cte-erin", socket: station.socket, "show", alices.first!)
        #expect(auditorShow.status == 2 && auditorShow.stderr.contains("auditor"), "\(auditorShow.stderr)")
        let trail = try U.custody(as: "cte-erin", socket: station.socket, "audit", "log", "--action", "access.denied")
        #expect(trail.status == 0, "\(trail.stderr)")
        #expect(try U.custody(as: "cte-alice", socket: station.socket, "audit", "log").status == 2)

        let stranger = try U.custody(as: "cte-mallory", socket: station.socket, "list")
        #expect(stranger.status == 2 && stranger.stderr.contains("custody person add"), "\(stranger.stderr)")
        let whoami = try U.json(as: "cte-carol", socket: station.socket, "whoami") as? [String: Any]
        #expect((whoami?["roles"] as? [[String: Any]])?.contains { $0["role"] as? String == "reviewer" } == true)

        // The file names carry the camera's id: `--device` finds the recordings by it.
        let byDevice = try U.json(as: nil, socket: station.socket, "list", "--device", "dev0001") as? [String: Any]
        #expect((byDevice?["items"] as? [Any])?.count == 3)

        // Every refusal is in the chain, with who and why; the chain verifies.
        let denied = try U.json(as: nil, socket: station.socket, "audit", "log", "--action", "access.denied", "--limit", "1000")
            as? [[String: Any]] ?? []
        let reasons = denied.compactMap { $0["detail_text"] as? String }
        #expect(reasons.contains { $0.contains("\"principal\":\"P1\"") && $0.contains("\(bobs)") })
        #expect(reasons.contains { $0.contains("\"principal\":\"R1\"") })
        #expect(reasons.contains { $0.contains("\"principal\":\"U1\"") })
        #expect(reasons.contains { $0.contains("account:cte-mallory") && $0.contains("not registered") })
        #expect(reasons.contains { $0.contains("own request") })
        let verified = try custodyd("audit", "verify", "--state", station.state)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    @Test func aDockedRecorderIsAttributedToItsRegistryHolderAndTheFileNamesDisagreementIsFlagged() throws {
        try Self.prepareUsers()
        let station = try DockStation()
        try station.configure(wipe: false)
        let first = try station.start()
        for arguments in [
            ["unit", "add", "NORTH", "--name", "north"],
            ["person", "add", "P9", "--name", "Nina", "--unit", "NORTH"],
            ["device", "add", "DEV0001", "--family", "massStorage"],
            ["device", "assign", "DEV0001", "P9"],
        ] {
            let result = try run(
                BuiltProducts.directory.appendingPathComponent("custody").path, arguments + ["--socket", station.socket])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        first.signal(SIGTERM)
        #expect(first.wait() == 0)

        // Its files say officer P1; the registry issued it to P9.
        try station.addRecorder(bay: 1, files: 3, size: 50_000) { "DEV0001_P1_20240501100000_000\($0).MP4" }
        let daemon = try station.start()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        _ = try station.waitForStatus { DockStation.bay("usb:1-1", in: $0)?["phase"] as? String == "done" }
        let items = try station.items().filter { ($0["source"] as? [String: Any])?["device"] as? String == "DEV0001" }
        #expect(items.count == 3)
        for item in items {
            let attribution = item["attribution"] as? [String: Any]
            #expect((item["media"] as? [String: Any])?["officer"] as? String == "P9")
            #expect(attribution?["source"] as? String == "registry")
            #expect(attribution?["unit"] as? String == "NORTH")
            #expect(attribution?["docked_at"] != nil)
            #expect(
                (attribution?["flags"] as? [String])?.contains("the registry says officer P9, the file name says P1")
                    == true)
        }
        let flagged = try U.json(as: nil, socket: station.socket, "list", "--flagged") as? [String: Any]
        #expect((flagged?["items"] as? [Any])?.count == 3)
    }
}
