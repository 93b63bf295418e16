import CustodyCore
import CustodyTesting
import Foundation
import Testing

/// `--version` on both executables (what a package's user and a bug report quote), and the completion
/// scripts the package installs, as the built commands print them.
@Suite struct VersionTests {
    static var custody: String { BuiltProducts.directory.appendingPathComponent("custody").path }

    @Test func bothCommandsPrintTheReleaseAndTheCommitOnOneLine() throws {
        let daemon = try custodyd("--version")
        let client = try run(Self.custody, ["--version"])
        #expect(daemon.status == 0)
        #expect(client.status == 0)
        #expect(daemon.stdout == client.stdout)
        let prefix = "\(CustodyRelease.version) (commit "
        #expect(daemon.stdout.hasPrefix(prefix))
        #expect(daemon.stdout.hasSuffix(")\n"))
        // The commit is `git describe` output or "unknown": one word, never empty.
        let commit = daemon.stdout.dropFirst(prefix.count).dropLast(2)
        #expect(!commit.isEmpty)
        #expect(commit.allSatisfy { $0.isLetter || $0.isNumber || "._+-".contains($0) })
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsNameTheSubcommands(shell: String) throws {
        let daemon = try custodyd("--generate-completion-script", shell)
        let client = try run(Self.custody, ["--generate-completion-script", shell])
        #expect(daemon.status == 0)
        #expect(client.status == 0)
        for subcommand in ["init", "run", "import", "backup"] { #expect(daemon.stdout.contains(subcommand)) }
        for subcommand in ["status", "export", "grant"] { #expect(client.stdout.contains(subcommand)) }
    }
}
