import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `custody report` end to end as real Unix users on the daemon's socket: the daemon measures its own
/// state directory's free space for the storage section, a reviewer's `--unit` outside her scope is
/// refused and that refusal is counted in the next report, and every format carries the new sections.
/// Root only (useradd, setpriv).
@Suite(
    .serialized, .enabled(if: geteuid() == 0, "creating Unix users and switching to them needs root (CI runs as root)"))
struct ReportEndToEndTests {
    typealias U = UnixUsers

    @Test func theReportsSectionsReachEveryFormatAndAUnitOutsideTheScopeIsRefused() throws {
        try AccessEndToEndTests.prepareUsers()
        let station = try DockStation()
        try station.configure(wipe: false, controlGroup: U.socketGroup, allowedGroups: [U.socketGroup])
        for index in 0..<2 {
            try station.directory.write(
                testBytes(count: 20_000, seed: UInt64(index + 1)),
                to: "card/DEV0001_P1_2024050110000\(index)_000\(index).MP4")
        }
        let imported = try custodyd(
            "import", "--state", station.state, "--device", "READER9", station.directory.file("card"))
        #expect(imported.status == 0, "\(imported.stderr)")
        chmod(station.directory.path, 0o755)
        let daemon = try station.start()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        try AccessEndToEndTests.seed(station.socket)
        let socket = station.socket

        func refusalsOfCarol() throws -> Int {
            let report = try U.json(as: nil, socket: socket, "report") as? [String: Any]
            let access = report?["access"] as? [String: Any]
            return (access?["refusals_by_principal"] as? [String: Any])?["R1"] as? Int ?? 0
        }
        let refusedBefore = try refusalsOfCarol()  // the seed's own-approval attempt
        // Carol reviews NORTH: SOUTH's report is refused, NORTH-1's is hers.
        let refused = try U.custody(as: "cte-carol", socket: socket, "report", "--unit", "SOUTH")
        #expect(refused.status == 2 && refused.stderr.contains("outside"), "\(refused.stderr)")
        let own = try U.custody(as: "cte-carol", socket: socket, "report", "--unit", "NORTH-1", "--csv")
        #expect(own.status == 0, "\(own.stderr)")
        for table in ["# retention", "# devices", "# access", "# storage", "# storage_weeks"] {
            #expect(own.stdout.contains(table + "\n"), "\(table)")
        }

        let report = try #require(try U.json(as: nil, socket: socket, "report") as? [String: Any])
        let storage = try #require(report["storage"] as? [String: Any])
        #expect(storage["items"] as? Int == 2 && storage["bytes"] as? Int == 40_000)
        #expect((storage["ciphertext_bytes"] as? Int).map { $0 > 40_000 } == true)
        // The daemon asked the filesystem its state directory is on.
        var info = statvfs()
        #expect(statvfs(station.state, &info) == 0)
        #expect(storage["filesystem_bytes"] as? Int == Int(info.f_blocks) * Int(info.f_frsize))
        #expect((storage["free_bytes"] as? Int).map { $0 > 0 } == true)
        #expect(
            (storage["weeks"] as? [[String: Any]])?.last?["added_bytes"] as? Int == storage["ciphertext_bytes"] as? Int)
        #expect(try refusalsOfCarol() == refusedBefore + 1)
        #expect(report["retention"] is [String: Any] && report["devices"] is [String: Any])

        let page = station.directory.file("report.html")
        let html = try U.custody(as: nil, socket: socket, "report", "--html", page)
        #expect(html.status == 0, "\(html.stderr)")
        let text = try String(contentsOfFile: page, encoding: .utf8)
        #expect(text.contains("<svg id=\"chart-storage\"") && text.contains("data-figure=\"storage.free_bytes\""))
        let lines = try U.custody(as: nil, socket: socket, "report").stdout
        #expect(lines.contains("Storage (now)") && lines.contains("Access") && lines.contains("Devices"))
    }
}
