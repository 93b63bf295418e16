import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

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
        let onTerminal = try Self.onTerminal("import", "--state", fixture.state, fixture.source)
        #expect(onTerminal.status == 0, "\(onTerminal.stdout)")
        let frames = Self.frames(onTerminal.stdout)
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

    @Test func backupAndRestoreOnATerminalDrawBarFramesAndPipedDrawNone() throws {
        let fixture = try CLIFixture("progressBarBackup")
        var generator = SplitMix64(seed: 2929)
        for index in 1...2 {
            try fixture.put(
                "CLIP\(index).MP4", (0..<(3 << 20)).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        }
        #expect(try fixture.run("import", fixture.source).status == 0)
        let made = try Self.onTerminal(
            "backup", "make", "--state", fixture.state, "--to", fixture.directory.file("backup"))
        #expect(made.status == 0, "\(made.stdout)")
        // Every object copied, the last frame naming the item whose object it was.
        #expect(Self.frames(made.stdout).contains { $0.hasPrefix("100% [") && $0.contains("item ") }, "\(made.stdout)")
        let snapshot = try #require(
            try FileManager.default.contentsOfDirectory(atPath: fixture.directory.file("backup")).first {
                $0.hasPrefix("snapshot-")
            })
        let restored = try Self.onTerminal(
            "restore", "--from", fixture.directory.file("backup/" + snapshot), "--state",
            fixture.directory.file("restored"))
        #expect(restored.status == 0, "\(restored.stdout)")
        #expect(Self.frames(restored.stdout).contains { $0.hasPrefix("100% [") }, "\(restored.stdout)")

        let piped = try custodyd(
            "backup", "make", "--state", fixture.state, "--to", fixture.directory.file("backup2"))
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!piped.stderr.contains("\r") && !piped.stderr.contains("\u{1B}"), "\(piped.stderr.debugDescription)")
    }

    /// Runs custodyd on a pseudo-terminal 100 columns wide; its standard output carries what the
    /// command wrote to the terminal, standard output and standard error together.
    static func onTerminal(_ arguments: String...) throws -> ProcessResult {
        let command = ([BuiltProducts.custodyd] + arguments).map { "'\($0)'" }.joined(separator: " ")
        return try run(
            "/usr/bin/script", ["-qec", command, "/dev/null"],
            environment: ProcessInfo.processInfo.environment.merging(["COLUMNS": "100"]) { $1 })
    }

    /// The bar's frames in a terminal's output: what follows each `\r` up to clear-to-end-of-line.
    static func frames(_ output: String) -> [Substring] {
        output.split(separator: "\r").filter { $0.contains("\u{1B}[K") && $0.contains("B / ") }
    }
}

/// `custody export write` on a terminal draws the bar as the payload is written; piped, none. Run as
/// carol (a reviewer, her own approved request) against a running daemon.
@Suite(
    .serialized, .enabled(if: geteuid() == 0, "creating Unix users and switching to them needs root (CI runs as root)"))
struct ExportProgressEndToEndTests {
    typealias U = UnixUsers

    @Test func exportWriteOnATerminalDrawsBarFramesAndPipedDrawsNone() throws {
        let (station, daemon, items) = try ContentEndToEndTests.stationWithItems()
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        let ids = items.values.map(\.0)
        let outbox = try ExportBindingEndToEndTests.outbox(station)
        let first = try ExportBindingEndToEndTests.approvedExport(station, ids, purpose: "progress on a terminal")
        let custody = BuiltProducts.directory.appendingPathComponent("custody").path
        let command = [
            "/usr/bin/setpriv", "--reuid", ExportBindingEndToEndTests.carol, "--regid", U.socketGroup, "--init-groups",
            "--", custody, "export", "write", "\(first)", "--to", outbox + "/bag", "--socket", station.socket,
        ].map { "'\($0)'" }.joined(separator: " ")
        let onTerminal = try run(
            "/usr/bin/script", ["-qec", command, "/dev/null"],
            environment: ProcessInfo.processInfo.environment.merging(["COLUMNS": "100"]) { $1 })
        #expect(onTerminal.status == 0, "\(onTerminal.stdout)")
        let frames = ProgressBarEndToEndTests.frames(onTerminal.stdout)
        #expect(
            frames.contains { $0.hasPrefix("100% [") && ($0.contains(".MP4") || $0.contains(".DAT")) },
            "\(onTerminal.stdout)")
        #expect(onTerminal.stdout.contains("export \(first): \(ids.count) files"))

        let second = try ExportBindingEndToEndTests.approvedExport(station, ids, purpose: "progress piped")
        let piped = try U.custody(
            as: ExportBindingEndToEndTests.carol, socket: station.socket, "export", "write", "\(second)", "--to",
            outbox + "/bag2")
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!piped.stderr.contains("\r") && !piped.stderr.contains("\u{1B}"), "\(piped.stderr.debugDescription)")
    }
}
