import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Deletion end to end as real Unix users on the daemon's socket (DESIGN §13): one administrator asks,
/// the same one cannot approve, a stranger cannot, a second administrator does; the trash refuses
/// content; a hold placed during the grace period stops the deletion; restore brings an item back;
/// every step in a chain that verifies. Root only (useradd, setpriv); CI runs as root.
@Suite(.serialized, .enabled(if: geteuid() == 0, "creating Unix users and switching to them needs root (CI runs as root)"))
struct DeletionEndToEndTests {
    typealias U = UnixUsers

    @Test func twoAdministratorsTrashAHoldStopsAndRestoreBringsBack() throws {
        try U.ensureUser("cte-admin", groups: ["custody-admin"])
        try U.ensureUser("cte-admin2", groups: ["custody-admin"])
        try U.ensureUser("cte-mallory")
        let station = try DockStation()
        try station.configure(wipe: false, controlGroup: U.socketGroup, allowedGroups: [U.socketGroup])
        for index in 0..<3 {
            try station.directory.write(testBytes(count: 10_000, seed: UInt64(index + 1)), to: "card/clip\(index).MP4")
        }
        let imported = try custodyd("import", "--state", station.state, station.directory.file("card"))
        #expect(imported.status == 0, "\(imported.stderr)")
        chmod(station.directory.path, 0o755)
        let daemon = try station.start()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let listed = try U.json(as: nil, socket: station.socket, "list") as? [String: Any]
        let ids = ((listed?["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }.sorted()
        #expect(ids.count == 3)
        let (trashed, held, restored) = (ids[0], ids[1], ids[2])

        // Nothing is due yet: a deletion needs --not-due, and is marked so.
        let undue = try U.custody(as: "cte-admin", socket: station.socket, ["deletion", "request", "--reason", "recorded by mistake"] + ids)
        #expect(undue.status != 0 && undue.stderr.contains("--not-due"), "\(undue.stderr)")
        let request = try U.json(
            as: "cte-admin", socket: station.socket, "deletion", "request", ids[0], ids[1], ids[2], "--not-due", "--reason",
            "recorded by mistake") as? [String: Any]
        let number = try #require(request?["id"] as? Int)
        #expect(request?["not_due"] as? Bool == true)

        let own = try U.custody(as: "cte-admin", socket: station.socket, "deletion", "approve", "\(number)")
        #expect(own.status == 2 && own.stderr.contains("own deletion request"), "\(own.stderr)")
        let stranger = try U.custody(as: "cte-mallory", socket: station.socket, "deletion", "approve", "\(number)")
        #expect(stranger.status == 2, "\(stranger.stderr)")
        let approved = try U.json(as: "cte-admin2", socket: station.socket, "deletion", "approve", "\(number)") as? [String: Any]
        #expect(approved?["approved_by"] as? String == "account:cte-admin2")

        // In the trash: no content, for anyone.
        let content = try U.custody(as: nil, socket: station.socket, "cat", trashed)
        #expect(content.status != 0 && content.stderr.contains("in the trash"), "\(content.stderr)")

        // A hold during the grace period stops that item's deletion; restore brings another back.
        let hold = try U.custody(
            as: "cte-admin2", socket: station.socket, "hold", "place", held, "--matter", "M-1", "--authority", "court",
            "--reason", "litigation")
        #expect(hold.status == 0, "\(hold.stderr)")
        let back = try U.custody(as: "cte-admin2", socket: station.socket, "deletion", "restore", restored)
        #expect(back.status == 0 && back.stdout.contains("pending review again"), "\(back.stderr)")

        let shown = try U.json(as: "cte-admin", socket: station.socket, "deletion", "show", "\(number)") as? [String: Any]
        let states = Dictionary(
            uniqueKeysWithValues: ((shown?["items"] as? [[String: Any]]) ?? []).map { ($0["item"] as! String, $0["state"] as! String) })
        #expect(states == [trashed: "trashed", held: "stopped", restored: "restored"])
        let heldContent = try U.custody(as: nil, socket: station.socket, "cat", held)
        #expect(!heldContent.stderr.contains("in the trash"), "\(heldContent.stderr)")

        let verified = try custodyd("audit", "verify", "--state", station.state)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }
}
