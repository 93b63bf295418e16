import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Nobody can starve the socket or flood the audit log (DESIGN §15), end to end: a real daemon, a
/// member of the socket group with no role (`cte-mallory`) flooding it from a process of its own
/// through `setpriv`, while root and another user are served. Root only (useradd, setpriv).
@Suite(
    .serialized, .enabled(if: geteuid() == 0, "creating Unix users and switching to them needs root (CI runs as root)"))
struct SocketFloodEndToEndTests {
    typealias U = UnixUsers

    /// The flooder: speaks the protocol with plain sockets, reports each phase as a JSON line, and
    /// waits for the test's word (a line on standard input) between phases.
    static let floodScript = #"""
        import json, select, socket, sys, time

        path, mode = sys.argv[1], sys.argv[2]

        def out(value):
            print(json.dumps(value), flush=True)

        def connect():
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s

        def send(s, data):
            try:
                s.sendall(data)
            except OSError:
                pass  # a refused connection may be closed already; its line is still there to read

        def read_line(s):
            s.settimeout(20)
            data = b""
            while not data.endswith(b"\n"):
                try:
                    chunk = s.recv(65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                data += chunk
            return json.loads(data) if data.strip() else None

        def served(s):
            send(s, b'{"v":1,"request":"whoami"}\n')
            return bool((read_line(s) or {}).get("ok"))

        def code(answer):
            return (answer or {}).get("error", {}).get("code")

        if mode in ("starve", "hold"):
            # 200 connections, each held once it is served (a whoami proves it); the others are
            # counted by the code of their one line.
            held, refused, messages, other = [], {}, {}, []
            for _ in range(200):
                s = connect()
                send(s, b'{"v":1,"request":"whoami"}\n')
                answer = read_line(s)
                if answer and answer.get("ok"):
                    held.append(s)
                    continue
                if code(answer):
                    refused[code(answer)] = refused.get(code(answer), 0) + 1
                    messages[code(answer)] = answer["error"]["message"]
                else:
                    other.append(answer)
                s.close()
            out({"held": len(held), "refused": refused, "messages": messages, "other": other})
            sys.stdin.readline()
            for s in held:
                s.close()
            if mode == "hold":
                sys.exit(0)
            # Once a new connection is served, the server has seen the closes.
            while not served(connect()):
                pass
            # 100 slow-loris connections: a byte each per tick of the test, never a newline.
            lorises = {connect(): b"" for _ in range(100)}
            dropped = limited = sent = 0
            out({"lorises": len(lorises)})
            while lorises and sys.stdin.readline():
                for s in list(lorises):
                    try:
                        s.send(b"{" if not lorises[s] else b" ")
                        lorises[s] += b"."
                        sent += 1
                    except OSError:
                        pass
                deadline = time.monotonic() + 0.25
                while lorises and time.monotonic() < deadline:
                    ready, _, _ = select.select(list(lorises), [], [], max(0, deadline - time.monotonic()))
                    if not ready:
                        break
                    for s in ready:
                        try:
                            data = s.recv(65536)
                        except OSError:
                            data = b""
                        if b'"limited"' in data:
                            limited += 1
                        elif not data:
                            dropped += 1
                        else:
                            continue
                        del lorises[s]
                        s.close()
                out({"open": len(lorises), "dropped": dropped, "limited": limited, "sent": sent})
            # Every slot came back: served again.
            out({"served_after": served(connect())})

        if mode == "refuse":
            s = connect()
            end = time.monotonic() + float(sys.argv[3])
            counts = {"denied": 0, "unknown": 0, "other": []}
            while time.monotonic() < end:
                s.sendall(b'{"v":1,"request":"list"}\n')
                answer = read_line(s)
                if code(answer) == "forbidden":
                    counts["denied"] += 1
                else:
                    counts["other"].append(answer)
                s.sendall(b'{"v":1,"request":"nope"}\n')
                answer = read_line(s)
                if code(answer) == "badRequest":
                    counts["unknown"] += 1
                else:
                    counts["other"].append(answer)
            out(counts)
        """#

    /// A station whose socket the test users may reach, with `control` in its `[control]` table.
    static func station(control: String) throws -> (DockStation, DaemonProcess, String) {
        try U.ensureUser("cte-mallory")
        try U.ensureUser("cte-bob")
        let station = try DockStation()
        try station.configure(
            wipe: false, controlGroup: U.socketGroup, allowedGroups: [U.socketGroup], control: control)
        chmod(station.directory.path, 0o755)
        let script = station.directory.file("flood.py")
        try Data(floodScript.utf8).write(to: URL(fileURLWithPath: script))
        chmod(script, 0o644)
        let daemon = try station.start()
        for arguments in [
            ["unit", "add", "SOUTH", "--name", "south"],
            ["person", "add", "P2", "--name", "Bob", "--unit", "SOUTH", "--account", "cte-bob"],
        ] {
            let result = try U.custody(as: nil, socket: station.socket, arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        return (station, daemon, script)
    }

    /// The flood script as `cte-mallory`.
    static func flooder(_ script: String, _ station: DockStation, _ arguments: String...) throws -> LineReadingProcess {
        try LineReadingProcess(
            "/usr/bin/setpriv",
            [
                "--reuid", "cte-mallory", "--regid", U.socketGroup, "--init-groups", "--", "/usr/bin/python3", script,
                station.socket,
            ] + arguments, acceptsInput: true)
    }

    static func object(_ line: String?) throws -> [String: Any] {
        let line = try #require(line, "the flood script ended early")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
    }

    /// `custody status` as `user` (nil: root): whether it answered, and how long it took.
    static func timedStatus(as user: String?, _ station: DockStation) throws -> (
        ok: Bool, seconds: Double, stderr: String
    ) {
        let started = ContinuousClock.now
        let result = try U.custody(as: user, socket: station.socket, "status")
        let elapsed = ContinuousClock.now - started
        return (
            result.status == 0,
            Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, result.stderr
        )
    }

    @Test func heldAndSlowLorisConnectionsOfOneCallerStarveNobody() throws {
        let (station, daemon, script) = try Self.station(
            control: "request_timeout_seconds = 2\nidle_timeout_seconds = 120")
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let flood = try Self.flooder(script, station, "starve")

        // 200 connections held: eight are served and stay open, every other one is told the limit.
        let starve = try Self.object(flood.nextLine())
        #expect(starve["held"] as? Int == 8)
        #expect(starve["refused"] as? [String: Int] == ["limited": 192], "\(starve)")
        #expect((starve["other"] as? [Any])?.isEmpty == true, "\(starve)")
        let message = (starve["messages"] as? [String: String])?["limited"]
        #expect(message?.contains("control.max_connections_per_caller") == true, "\(starve)")
        let rootHeld = try Self.timedStatus(as: nil, station)
        #expect(rootHeld.ok, "\(rootHeld.stderr)")
        #expect(rootHeld.seconds < 5, "root's status took \(rootHeld.seconds) s under the flood")
        let bobHeld = try Self.timedStatus(as: "cte-bob", station)
        #expect(bobHeld.ok, "another caller is served too: \(bobHeld.stderr)")

        // 100 slow-loris connections, a byte each per tick, until the server dropped or refused them all.
        flood.send("release")
        #expect(try Self.object(flood.nextLine())["lorises"] as? Int == 100)
        var tick: [String: Any] = [:]
        var rootLoris: (ok: Bool, seconds: Double, stderr: String)?
        for number in 1...200 {
            flood.send("tick")
            tick = try Self.object(flood.nextLine())
            if number == 2 { rootLoris = try Self.timedStatus(as: nil, station) }
            if tick["open"] as? Int == 0 { break }
        }
        #expect(tick["open"] as? Int == 0, "every slow-loris connection ended: \(tick)")
        let dropped = tick["dropped"] as? Int ?? 0
        #expect(dropped >= 1 && dropped <= 8, "the served ones were dropped by the line deadline: \(tick)")
        #expect(dropped + (tick["limited"] as? Int ?? 0) == 100, "\(tick)")
        // `sent` counts the bytes the server took (a refused connection takes none): several per
        // served connection, each tick well within the idle timeout, and still the line's deadline ended them.
        #expect((tick["sent"] as? Int ?? 0) > dropped * 3, "they kept sending as they were dropped: \(tick)")
        #expect(rootLoris?.ok == true)
        #expect(
            (rootLoris?.seconds ?? 99) < 5,
            "root's status took \(rootLoris?.seconds ?? -1) s under the slow-loris flood")
        #expect(try Self.object(flood.nextLine())["served_after"] as? Bool == true, "the slots came back")
        #expect(flood.wait() == 0)
        print(
            "socket flood: root status \(rootHeld.seconds) s with 200 held, \(rootLoris?.seconds ?? -1) s with 100 slow-loris"
        )
    }

    @Test func theConnectionsKeptForAdministratorsServeThemWhenEveryOtherIsTaken() throws {
        try U.ensureUser("cte-admin", groups: ["custody-admin"])
        // Nine connections, one kept for administrators: mallory's eight fill the rest.
        let (station, daemon, script) = try Self.station(
            control: "max_connections = 9\nreserved_admin_connections = 1\nidle_timeout_seconds = 120")
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let flood = try Self.flooder(script, station, "hold")
        let hold = try Self.object(flood.nextLine())
        #expect(hold["held"] as? Int == 8)
        #expect(hold["refused"] as? [String: Int] == ["busy": 192], "\(hold)")
        let busy = (hold["messages"] as? [String: String])?["busy"] ?? ""
        #expect(busy.contains("control.reserved_admin_connections 1"), "\(busy)")

        // Bob, no administrator, finds every connection he may take taken, and is told so at once.
        let bob = try U.custody(as: "cte-bob", socket: station.socket, "status")
        #expect(bob.status != 0 && bob.stderr.contains("kept for administrators"), "\(bob.stderr)")
        // A member of custody-admin (from the kernel's groups) and root take the kept one, in turn.
        let admin = try Self.timedStatus(as: "cte-admin", station)
        #expect(admin.ok, "\(admin.stderr)")
        let root = try Self.timedStatus(as: nil, station)
        #expect(root.ok && root.seconds < 5, "\(root)")
        flood.send("release")
        #expect(flood.wait() == 0)
    }

    @Test func aTenSecondRefusalFloodWritesAFewEntriesThatCountEveryRefusal() throws {
        let (station, daemon, script) = try Self.station(control: "")
        let flood = try Self.flooder(script, station, "refuse", "10")
        let counts = try Self.object(flood.nextLine())
        _ = flood.wait()
        let bob = try Self.timedStatus(as: "cte-bob", station)
        #expect(bob.ok, "\(bob.stderr)")
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0)
        let denied = counts["denied"] as? Int ?? 0
        let unknown = counts["unknown"] as? Int ?? 0
        #expect((counts["other"] as? [Any])?.isEmpty == true, "\(counts)")
        #expect(denied > 100 && unknown > 100, "\(counts)")

        // After the stop, so the entries owed for the counted refusals are written too.
        func rows(_ action: String) throws -> (rows: Int, refusals: Int) {
            let result = try run(
                "/usr/bin/sqlite3",
                [
                    "-json", station.directory.file("state/catalog.sqlite"),
                    "SELECT count(*) AS rows, coalesce(sum(CAST(json_extract(detail, '$.refusals') AS INTEGER)), 0) AS refusals FROM audit WHERE action = '\(action)' AND actor LIKE '%cte-mallory%'",
                ])
            let object = try #require(
                (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])?.first)
            return (object["rows"] as? Int ?? -1, object["refusals"] as? Int ?? -1)
        }
        let deniedRows = try rows("access.denied")
        let unknownRows = try rows("control.request")
        #expect(deniedRows.rows >= 1 && deniedRows.rows <= 3, "\(deniedRows)")
        #expect(deniedRows.refusals == denied, "every refusal counted: \(deniedRows) for \(denied)")
        #expect(unknownRows.rows >= 1 && unknownRows.rows <= 3, "\(unknownRows)")
        #expect(unknownRows.refusals == unknown, "every unknown request counted: \(unknownRows) for \(unknown)")
        let verified = try custodyd("audit", "verify", "--state", station.state)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        print(
            "refusal flood: \(denied) denied + \(unknown) unknown requests in 10 s -> \(deniedRows.rows) + \(unknownRows.rows) audit rows (\(Double(deniedRows.rows + unknownRows.rows) / 10) rows/s)"
        )
    }
}
