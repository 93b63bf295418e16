import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Access decided at every byte served (DESIGN §15), end to end as real Unix users on a running
/// daemon: a reviewer's open view, and an export being written, stop at the next read once their access
/// ends — the person left, the grant that covered the item expired or was revoked, the item was made
/// restricted or moved to the trash — each end audited as `view.ended` with `access_ended` and the
/// reason; an export approved before the change is refused at `export write`, naming the item; and
/// `custody play` answers its player with an error status and exits non-zero saying why.
@Suite(
    .serialized, .enabled(if: geteuid() == 0, "creating Unix users and switching to them needs root (CI runs as root)"))
struct ViewAccessEndToEndTests {
    typealias U = UnixUsers

    /// What ends the reviewer's access while a view is open.
    enum Change: String, CaseIterable, Sendable {
        case left, expired, revoked, restricted, trashed
    }

    /// 10 MiB of P1's (unit NORTH-1): three `view.read`s of 4 MiB for `custody cat`.
    static let size = 10 << 20

    /// Who reads: carol (R1), a reviewer of NORTH for 30 days and of SOUTH for 200, so that losing
    /// the NORTH grant leaves her a reviewer who may no longer see the item; for `.expired`, bob (P2),
    /// a reviewer of SOUTH for 200 days and of NORTH-1 until `until`, a few seconds ahead.
    struct Reader {
        var user: String
        var badge: String
        var until: Date?

        func command(_ arguments: [String]) -> [String] {
            ["--reuid", user, "--regid", U.socketGroup, "--init-groups", "--"] + arguments
        }
    }

    /// How long the short grant lasts: enough for the dozen commands between its request and the
    /// first reads on a loaded machine, after which the test waits once for its end.
    static let shortGrant: TimeInterval = 40

    /// A daemon with the 10 MiB item imported, the people of `AccessEndToEndTests` registered, and the
    /// reader `change` needs.
    static func station(for change: Change) throws -> (DockStation, DaemonProcess, Reader, item: String, sha256: String)
    {
        try AccessEndToEndTests.prepareUsers()
        let station = try DockStation()
        try station.configure(wipe: false, controlGroup: U.socketGroup, allowedGroups: [U.socketGroup])
        let bytes = testBytes(count: size, seed: 23)
        try station.directory.write(bytes, to: "card/DEV0001_P1_20240501100000_0001.DAT")
        let imported = try custodyd(
            "import", "--state", station.state, "--device", "READER9", station.directory.file("card"))
        #expect(imported.status == 0, "\(imported.stderr)")
        chmod(station.directory.path, 0o755)
        let daemon = try station.start()
        try AccessEndToEndTests.seed(station.socket)
        var reader = Reader(user: "cte-carol", badge: "R1")
        if change == .expired {
            reader = Reader(user: "cte-bob", badge: "P2")
            try grant(
                reviewer: reader.user, scope: "SOUTH", until: Date().addingTimeInterval(200 * 86_400),
                socket: station.socket)
            // Whole seconds: the grant's `until` is given to the second.
            let until = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + shortGrant).rounded(.up))
            try grant(reviewer: reader.user, scope: "NORTH-1", until: until, socket: station.socket)
            reader.until = until
        } else {
            try grant(
                reviewer: reader.user, scope: "SOUTH", until: Date().addingTimeInterval(200 * 86_400),
                socket: station.socket)
        }
        let listed = try U.json(as: nil, socket: station.socket, "list") as? [String: Any]
        let item = try #require((listed?["items"] as? [[String: Any]])?.first?["id"] as? String)
        return (station, daemon, reader, item, sha256Hex(bytes))
    }

    /// A reviewer grant for `user` over `scope`, through both approvals (root, then cte-admin).
    @discardableResult
    static func grant(reviewer user: String, scope: String, until: Date, socket: String) throws -> Int {
        let requested =
            try U.json(
                as: user, socket: socket, "grant", "request", "--role", "reviewer", "--scope", scope, "--reason",
                "duty",
                "--until", ISO8601DateFormatter().string(from: until)) as? [String: Any]
        let number = try #require(requested?["id"] as? Int)
        #expect(try U.custody(as: nil, socket: socket, "grant", "approve", "\(number)").status == 0)
        #expect(try U.custody(as: "cte-admin", socket: socket, "grant", "approve", "\(number)").status == 0)
        return number
    }

    /// An export of `item` requested by `reader` and approved by root.
    static func approvedExport(_ item: String, by reader: Reader, socket: String) throws -> Int {
        let requested =
            try U.json(
                as: reader.user, socket: socket, "export", "request", item, "--recipient", "Court", "--purpose",
                "appeal")
            as? [String: Any]
        let number = try #require(requested?["id"] as? Int)
        #expect(try U.custody(as: nil, socket: socket, "export", "approve", "\(number)").status == 0)
        return number
    }

    /// Ends `reader`'s access to `item` the way `change` says, as an administrator would.
    static func apply(_ change: Change, to item: String, of reader: Reader, socket: String) throws {
        func custody(_ user: String?, _ arguments: String...) throws {
            let result = try U.custody(as: user, socket: socket, arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        switch change {
        case .left:
            try custody(nil, "person", "leave", reader.badge, "--reason", "transfer")
        case .expired:
            // Once, to the instant the NORTH-1 grant ends (its SOUTH one stays): no polling.
            Thread.sleep(until: try #require(reader.until).addingTimeInterval(0.5))
        case .revoked:
            let grants =
                try U.json(as: nil, socket: socket, "grant", "list", "--person", reader.badge) as? [[String: Any]] ?? []
            let north = try #require(grants.first { $0["scope"] as? String == "NORTH" }?["id"] as? Int)
            try custody(nil, "grant", "revoke", "\(north)", "--reason", "moved to traffic")
        case .restricted:
            try custody(
                nil, "category", "add", "internal-affairs", "--retention", "permanent", "--access", "restricted")
            try custody(nil, "categorize", item, "internal-affairs")
        case .trashed:
            let request =
                try U.json(
                    as: "cte-admin", socket: socket, "deletion", "request", item, "--not-due", "--reason", "duplicate")
                as? [String: Any]
            let number = try #require(request?["id"] as? Int)
            try custody(nil, "deletion", "approve", "\(number)")
        }
    }

    /// The `view.ended` entries with `outcome` `access_ended`, their details parsed.
    static func accessEnded(socket: String) throws -> [[String: String]] {
        let entries =
            try U.json(as: nil, socket: socket, "audit", "log", "--action", "view.ended", "--limit", "1000")
            as? [[String: Any]] ?? []
        return entries.compactMap { entry in
            guard let text = entry["detail_text"] as? String,
                let detail = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String],
                detail["outcome"] == "access_ended"
            else { return nil }
            return detail
        }
    }

    @Test(arguments: Change.allCases)
    func anOpenViewAndAnExportBeingWrittenStopAtTheNextReadOnceAccessEnds(_ change: Change) throws {
        let (station, daemon, reader, item, sha256) = try Self.station(for: change)
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let socket = station.socket
        // Both exports approved while carol may see the item: one she is writing when access ends, one
        // she starts writing after.
        let during = try Self.approvedExport(item, by: reader, socket: socket)
        let after = try Self.approvedExport(item, by: reader, socket: socket)

        // Before any change she gets the whole item.
        let whole = try run(
            "/bin/sh",
            [
                "-c",
                "setpriv --reuid \(reader.user) --regid \(U.socketGroup) --init-groups -- \(BuiltProducts.directory.path)/custody cat \(item) --socket \(socket) | sha256sum",
            ])
        #expect(whole.stdout.hasPrefix(sha256), "\(whole.stdout) \(whole.stderr)")

        // `custody cat` blocks writing its first 4 MiB into the pipe until this test reads: one byte
        // read means the first `view.read` was served and the second not yet asked for.
        let cat = try InteractiveProcess(
            "/usr/bin/setpriv",
            reader.command([BuiltProducts.directory.path + "/custody", "cat", item, "--socket", socket]))
        try #require(cat.waitForOutput(bytes: 1))
        // The writer of `during` has its first 1 MiB, and waits for a line before reading on.
        let script = station.directory.file("reader.py")
        try Data(Self.readerScript.utf8).write(to: URL(fileURLWithPath: script))
        chmod(script, 0o644)
        let writer = try InteractiveProcess(
            "/usr/bin/setpriv", reader.command(["/usr/bin/python3", script, socket, "\(during)"]))
        guard let first = writer.nextLine() else {
            Issue.record("the export's writer printed nothing: \(writer.finish().result.stderr)")
            return
        }
        #expect(first == "read 1048576", "\(first)")

        try Self.apply(change, to: item, of: reader, socket: socket)

        // cat: the first 4 MiB, then refused with the reason, exit 2.
        let (catResult, catBytes) = cat.finish()
        #expect(catBytes == 4 << 20, "cat wrote \(catBytes) bytes after access ended")
        #expect(catResult.status == 2, "\(catResult.stderr)")
        #expect(catResult.stderr.contains("ended"), "\(catResult.stderr)")
        if change == .trashed { #expect(catResult.stderr.contains("moved to the trash"), "\(catResult.stderr)") }

        // The export's view: refused, then gone.
        try writer.send("go")
        let refused = writer.nextLine()
        let gone = writer.nextLine()
        let (writerResult, _) = writer.finish()
        #expect(refused?.hasPrefix("error forbidden ") == true, "\(refused ?? "") \(writerResult.stderr)")
        #expect(gone?.hasPrefix("error notFound no open view") == true, "\(gone ?? "") \(writerResult.stderr)")
        #expect(writerResult.status == 0, "\(writerResult.stderr)")

        // Each end on record, once, with the policy's reason.
        let ended = try Self.accessEnded(socket: socket)
        #expect(ended.count == 2, "\(ended)")
        #expect(
            ended.contains { $0["mode"] == "cat" && $0["bytes"] == "\(4 << 20)" && $0["principal"] == reader.badge })
        #expect(ended.contains { $0["mode"] == "export" && $0["export"] == "\(during)" && $0["bytes"] == "\(1 << 20)" })
        let expected: String
        switch change {
        case .left: expected = "left"
        case .expired, .revoked: expected = "outside what \(reader.badge) may see"
        case .restricted: expected = "restricted category"
        case .trashed: expected = "moved to the trash"
        }
        #expect(ended.allSatisfy { $0["reason"]?.contains(expected) == true }, "\(ended)")

        // The second export: refused when it is opened, naming the item (never its officer or unit),
        // and nothing left on disk.
        let outbox = station.directory.file("outbox")
        try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
        _ = try run("/bin/chown", [reader.user, outbox])
        let write = try U.custody(
            as: reader.user, socket: socket, "export", "write", "\(after)", "--to", outbox + "/bag")
        #expect(write.status == 2, "\(write.stderr)")
        switch change {
        case .left:
            #expect(write.stderr.contains("left"), "\(write.stderr)")
        case .expired, .revoked, .restricted, .trashed:
            #expect(write.stderr.contains(item), "\(write.stderr)")
            #expect(!write.stderr.contains("NORTH") && !write.stderr.contains("P1"), "\(write.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outbox).isEmpty)
        // The refused opening did not use the export up: an administrator may still write it, unless
        // the item is in the trash.
        if change != .trashed {
            let admin = try U.custody(
                as: nil, socket: socket, "export", "write", "\(after)", "--to", station.directory.file("admin-bag"))
            #expect(admin.status == 0, "\(admin.stderr)")
        }
        let verified = try custodyd("audit", "verify", "--state", station.state)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    @Test func playAnswersItsPlayerWithAnErrorAndExitsNonZeroWhenTheItemIsTrashedMidView() throws {
        let (station, daemon, reader, item, _) = try Self.station(for: .trashed)
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let player = station.directory.file("player.py")
        try Data(Self.playerScript.utf8).write(to: URL(fileURLWithPath: player))
        chmod(player, 0o644)
        // The player's standard input and output are custody's: the test talks to it through them.
        let play = try InteractiveProcess(
            "/usr/bin/setpriv",
            reader.command([
                BuiltProducts.directory.path + "/custody", "play", item, "--socket", station.socket, "--player",
                "python3 \(player) {url}",
            ]))
        let first = try #require(play.nextLine())
        #expect(first == "206 100", "\(first)")

        try Self.apply(.trashed, to: item, of: reader, socket: station.socket)

        try play.send("go")
        let second = try #require(play.nextLine())
        #expect(second.hasPrefix("403 ") && second.contains("moved to the trash"), "\(second)")
        let (result, _) = play.finish()
        #expect(result.status == 2, "\(result.stderr)")
        #expect(
            result.stderr.contains("playback stopped") && result.stderr.contains("moved to the trash"),
            "\(result.stderr)")
        let ended = try Self.accessEnded(socket: station.socket)
        #expect(
            ended.count == 1 && ended.first?["mode"] == "play" && ended.first?["reason"]?.contains("trash") == true,
            "\(ended)")
    }

    /// Opens export N as its writer would, reads 1 MiB, waits for a line, then reads twice more and
    /// prints each outcome: `read BYTES` or `error CODE MESSAGE`.
    static let readerScript = #"""
        import json, socket, sys
        def call(request):
            # A connection per request: the daemon drops one left idle past its peer timeout, and a
            # view belongs to the uid, not to the connection.
            connection = socket.socket(socket.AF_UNIX)
            connection.connect(sys.argv[1])
            stream = connection.makefile("rb")
            request["v"] = 1
            connection.sendall((json.dumps(request) + "\n").encode())
            answer = json.loads(stream.readline())
            data = stream.read(answer.get("data_length", 0)) if answer.get("data_length") else b""
            connection.close()
            if not answer["ok"]:
                return "error %s %s" % (answer["error"]["code"], answer["error"]["message"])
            return answer, data
        opened = call({"request": "export.open", "export": int(sys.argv[2])})
        if isinstance(opened, str):
            print(opened, flush=True)
            sys.exit(1)
        view = opened[0]["export"]["views"][0]["id"]
        def read(offset):
            outcome = call({"request": "view.read", "view": view, "offset": offset, "length": 1 << 20})
            print(outcome if isinstance(outcome, str) else "read %d" % len(outcome[1]), flush=True)
        read(0)
        sys.stdin.readline()
        read(1 << 20)
        read(2 << 20)
        """#

    /// A player: one range, then (after a line on standard input) the rest; prints each status and
    /// what came with it.
    static let playerScript = #"""
        import sys, urllib.error, urllib.request
        url = sys.argv[1]
        def get(range_header):
            request = urllib.request.Request(url, headers={"Range": range_header})
            try:
                with urllib.request.urlopen(request) as response:
                    return "%d %d" % (response.status, len(response.read()))
            except urllib.error.HTTPError as error:
                return "%d %s" % (error.code, error.read().decode().strip())
        print(get("bytes=0-99"), flush=True)
        sys.stdin.readline()
        print(get("bytes=1048576-"), flush=True)
        """#
}
