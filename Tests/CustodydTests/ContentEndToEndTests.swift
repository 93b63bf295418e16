import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Playback and export end to end, as real Unix users on a running daemon: a reviewer plays and seeks
/// through a recording served from loopback and gets the exact bytes, no plaintext lands on disk, an
/// officer is refused another's item, each view is audited; an export is approved by another person,
/// written once as a bag that stock bagit-python validates, and tampering with it is caught.
@Suite(.serialized, .enabled(if: geteuid() == 0, "creating Unix users and switching to them needs root (CI runs as root)"))
struct ContentEndToEndTests {
    typealias U = UnixUsers
    static let marker = "CUSTODY-PLAINTEXT-MARKER-7f3a"

    /// A station with one real MP4 of P1's (a marker in its content) imported, people registered and
    /// carol a reviewer of NORTH.
    static func station() throws -> (DockStation, DaemonProcess, String, String) {
        let (station, daemon, items) = try stationWithItems()
        let (id, sha256) = try #require(items["DEV0001_P1_20240501100000_0001.MP4"])
        return (station, daemon, id, sha256)
    }

    /// The station, with a 3 MiB file of P1's besides the MP4: several 1 MiB segments. Items by name.
    static func stationWithItems() throws -> (DockStation, DaemonProcess, [String: (String, String)]) {
        try AccessEndToEndTests.prepareUsers()
        let station = try DockStation()
        try station.configure(wipe: false, controlGroup: U.socketGroup, allowedGroups: [U.socketGroup])
        let card = station.directory.file("card")
        try FileManager.default.createDirectory(atPath: card, withIntermediateDirectories: true)
        let name = "DEV0001_P1_20240501100000_0001.MP4"
        let made = try run(
            "/usr/bin/ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                "-t", "4", "-c:v", "mpeg4", "-g", "10", card + "/" + name,
            ])
        #expect(made.status == 0, "\(made.stderr)")
        // The marker goes into a `free` box at the end: content every player skips and probing never
        // records, so finding it anywhere is finding plaintext.
        let box = withUnsafeBytes(of: UInt32(8 + marker.utf8.count).bigEndian) { Array($0) } + Array("free".utf8)
            + Array(marker.utf8)
        let handle = try #require(FileHandle(forWritingAtPath: card + "/" + name))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(box))
        try handle.close()
        try Data(testBytes(count: 3 << 20, seed: 42)).write(to: URL(fileURLWithPath: card + "/DEV0001_P1_20240501100500_0002.DAT"))
        let imported = try custodyd("import", "--state", station.state, "--device", "READER9", card)
        #expect(imported.status == 0, "\(imported.stderr)")
        chmod(station.directory.path, 0o755)
        let daemon = try station.start()
        try AccessEndToEndTests.seed(station.socket)
        let list = try U.json(as: nil, socket: station.socket, "list") as? [String: Any]
        var items: [String: (String, String)] = [:]
        for item in list?["items"] as? [[String: Any]] ?? [] {
            let path = (item["source"] as! [String: Any])["path"] as! String
            items[path] = (item["id"] as! String, item["sha256"] as! String)
        }
        return (station, daemon, items)
    }

    @Test func aReviewerPlaysAndSeeksWithNoPlaintextOnDiskAndEachViewIsAudited() throws {
        let (station, daemon, id, sha256) = try Self.station()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let started = Date()
        // cat: the exact bytes, to a pipe.
        let catBytes = try run("/bin/sh", ["-c", "setpriv --reuid cte-carol --regid \(U.socketGroup) --init-groups -- \(BuiltProducts.directory.path)/custody cat \(id) --socket \(station.socket) | sha256sum"])
        #expect(catBytes.stdout.hasPrefix(sha256), "\(catBytes.stdout) \(catBytes.stderr)")

        // A player that fetches the whole stream and ranges of it, as HTTP clients do.
        let fetcher = station.directory.file("fetch.py")
        try Data(Self.fetchScript.utf8).write(to: URL(fileURLWithPath: fetcher))
        chmod(fetcher, 0o644)
        let fetched = try U.custody(as: "cte-carol", socket: station.socket, "play", id, "--player", "python3 \(fetcher) {url}")
        #expect(fetched.status == 0, "\(fetched.stderr)")
        let results = try #require(try JSONSerialization.jsonObject(with: Data(fetched.stdout.utf8)) as? [String: Any])
        #expect(results["full"] as? String == sha256)
        #expect(results["range_ok"] as? Bool == true)
        #expect(results["suffix_ok"] as? Bool == true)
        #expect(results["unsatisfiable"] as? Int == 416)
        #expect(results["wrong_token"] as? Int == 404)
        // A real demuxer seeking through the served stream.
        let seek = try U.custody(
            as: "cte-carol", socket: station.socket, "play", id, "--player", "ffmpeg -v error -ss 2 -i {url} -f null -")
        #expect(seek.status == 0, "\(seek.stderr)")

        // An officer is refused another officer's item; bob's refusal is on record.
        let refused = try U.custody(as: "cte-bob", socket: station.socket, "cat", id)
        #expect(refused.status == 2 && refused.stderr.contains("outside what you may see"), "\(refused.stderr)")

        // Each view: started and ended, with who and the bytes served.
        let ended = try U.json(as: nil, socket: station.socket, "audit", "log", "--action", "view.ended", "--limit", "1000")
            as? [[String: Any]] ?? []
        let details = ended.compactMap { $0["detail_text"] as? String }
        #expect(details.count == 3)
        // The same detail as an object for tools: numbers by the vocabulary's types.
        let typed = ended.compactMap { $0["detail"] as? [String: Any] }
        #expect(typed.count == 3 && typed.allSatisfy { $0["bytes"] is NSNumber && $0["seconds"] is NSNumber })
        #expect(typed.allSatisfy { $0["principal"] as? String == "R1" })
        #expect(details.allSatisfy { $0.contains("\"principal\":\"R1\"") && $0.contains("\"outcome\":\"closed\"") })
        #expect(details.contains { $0.contains("\"mode\":\"cat\"") && $0.contains("\"bytes\":\"") })
        let startedViews = try U.json(as: nil, socket: station.socket, "audit", "log", "--action", "view.started") as? [Any]
        #expect(startedViews?.count == 3)

        // No file written since the test started holds the plaintext, outside the camera's card.
        let leaks = try Self.filesContaining(Self.marker, under: ["/tmp", station.directory.path], since: started)
            .filter { !$0.hasPrefix(station.directory.file("card")) }
        #expect(leaks.isEmpty, "plaintext found in \(leaks)")
        // The scan does find the marker where it is: in the camera's own file.
        #expect(try Self.filesContaining(Self.marker, under: [station.directory.file("card")], since: .distantPast).count == 1)
    }

    @Test func anExportIsApprovedByAnotherWrittenOnceValidatesAndTamperingIsCaught() throws {
        let (station, daemon, id, sha256) = try Self.station()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let requested = try U.json(
            as: "cte-carol", socket: station.socket, "export", "request", id, "--recipient", "District Attorney",
            "--purpose", "case 2024-001") as? [String: Any]
        let export = try #require(requested?["id"] as? Int)
        let own = try U.custody(as: "cte-carol", socket: station.socket, "export", "approve", "\(export)")
        #expect(own.status == 2 && own.stderr.contains("own export request"), "\(own.stderr)")
        let early = try U.custody(as: "cte-carol", socket: station.socket, "export", "write", "\(export)", "--to", "/tmp/never")
        #expect(early.status == 2)
        #expect(try U.custody(as: nil, socket: station.socket, "export", "approve", "\(export)").status == 0)

        let outbox = station.directory.file("outbox")
        try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
        _ = try run("/bin/chown", ["cte-carol", outbox])
        let bag = outbox + "/case-2024-001"
        let written = try U.custody(as: "cte-carol", socket: station.socket, "export", "write", "\(export)", "--to", bag)
        #expect(written.status == 0, "\(written.stderr)")
        let again = try U.custody(as: "cte-carol", socket: station.socket, "export", "write", "\(export)", "--to", bag + "-2")
        #expect(again.status == 2 && again.stderr.contains("is written"), "\(again.stderr)")

        // Stock bagit-python, the payload's hash, and our own verifier against the chain.
        let stock = try run("/usr/bin/env", ["python3", "-m", "bagit", "--validate", bag])
        #expect(stock.status == 0, "\(stock.stdout)\(stock.stderr)")
        let payload = try FileManager.default.contentsOfDirectory(atPath: bag + "/data")
        #expect(payload == ["DEV0001_P1_20240501100000_0001.MP4"])
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: bag + "/data/" + payload[0])))
        #expect(sha256Hex(bytes) == sha256)
        let verified = try U.custody(as: nil, socket: station.socket, "export", "verify", bag)
        #expect(verified.status == 0 && verified.stdout.contains("match the custodian's chain"), "\(verified.stdout)")
        let writtenEntries = try U.json(as: nil, socket: station.socket, "audit", "log", "--action", "export.written") as? [[String: Any]]
        let manifestHash = sha256Hex(try Array(Data(contentsOf: URL(fileURLWithPath: bag + "/manifest-sha256.txt"))))
        #expect((writtenEntries?.first?["detail_text"] as? String)?.contains(manifestHash) == true)

        // One payload byte changed: caught. One audit line changed: caught.
        let tampered = outbox + "/tampered"
        _ = try run("/bin/cp", ["-a", bag, tampered])
        var altered = bytes
        altered[altered.count / 2] ^= 0x01
        try Data(altered).write(to: URL(fileURLWithPath: tampered + "/data/" + payload[0]))
        let payloadCheck = try U.custody(as: nil, socket: station.socket, "export", "verify", tampered, "--offline")
        #expect(payloadCheck.status == 1 && payloadCheck.stdout.contains("changed since it was bagged"), "\(payloadCheck.stdout)")
        let edited = outbox + "/edited"
        _ = try run("/bin/cp", ["-a", bag, edited])
        let trail = edited + "/custody/items/\(id).audit.jsonl"
        let text = try String(contentsOfFile: trail, encoding: .utf8)
        try text.replacingOccurrences(of: "READER9", with: "READER8").write(toFile: trail, atomically: false, encoding: .utf8)
        let trailCheck = try U.custody(as: nil, socket: station.socket, "export", "verify", edited, "--offline")
        #expect(trailCheck.status == 1 && trailCheck.stdout.contains("does not match its hash"), "\(trailCheck.stdout)")
    }

    @Test(.enabled(if: geteuid() == 0, "mounting a size-limited tmpfs needs root (CI runs as root)"))
    func aDamagedObjectStopsAtItsSegmentAndAFullDiskLeavesNoHalfBag() throws {
        let (station, daemon, items) = try Self.stationWithItems()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let (id, _) = try #require(items["DEV0001_P1_20240501100500_0002.DAT"])

        // A full disk: the write fails saying so, nothing is left under the bag's name or beside it,
        // and a retry after freeing space writes the bag.
        let requested = try U.json(
            as: nil, socket: station.socket, "export", "request", id, "--recipient", "Court", "--purpose", "appeal")
            as? [String: Any]
        let export = try #require(requested?["id"] as? Int)
        #expect(try U.custody(as: "cte-admin", socket: station.socket, "export", "approve", "\(export)").status == 0)
        let small = station.directory.file("small")
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        let mount = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", small])
        try #require(mount.status == 0, "mount: \(mount.stderr)")
        defer { _ = try? run("/bin/umount", ["-l", small]) }
        let full = try U.custody(as: nil, socket: station.socket, "export", "write", "\(export)", "--to", small + "/bag")
        #expect(full.status == 2 && full.stderr.contains("free space"), "\(full.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: small).isEmpty)
        let retried = try U.custody(
            as: nil, socket: station.socket, "export", "write", "\(export)", "--to", station.directory.file("bag"))
        #expect(retried.status == 0, "\(retried.stderr)")

        // One bit of the object's second segment flipped: cat serves nothing past what verified, and
        // says where and what to do.
        let shown = try custodyd("show", id, "--state", station.state)
        let objectLine = try #require(shown.stdout.split(separator: "\n").first { $0.hasPrefix("object") })
        let object = String(objectLine.split(separator: " ").last!)
        var sealed = try Array(Data(contentsOf: URL(fileURLWithPath: object)))
        sealed[(1 << 20) + (1 << 19)] ^= 0x04
        try Data(sealed).write(to: URL(fileURLWithPath: object))
        let damaged = try run(
            "/bin/sh", ["-c", "\(BuiltProducts.directory.path)/custody cat \(id) --socket \(station.socket) | wc -c"])
        let served = Int(damaged.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        #expect(served >= 0 && served <= 1 << 20, "served \(served) bytes of a damaged object")
        #expect(damaged.stderr.contains("verify --deep"), "\(damaged.stderr)")
        let cat = try run(BuiltProducts.directory.path + "/custody", ["cat", id, "--socket", station.socket])
        #expect(cat.status == 2)
        let failed = try U.json(as: nil, socket: station.socket, "audit", "log", "--action", "view.ended", "--limit", "1000")
            as? [[String: Any]] ?? []
        #expect(failed.contains { ($0["detail_text"] as? String)?.contains("\"outcome\":\"failed\"") == true })
    }

    /// Paths of regular files under `roots` modified since `date` whose bytes contain `marker`.
    static func filesContaining(_ marker: String, under roots: [String], since date: Date) throws -> [String] {
        let needle = Data(marker.utf8)
        var found: [String] = []
        for root in roots {
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            while let relative = walker.nextObject() as? String {
                let path = root + "/" + relative
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                    attributes[.type] as? FileAttributeType == .typeRegular,
                    (attributes[.modificationDate] as? Date ?? .distantPast) >= date,
                    (attributes[.size] as? Int ?? 0) < 512 << 20,
                    let data = FileManager.default.contents(atPath: path)
                else { continue }
                if data.range(of: needle) != nil { found.append(path) }
            }
        }
        return found
    }

    /// A stand-in player: fetches the stream whole and in ranges and prints what it got, in memory.
    static let fetchScript = #"""
        import hashlib, json, sys, urllib.error, urllib.request
        url = sys.argv[1]
        def get(headers=None, target=url):
            request = urllib.request.Request(target, headers=headers or {})
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status, response.read()
            except urllib.error.HTTPError as error:
                return error.code, b""
        _, full = get()
        status, middle = get({"Range": "bytes=100-199"})
        _, tail = get({"Range": "bytes=-50"})
        unsatisfiable, _ = get({"Range": "bytes=%d-" % (len(full) + 10)})
        wrong, _ = get(target=url.replace(url.split("/")[3], "0" * 64))
        print(json.dumps({
            "full": hashlib.sha256(full).hexdigest(),
            "range_ok": status == 206 and middle == full[100:200],
            "suffix_ok": tail == full[-50:],
            "unsatisfiable": unsatisfiable,
            "wrong_token": wrong,
        }))
        """#
}
