import CustodyTesting
import Foundation
import Testing

/// `run --check` validates against this machine what `run` would reject, and `run` rejects it before
/// taking the lock or writing anything.
@Suite(.serialized) struct RunCheckTests {
    func config(_ fixture: CLIFixture, _ body: String) throws -> String {
        let path = fixture.directory.file("custodyd.toml")
        try Data(
            """
            [store]
            state_directory = "\(fixture.state)"

            [devices]
            enabled = false

            \(body)
            """.utf8
        ).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func missingGroupsAndFoldersAreNamedByCheckAndStopRunBeforeAnythingIsWritten() throws {
        let fixture = try CLIFixture("runCheck")
        let path = try config(
            fixture,
            """
            [control]
            socket = "\(fixture.directory.file("control.sock"))"
            group = "no-such-group-custody"
            allowed_groups = ["also-not-a-group"]

            [[watch]]
            path = "\(fixture.directory.file("not-there"))"

            [audit]
            anchor_file = "\(fixture.directory.file("no-dir/anchors.jsonl"))"
            """)
        let check = try custodyd("run", "--config", path, "--check")
        #expect(check.status == 2)
        for expected in [
            "no group \"no-such-group-custody\"", "no group \"also-not-a-group\"", "not-there is not a directory",
            "no-dir does not exist",
        ] {
            #expect(check.stderr.contains(expected), "\(check.stderr)")
        }
        let before = try fixture.json("audit", "verify")["entries"] as? Int
        let run = try custodyd("run", "--config", path)
        #expect(run.status == 2)
        #expect(run.stderr.contains("no group \"no-such-group-custody\""))
        #expect(try fixture.json("audit", "verify")["entries"] as? Int == before, "run wrote nothing")
    }

    @Test func aConfigurationThatCanRunPassesTheCheck() throws {
        let fixture = try CLIFixture("runCheckOK")
        let path = try config(fixture, "[control]\ngroup = \"\"\nallowed_groups = [\"root\"]\n")
        let check = try custodyd("run", "--config", path, "--check")
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("OK"))
    }
}
