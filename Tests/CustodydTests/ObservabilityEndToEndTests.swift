import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `custodyd run` as systemd runs it: its standard error announced as the journal's stream (each line
/// then carries a syslog priority), and `[metrics]` writing node_exporter's textfile, which shows an
/// ingest into a watched folder.
@Suite(.serialized) struct ObservabilityEndToEndTests {
    /// Waits, on inotify events in `directory` (a file renamed in or closed after writing), until
    /// `condition` holds for the text of `file`; returns that text, or nil after `timeout` seconds.
    func waitForFile(_ file: String, in directory: String, timeout: Double = 60, _ condition: (String) -> Bool)
        throws -> String?
    {
        let watch = inotify_init1(Int32(IN_CLOEXEC))
        try #require(watch >= 0)
        defer { close(watch) }
        try #require(inotify_add_watch(watch, directory, UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE)) >= 0)
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            // Read after the watch exists: a write between the two is not missed.
            if let text = try? String(contentsOfFile: file, encoding: .utf8), condition(text) { return text }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return nil }
            var descriptor = pollfd(fd: watch, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(remaining * 1000) + 1) > 0 else { return nil }
            _ = read(watch, &buffer, buffer.count)
        }
    }

    /// The value of the sample line `series value` in an exposition.
    func sample(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }

    @Test func underJournalStreamLinesCarryPrioritiesAndTheTextfileShowsTheIngest() throws {
        let station = try DockStation()
        let textfile = station.directory.file("textfile")
        try FileManager.default.createDirectory(atPath: textfile, withIntermediateDirectories: true)
        try station.configure(
            wipe: false, extra: "[metrics]\ntextfile_dir = \"\(textfile)\"\ninterval_seconds = 1")
        let daemon = try station.start(journalStream: true)
        let prom = textfile + "/custody.prom"

        let dropped = testBytes(count: 150_000, seed: 29)
        try Data(dropped).write(to: URL(fileURLWithPath: station.dropFolder + "/CLIP0029.MP4"))
        let written = try waitForFile(prom, in: textfile) { sample("custody_items_ingested_total", in: $0) == 1 }
        let text = try #require(written, "custody.prom never showed the ingest:\n\(daemon.log)")
        #expect(sample("custody_bytes_ingested_total", in: text) == 150_000)
        #expect(sample(#"custody_verify_failures_total{check="ingest"}"#, in: text) == 0)
        #expect(text.contains("# HELP custody_items_ingested_total "))
        #expect(text.contains("# TYPE custody_items_ingested_total counter"))
        #expect(sample("custody_control_connections", in: text) != nil)

        daemon.signal(SIGTERM)
        #expect(daemon.wait() == 0, "\(daemon.log)")
        // Written once more on shutdown, with every count of the run; no temporary file left.
        let last = try String(contentsOfFile: prom, encoding: .utf8)
        #expect(sample("custody_items_ingested_total", in: last) == 1)
        #expect(sample(#"custody_items{state="verified"}"#, in: last) == 1, "\(last)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: textfile) == ["custody.prom"])

        // Every line of the log has a priority journald reads, and the notices are notices.
        let lines = daemon.log.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            #expect(line.range(of: #"^<[0-7]>"#, options: .regularExpression) != nil, "no priority: \(line)")
        }
        #expect(lines.contains { $0.hasPrefix("<5>custodyd: recovery done") }, "\(daemon.log)")
        #expect(lines.contains { $0.hasPrefix("<5>custodyd: custodyd stopped") }, "\(daemon.log)")
    }
}
