import CustodyTesting
import Foundation
import Testing

/// What a person who mistypes a path is told by the commands that read or write where they say:
/// a sentence that names the path and the fix, exit status 2 (README, each command's `--help`), never
/// a Foundation error code. (`custody report --html` and `export write --to` as a real reviewer are
/// in SetupWalkthroughTests.)
@Suite(.serialized) struct OutputPathErrorTests {
    @Test func aMissingFolderIsASentenceWithTheFixAndExitStatus2() throws {
        let fixture = try CLIFixture("outputPathErrors")
        let imported = try fixture.run("import", "/no/such/dir")
        #expect(imported.status == 2)
        #expect(
            imported.stderr.contains("import: /no/such/dir does not exist; give the camera's folder"),
            "\(imported.stderr)")
        let backup = try fixture.run("backup", "make", "--to", "/no/such/dir/backup")
        #expect(backup.status == 2)
        #expect(
            backup.stderr.contains("/no/such/dir/backup") && backup.stderr.contains("parent must exist"),
            "\(backup.stderr)")
        for result in [imported, backup] { #expect(!result.stderr.contains("NSCocoaErrorDomain")) }
    }

    @Test func eachWritingCommandsHelpGivesItsExitStatuses() throws {
        let custody = BuiltProducts.directory.appendingPathComponent("custody").path
        for arguments in [["report", "--help"], ["export", "write", "--help"]] {
            let help = try run(custody, arguments)
            #expect(
                help.stdout.contains("Exit status: 0") && help.stdout.contains("2 "), "\(arguments): \(help.stdout)")
        }
        for arguments in [["import", "--help"], ["backup", "make", "--help"]] {
            let help = try custodyd(arguments: arguments)
            #expect(
                help.stdout.contains("Exit status: 0") && help.stdout.contains("full"), "\(arguments): \(help.stdout)")
        }
    }
}
