import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `custodyd run` anchors the audit chain's head to the configured file at start and at stop, and the
/// anchors check against the chain it leaves; it runs with core dumps off.
@Suite(.serialized) struct DaemonAnchorTests {
    @Test func theDaemonAnchorsAtStartAndStopAndTheAnchorsVerify() throws {
        let station = try DockStation()
        let anchors = station.directory.file("anchors/station.jsonl")
        try FileManager.default.createDirectory(
            atPath: station.directory.file("anchors"), withIntermediateDirectories: true)
        try station.configure(
            wipe: false,
            extra: "\n[audit]\nanchor_file = \"\(anchors)\"\nanchor_interval_minutes = 60\njournal = false\n")
        let daemon = try station.start()
        // The running daemon can write no core dump (its memory holds the keys).
        let limits = try String(contentsOfFile: "/proc/\(daemon.pid)/limits", encoding: .utf8)
        let core = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") })
        #expect(core.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2) == ["0", "0"])
        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
        let lines = try String(contentsOfFile: anchors, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2, "\(lines)")
        let objects = lines.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let audit = try custodyd("audit", "verify", "--state", station.state, "--anchors", anchors, "--json")
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any]
        #expect(report?["anchors_checked"] as? Int == 2)
        // The last anchor is the head the daemon left: daemon.stopped is the last entry.
        #expect(objects.last?["seq"] as? Int == report?["entries"] as? Int)
        #expect(objects.last?["hash"] as? String == report?["head"] as? String)
    }
}
