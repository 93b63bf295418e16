import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An export's bag is bound to its record (DESIGN §15), end to end as real Unix users on a running
/// daemon: bags forged by someone who held them — re-hashed with stock bagit-python so every
/// manifest checks — fail `custody export verify`; a client that finishes with another manifest is
/// refused and nothing is recorded; and a `custody export write` killed at any step leaves no
/// plaintext once the next write into that directory ran.
@Suite(
    .serialized, .enabled(if: geteuid() == 0, "creating Unix users and switching to them needs root (CI runs as root)"))
struct ExportBindingEndToEndTests {
    typealias U = UnixUsers
    static let carol = "cte-carol"

    /// An export of `items` requested by carol (a reviewer) and approved by root (an administrator).
    static func approvedExport(_ station: DockStation, _ items: [String], purpose: String = "case 2024-001") throws
        -> Int
    {
        let requested = try U.custody(
            as: carol, socket: station.socket,
            ["export", "request"] + items + ["--recipient", "District Attorney", "--purpose", purpose, "--json"])
        try #require(requested.status == 0, "\(requested.stderr)")
        let answer = try JSONSerialization.jsonObject(with: Data(requested.stdout.utf8)) as? [String: Any]
        let export = try #require(answer?["id"] as? Int)
        let approved = try U.custody(as: nil, socket: station.socket, "export", "approve", "\(export)")
        try #require(approved.status == 0, "\(approved.stderr)")
        return export
    }

    /// A directory carol may write bags into.
    static func outbox(_ station: DockStation) throws -> String {
        let outbox = station.directory.file("outbox")
        try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
        _ = try run("/bin/chown", [carol, outbox])
        return outbox
    }

    /// Regenerates every manifest and tag manifest of `bag` with stock bagit-python, as anyone who
    /// held the bag could, and checks that bagit-python now calls it valid.
    static func rehash(_ bag: String) throws {
        let saved = try run(
            "/usr/bin/env", ["python3", "-c", "import bagit, sys; bagit.Bag(sys.argv[1]).save(manifests=True)", bag])
        #expect(saved.status == 0, "\(saved.stderr)")
        let stock = try run("/usr/bin/env", ["python3", "-m", "bagit", "--validate", bag])
        #expect(stock.status == 0, "bagit-python should be fooled: \(stock.stderr)")
    }

    static func copy(_ bag: String, to name: String) throws -> String {
        let copy = URL(fileURLWithPath: bag).deletingLastPathComponent().appendingPathComponent(name).path
        #expect(try run("/bin/cp", ["-a", bag, copy]).status == 0)
        return copy
    }

    static func verify(_ station: DockStation, _ bag: String, offline: Bool = false) throws -> ProcessResult {
        try U.custody(as: nil, socket: station.socket, ["export", "verify", bag] + (offline ? ["--offline"] : []))
    }

    /// `setpriv` arguments that run `custody export write EXPORT --to TARGET --progress` as carol.
    static func writer(_ station: DockStation, _ export: Int, _ target: String) -> [String] {
        let custody = BuiltProducts.directory.appendingPathComponent("custody").path
        return [
            "--reuid", carol, "--regid", U.socketGroup, "--init-groups", "--", custody, "export", "write", "\(export)",
            "--to", target, "--progress", "--socket", station.socket,
        ]
    }

    @Test func forgedBagsFailVerifyAgainstTheRecordAndTheChain() throws {
        let (station, daemon, items) = try ContentEndToEndTests.stationWithItems()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let (mp4, mp4SHA256) = try #require(items["DEV0001_P1_20240501100000_0001.MP4"])
        let (dat, _) = try #require(items["DEV0001_P1_20240501100500_0002.DAT"])
        let outbox = try Self.outbox(station)
        let first = try Self.approvedExport(station, [mp4])
        let second = try Self.approvedExport(station, [dat], purpose: "case 2024-002")
        let bag = outbox + "/first"
        let other = outbox + "/second"
        for (export, target) in [(first, bag), (second, other)] {
            let written = try U.custody(
                as: Self.carol, socket: station.socket, "export", "write", "\(export)", "--to", target)
            try #require(written.status == 0, "\(written.stderr)")
        }
        // The genuine bag: intact online and offline, and the record holds the expected manifest.
        let genuine = try Self.verify(station, bag)
        #expect(genuine.status == 0 && genuine.stdout.contains("bag intact"), "\(genuine.stdout)")
        #expect(try Self.verify(station, bag, offline: true).status == 0)
        let exports = try U.json(as: nil, socket: station.socket, "export", "list") as? [[String: Any]] ?? []
        let record = try #require(exports.first { $0["id"] as? Int == first })
        let manifestHash = sha256Hex(try Array(Data(contentsOf: URL(fileURLWithPath: bag + "/manifest-sha256.txt"))))
        #expect(record["manifest_sha256"] as? String == manifestHash)
        #expect(record["expected_manifest_sha256"] as? String == manifestHash)

        // (a) A payload byte flipped, the item's metadata given the new hash, manifests regenerated.
        let payload = try #require(try FileManager.default.contentsOfDirectory(atPath: bag + "/data").first)
        let flipped = try Self.copy(bag, to: "flipped")
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: flipped + "/data/" + payload)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: flipped + "/data/" + payload))
        let metadata = flipped + "/custody/items/\(mp4).json"
        try String(contentsOfFile: metadata, encoding: .utf8).replacingOccurrences(
            of: mp4SHA256, with: sha256Hex(bytes)
        )
        .write(toFile: metadata, atomically: false, encoding: .utf8)
        try Self.rehash(flipped)
        let flippedOnline = try Self.verify(station, flipped)
        #expect(
            flippedOnline.status == 1 && flippedOnline.stdout.contains("PROBLEM  manifest-sha256.txt"),
            "\(flippedOnline.stdout)")
        #expect(!flippedOnline.stdout.contains("bag intact"))
        let flippedOffline = try Self.verify(station, flipped, offline: true)
        #expect(
            flippedOffline.status == 1 && flippedOffline.stdout.contains("its item.stored entry recorded at ingest"),
            "\(flippedOffline.stdout)")

        // (b1) An extra payload file, manifests regenerated.
        let extra = try Self.copy(bag, to: "extra")
        try Data("not evidence".utf8).write(to: URL(fileURLWithPath: extra + "/data/extra.txt"))
        try Self.rehash(extra)
        let extraOnline = try Self.verify(station, extra)
        #expect(extraOnline.status == 1 && extraOnline.stdout.contains("holds 2 files"), "\(extraOnline.stdout)")

        // (b2) Another export's items swapped in, under this export's bag-info.
        let swapped = try Self.copy(bag, to: "swapped")
        for directory in ["data", "custody/items"] {
            try FileManager.default.removeItem(atPath: swapped + "/" + directory)
            #expect(try run("/bin/cp", ["-a", other + "/" + directory, swapped + "/" + directory]).status == 0)
        }
        try Self.rehash(swapped)
        let swappedOnline = try Self.verify(station, swapped)
        #expect(
            swappedOnline.status == 1 && swappedOnline.stdout.contains("item \(dat) is not in export \(first)")
                && swappedOnline.stdout.contains("missing: item \(mp4) is in export \(first)"),
            "\(swappedOnline.stdout)")

        // (b3) One audit line dropped, from the excerpt and from the item's metadata, tags regenerated.
        let dropped = try Self.copy(bag, to: "dropped")
        let trail = dropped + "/custody/items/\(mp4).audit.jsonl"
        var lines = try String(contentsOfFile: trail, encoding: .utf8).split(separator: "\n").map(String.init)
        try #require(lines.count >= 3)
        let gone = lines.remove(at: 1)
        try (lines.joined(separator: "\n") + "\n").write(toFile: trail, atomically: false, encoding: .utf8)
        let goneSeq = try #require(
            (try JSONSerialization.jsonObject(with: Data(gone.utf8)) as? [String: Any])?["seq"] as? Int)
        var detail = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: dropped + "/custody/items/\(mp4).json"))) as? [String: Any])
        detail["audit"] = (detail["audit"] as? [[String: Any]] ?? []).filter { $0["seq"] as? Int != goneSeq }
        try JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys])
            .write(to: URL(fileURLWithPath: dropped + "/custody/items/\(mp4).json"))
        try Self.rehash(dropped)
        let droppedOnline = try Self.verify(station, dropped)
        #expect(
            droppedOnline.status == 1 && droppedOnline.stdout.contains("entry \(goneSeq)")
                && droppedOnline.stdout.contains("a line was dropped"), "\(droppedOnline.stdout)")

        // (c) A client that finishes with a manifest of its own: refused, audited, not recorded.
        let third = try Self.approvedExport(station, [mp4], purpose: "case 2024-003")
        let client = try ControlClient(path: station.socket)
        try client.request(["v": 1, "request": "export.open", "export": third])
        let opened = try #require(try client.response())
        #expect(opened["ok"] as? Bool == true, "\(opened)")
        let zeros = String(repeating: "0", count: 64)
        try client.request(["v": 1, "request": "export.finish", "export": third, "manifest": zeros])
        let refused = try #require(try client.response())
        #expect(refused["ok"] as? Bool == false, "\(refused)")
        #expect(
            ((refused["error"] as? [String: Any])?["message"] as? String)?.contains("not recorded as written") == true,
            "\(refused)")
        let after = try U.json(as: nil, socket: station.socket, "export", "list") as? [[String: Any]] ?? []
        let thirdRecord = try #require(after.first { $0["id"] as? Int == third })
        #expect(thirdRecord["state"] as? String == "opened" && thirdRecord["manifest_sha256"] == nil)
        let written =
            try U.json(as: nil, socket: station.socket, "audit", "log", "--action", "export.written")
            as? [[String: Any]] ?? []
        #expect(written.count == 2)
        #expect(!written.contains { ($0["detail_text"] as? String)?.contains(zeros) == true })
        let failed =
            try U.json(as: nil, socket: station.socket, "audit", "log", "--action", "request.failed", "--limit", "1000")
            as? [[String: Any]] ?? []
        #expect(
            failed.contains {
                let text = $0["detail_text"] as? String ?? ""
                return text.contains("\"request\":\"export.finish\"") && text.contains(zeros)
                    && text.contains("\"export\":\"\(third)\"")
            }, "\(failed)")
    }

    @Test func aKilledExportWriteLeavesNoPlaintextOnceTheNextWriteRan() throws {
        let (station, daemon, items) = try ContentEndToEndTests.stationWithItems()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let ids = try ["DEV0001_P1_20240501100000_0001.MP4", "DEV0001_P1_20240501100500_0002.DAT"].map {
            try #require(items[$0]).0
        }
        let outbox = try Self.outbox(station)
        func writer(_ export: Int, _ target: String) -> [String] { Self.writer(station, export, target) }
        // A whole run first, to learn the steps it prints: the partial, each MiB, tags, recorded, renamed.
        let probe = try Self.approvedExport(station, ids)
        let (lines, status) = try LineReadingProcess.lines(of: "/usr/bin/setpriv", writer(probe, outbox + "/probe"))
        #expect(status == 0, "\(lines)")
        #expect(lines.first?.hasPrefix("partial ") == true)
        #expect(lines.filter { $0.hasPrefix("payload ") }.count >= 4, "\(lines)")
        #expect(lines.contains("tags") && lines.contains("recorded") && lines.contains { $0.hasPrefix("renamed ") })
        var bags = [outbox + "/probe"]

        var removedAnnounced = 0
        for point in 1..<lines.count {
            let export = try Self.approvedExport(station, ids, purpose: "kill at \(point)")
            let killed = outbox + "/killed-\(point)"
            #expect(try LineReadingProcess.kill("/usr/bin/setpriv", writer(export, killed), afterLines: point))
            let partial = outbox + "/.custody-export-\(export).partial"
            let left = FileManager.default.fileExists(atPath: partial)
            // The next write into the same directory, of the same export: it finishes the export
            // unless the killed one was recorded, and either way removes and names the partial.
            let next = outbox + "/next-\(point)"
            let again = try U.custody(
                as: Self.carol, socket: station.socket, "export", "write", "\(export)", "--to", next)
            if left {
                #expect(again.stderr.contains("removed \(partial)"), "kill at \(point): \(again.stderr)")
                removedAnnounced += 1
            }
            #expect(!FileManager.default.fileExists(atPath: partial), "kill at \(point)")
            let exports = try U.json(as: nil, socket: station.socket, "export", "list") as? [[String: Any]] ?? []
            #expect(exports.first { $0["id"] as? Int == export }?["state"] as? String == "written", "kill at \(point)")
            #expect(
                again.status == 0 || again.stderr.contains("is written"), "kill at \(point): \(again.stderr)")
            bags += [killed, next].filter { FileManager.default.fileExists(atPath: $0) }
        }
        #expect(removedAnnounced >= lines.count - 3, "the kills before the rename each left a partial")

        // Nothing is left in the outbox but whole bags, each the one its export's record holds.
        let names = try FileManager.default.contentsOfDirectory(atPath: outbox)
        #expect(names.allSatisfy { !$0.hasPrefix(".") }, "\(names)")
        #expect(Set(names.map { outbox + "/" + $0 }) == Set(bags))
        for bag in bags {
            let verified = try Self.verify(station, bag)
            #expect(verified.status == 0, "\(bag): \(verified.stdout)")
        }
        let plaintext = try ContentEndToEndTests.filesContaining(
            ContentEndToEndTests.marker, under: [outbox], since: .distantPast)
        #expect(plaintext.allSatisfy { path in bags.contains { path.hasPrefix($0 + "/data/") } }, "\(plaintext)")
    }

    @Test func aWriteStoppedBySIGTERMRemovesItsPartialAndRecordsNothing() throws {
        let (station, daemon, items) = try ContentEndToEndTests.stationWithItems()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let ids = try ["DEV0001_P1_20240501100000_0001.MP4", "DEV0001_P1_20240501100500_0002.DAT"].map {
            try #require(items[$0]).0
        }
        let outbox = try Self.outbox(station)
        let export = try Self.approvedExport(station, ids)
        let child = try LineReadingProcess("/usr/bin/setpriv", Self.writer(station, export, outbox + "/bag"))
        // Stopped as soon as the partial exists, before a byte of payload is read.
        let first = child.nextLine()
        #expect(first?.hasPrefix("partial ") == true, "\(first ?? "nothing")")
        child.signal(SIGTERM)
        #expect(child.wait() == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outbox).isEmpty)
        let exports = try U.json(as: nil, socket: station.socket, "export", "list") as? [[String: Any]] ?? []
        #expect(exports.first { $0["id"] as? Int == export }?["state"] as? String == "opened")
        // Written afterwards, by the same person, whole.
        let again = try U.custody(
            as: Self.carol, socket: station.socket, "export", "write", "\(export)", "--to", outbox + "/bag")
        #expect(again.status == 0 && !again.stderr.contains("removed"), "\(again.stderr)")
        #expect(try Self.verify(station, outbox + "/bag").status == 0)
    }
}
