import Catalog
import ControlProtocol
import CustodyCore
import CustodyTesting
import Foundation
import Logging
import SystemPackage
import Testing

@testable import CustodyDaemon

/// The metrics file as node_exporter's textfile collector reads it: `# HELP` and `# TYPE` for every
/// family, then its samples, with the values counted.
@Suite struct MetricsExpositionTests {
    let directory: TemporaryDirectory
    let state: StateDirectory

    init() throws {
        directory = try TemporaryDirectory("MetricsExpositionTests")
        state = try StateDirectory.initialise(
            at: FilePath(directory.file("state")), keyPath: FilePath(directory.file("custody.kek")),
            actor: AuditActor(uid: 0, name: "root"))
        try FileManager.default.createDirectory(atPath: directory.file("textfile"), withIntermediateDirectories: true)
    }

    /// The exposition parsed: help and type per family, and each sample's value by its series
    /// (`name` or `name{label="value"}`).
    struct Exposition {
        var help: [String: String] = [:]
        var type: [String: String] = [:]
        var samples: [String: Double] = [:]

        init(_ text: String) throws {
            for line in text.split(separator: "\n") {
                if line.hasPrefix("# HELP ") {
                    let rest = line.dropFirst(7).split(separator: " ", maxSplits: 1)
                    help[String(rest[0])] = rest.count > 1 ? String(rest[1]) : ""
                } else if line.hasPrefix("# TYPE ") {
                    let rest = line.dropFirst(7).split(separator: " ")
                    type[String(rest[0])] = String(rest[1])
                } else {
                    let parts = line.split(separator: " ")
                    try #require(parts.count == 2, "not a sample line: \(line)")
                    let value: Double = try #require(Double(String(parts[1])), "not a number: \(line)")
                    samples[String(parts[0])] = value
                }
            }
        }
    }

    func service(_ metrics: DaemonMetrics, board: BayBoard, control: ControlObservation?) -> MetricsService {
        var configuration = DaemonConfiguration.Metrics(textfileDirectory: FilePath(directory.file("textfile")))
        configuration.intervalSeconds = 1
        return MetricsService(
            configuration: configuration, metrics: metrics, board: board, catalog: state.catalog, control: { control },
            logger: Logger(label: "test"))
    }

    @Test func theFileHoldsHelpTypeAndTheCountedValues() throws {
        let metrics = DaemonMetrics()
        let board = BayBoard(version: "test")
        // Three files verified at ingest through a bay's progress, one failed.
        let progress = BayProgress(board: board, bay: "folder:/drop", kind: .folder, metrics: metrics)
        for (index, size) in [100, 200, 300].enumerated() {
            progress.record(
                .verified(
                    path: RawPath("CLIP\(index).MP4"), id: EvidenceID(),
                    sha256: SHA256Digest(bytes: testBytes(count: 32, seed: UInt64(index)))!, size: Int64(size)))
        }
        progress.record(.failed(path: RawPath("BAD.MP4"), reason: "read-back mismatch"))
        board.update("usb:1-1", kind: .device) { $0.phase = .ingesting }
        board.setFixity(FixityStatus(checked: 5, total: 9, mismatches: 0, lastPassFinishedAt: nil))
        metrics.fixityFailed()
        let service = service(
            metrics, board: board, control: ControlObservation(connections: 2, refusals: ["access.denied": 4]))
        service.writeNow()

        let file = directory.file("textfile/custody.prom")
        var exposition = try Exposition(try String(contentsOfFile: file, encoding: .utf8))
        // Every family but the two with nothing to show yet: items (the catalog is empty) and the last pass.
        for name in MetricName.allCases where name != .fixityLastPass && name != .items {
            #expect(exposition.help[name.rawValue] == name.help, "\(name.rawValue)")
            #expect(exposition.type[name.rawValue] == name.kind.rawValue, "\(name.rawValue)")
        }
        #expect(exposition.samples["custody_items_ingested_total"] == 3)
        #expect(exposition.samples["custody_bytes_ingested_total"] == 600)
        #expect(exposition.samples[#"custody_verify_failures_total{check="ingest"}"#] == 1)
        #expect(exposition.samples[#"custody_verify_failures_total{check="fixity"}"#] == 1)
        #expect(exposition.samples[#"custody_bays{phase="ingesting"}"#] == 1)
        #expect(exposition.samples[#"custody_bays{phase="idle"}"#] == 1)
        #expect(exposition.samples["custody_fixity_checked_items"] == 5)
        #expect(exposition.samples["custody_fixity_pass_items"] == 9)
        #expect(exposition.samples["custody_review_backlog"] == 0)
        #expect(exposition.samples["custody_control_connections"] == 2)
        #expect(exposition.samples[#"custody_refusals_total{action="access.denied"}"#] == 4)

        // The next write: the refusal counter grows by what is new, a phase gone reads 0, and the
        // temporary file never stays behind.
        board.update("usb:1-1", kind: .device) { $0.phase = .done }
        let later = self.service(
            metrics, board: board, control: ControlObservation(connections: 0, refusals: ["access.denied": 7]))
        later.writeNow()
        exposition = try Exposition(try String(contentsOfFile: file, encoding: .utf8))
        #expect(exposition.samples[#"custody_refusals_total{action="access.denied"}"#] == 7)
        #expect(exposition.samples[#"custody_bays{phase="ingesting"}"#] == 0)
        #expect(exposition.samples[#"custody_bays{phase="done"}"#] == 1)
        #expect(exposition.samples["custody_control_connections"] == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("textfile")) == ["custody.prom"])
        var info = stat()
        #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o644)
    }

    @Test func offCountsNothingAndWritesNothing() {
        DaemonMetrics.off.ingested(bytes: 10)
        #expect(DaemonMetrics.off.exposition() == "")
        #expect(!DaemonMetrics.off.isOn)
    }
}
