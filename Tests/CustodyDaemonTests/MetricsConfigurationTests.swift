import CustodyDaemon
import Foundation
import SystemPackage
import Testing

/// `[metrics]`: off unless a directory is given; the interval's range; a directory that is not there
/// stops `run` (and shows in `run --check`) before anything is written.
@Suite struct MetricsConfigurationTests {
    private func parse(_ text: String) throws -> DaemonConfiguration {
        try ConfigurationFile.parse(text: text, path: "custodyd.toml", environment: [:])
    }

    @Test func metricsAreOffUnlessADirectoryIsGiven() throws {
        #expect(try parse("").metrics == nil)
        #expect(try parse("[metrics]\n").metrics == nil)
        let metrics = try #require(try parse("[metrics]\ntextfile_dir = \"/srv/textfile\"\n").metrics)
        #expect(metrics.textfileDirectory == "/srv/textfile" && metrics.intervalSeconds == 60)
        #expect(
            try parse("[metrics]\ntextfile_dir = \"/srv/t\"\ninterval_seconds = 15\n").metrics?.intervalSeconds == 15)
    }

    @Test(arguments: [
        ("[metrics]\ninterval_seconds = 10\n", "has \"interval_seconds\" but no \"textfile_dir\""),
        ("[metrics]\ntextfile_dir = \"/t\"\ninterval_seconds = 0.5\n", "a number of seconds from 1 to 3600"),
        ("[metrics]\ntextfile_dir = \"/t\"\ninterval_seconds = 7200\n", "a number of seconds from 1 to 3600"),
        ("[metrics]\ntextfile_dir = \"relative\"\n", "textfile_dir"),
        ("[metrics]\ndirectory = \"/t\"\n", "unknown key \"directory\" in [metrics]"),
    ])
    func badMetricsSettingsAreRefused(text: String, message: String) {
        #expect {
            try parse(text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func aMissingDirectoryIsAProblemOnThisMachine() throws {
        let configuration = try parse("[metrics]\ntextfile_dir = \"/nonexistent/custody-metrics\"\n")
        #expect(
            configuration.problemsOnThisMachine().contains {
                $0.hasPrefix("[metrics] textfile_dir: /nonexistent/custody-metrics is not a directory")
            })
    }
}
