import CustodyTesting
import Foundation
import Testing

/// `custodyd import` on a terminal draws the progress bar on standard error; piped, it draws nothing.
/// The terminal is a real pseudo-terminal: util-linux's `script` runs the command on one and copies
/// what it wrote to its own standard output.
@Suite(.serialized) struct ProgressBarEndToEndTests {
    @Test func importOnATerminalDrawsBarFramesAndPipedDrawsNone() throws {
        let fixture = try CLIFixture("progressBarImport")
        var generator = SplitMix64(seed: 29)
        for index in 1...3 {
            let bytes = (0..<(2 << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            try fixture.put("DCIM/100MEDIA/CLIP\(index).MP4", bytes)
        }
        let command = [BuiltProducts.custodyd, "import", "--state", fixture.state, fixture.source]
            .map { "'\($0)'" }.joined(separator: " ")
        let onTerminal = try run(
            "/usr/bin/script", ["-qec", command, "/dev/null"],
            environment: ProcessInfo.processInfo.environment.merging(["COLUMNS": "100"]) { $1 })
        #expect(onTerminal.status == 0, "\(onTerminal.stdout)")
        let frames = onTerminal.stdout.split(separator: "\r").filter { $0.contains("\u{1B}[K") && $0.contains("MiB") }
        #expect(frames.count >= 2, "\(onTerminal.stdout.debugDescription)")
        #expect(frames.contains { $0.contains("/ 6.0 MiB") && $0.contains("CLIP") }, "\(frames)")
        #expect(frames.contains { $0.hasPrefix("100% [") && $0.contains("6.0 MiB / 6.0 MiB") }, "\(frames)")
        #expect(onTerminal.stdout.contains("3 verified"))

        // The same import piped (a second state, so the files are new there): no frame at all.
        let piped = try CLIFixture("progressBarImportPiped")
        let result = try custodyd("import", "--state", piped.state, fixture.source)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("3 verified"))
        #expect(!result.stderr.contains("\r") && !result.stderr.contains("\u{1B}"), "\(result.stderr.debugDescription)")
        #expect(!result.stdout.contains("\r") && !result.stdout.contains("\u{1B}"))
    }
}
