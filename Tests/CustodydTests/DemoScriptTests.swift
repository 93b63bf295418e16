import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `make demo`'s script, run as the Makefile runs it (on a demo folder of its own), so the demo cannot
/// rot: it must finish within a minute, show every recording verified, an officer's and a reviewer's
/// list, the report, both checks passing, and leave no daemon behind.
@Suite(
    .serialized,
    .enabled(
        if: geteuid() == 0, "the demo creates Unix accounts and switches to them, which needs root (CI runs as root)"))
struct DemoScriptTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theDemoRunsTheDaemonShowsBothPeopleAndStopsItWithinAMinuteTwice() throws {
        let directory = try TemporaryDirectory("demoScript")
        chmod(directory.path, 0o755)
        let environment = ProcessInfo.processInfo.environment.merging([
            "DEMO_DIR": directory.file("demo"), "DEMO_RUN_DIR": "/run/custody-demo-test",
            "CUSTODY_BIN": BuiltProducts.directory.path,
        ]) { $1 }
        // Twice: the second run starts from a clean state over the first one's leftovers.
        for _ in 1...2 {
            let started = Date()
            let result = try run(
                "/bin/bash", [Self.repository.appendingPathComponent("scripts/demo.sh").path], environment: environment)
            let seconds = Date().timeIntervalSince(started)
            #expect(result.status == 0, "\(result.stdout.suffix(2000))\n\(result.stderr.suffix(2000))")
            #expect(seconds < 60, "the demo took \(seconds) s")
            let out = result.stdout
            // Every file of the demo volume, the empty one and the text file included.
            #expect(out.contains("6 of 6 recordings verified"), "\(out)")
            #expect(out.contains("What the officer sees"))
            #expect(out.contains("What the reviewer sees"))
            // Both people see the officer's four recordings (the files named for P1234), no more.
            let officer = try #require(out.range(of: "What the officer sees"))
            let reviewer = try #require(out.range(of: "What the reviewer sees"))
            let report = try #require(out.range(of: "The supervision report"))
            #expect(out[officer.upperBound..<reviewer.lowerBound].contains("\n4 items\n"))
            #expect(out[reviewer.upperBound..<report.lowerBound].contains("\n4 items\n"))
            #expect(out.contains("demo finished in"))
            let html = try String(contentsOfFile: directory.file("demo/report.html"), encoding: .utf8)
            #expect(html.contains("<html"))
            // No daemon left: the store lock is free, so a writer can open the state.
            let check = try custodyd("verify", "--deep", "--state", directory.file("demo/state"))
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        }
    }
}
