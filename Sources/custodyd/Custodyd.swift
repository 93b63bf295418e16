import ArgumentParser
import Catalog
import CustodyCommandLine
import CustodyCore
import CustodyDaemon
import EvidenceCrypto
import EvidenceStore
import Foundation
import Ingest
import Logging
import MediaProbe
import SystemPackage

/// `custodyd`: the evidence daemon and its local administration commands.
@main
struct Custodyd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "custodyd",
        abstract: "Custody evidence daemon: ingest, store, verify and catalogue evidence.",
        discussion: """
            Exit status: 0 success; 1 the command ran but found problems (files not ingested, items \
            failing verification, a broken audit chain); 2 a failure that stopped the command; 64 bad usage.
            """,
        version: BuildVersion.description,
        subcommands: [
            InitCommand.self, RunCommand.self, ImportCommand.self, VerifyCommand.self, ListCommand.self,
            ShowCommand.self,
            ReprobeCommand.self, AuditCommand.self, KeyCommand.self, BackupCommand.self, RestoreCommand.self,
            RetentionCommand.self,
        ]
    )

    static func main() {
        let environment = ProcessInfo.processInfo.environment
        // Under systemd each line carries its priority, so the journal can take everything from info
        // up and `journalctl -p warning` still shows only what matters; a terminal (a local command)
        // gets warnings and worse.
        let journal = JournalLogHandler.isJournalStream(descriptor: STDERR_FILENO, environment: environment)
        let level =
            environment["CUSTODY_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? (journal ? .info : .warning)
        LoggingSystem.bootstrap { label in
            var handler = JournalLogHandler(label: label, format: journal ? .journal : .plain)
            handler.logLevel = level
            return handler
        }
        do {
            // Before any command can load a key: none of them may leave it in a core dump.
            try ProcessHardening.disableCoreDumps()
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch  where isDomainError(error) {
            FileHandle.standardError.write(Data("custodyd: \(error)\n".utf8))
            Foundation.exit(2)
        } catch {
            Self.exit(withError: error)
        }
    }

    /// Errors of Custody's own domains: their message names the thing and the fix, so print it alone.
    private static func isDomainError(_ error: any Error) -> Bool { error is any CustodyError }
}

/// Options every command that touches a state directory takes.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: "State directory (default: $STATE_DIRECTORY, else /var/lib/custody).")
    var state: String?

    @Option(
        name: .customLong("key-file"),
        help:
            "Key-encryption key file (default: $CREDENTIALS_DIRECTORY/custody.kek if present, else STATE/custody.kek).")
    var keyFile: String?

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    var root: FilePathString {
        FilePathString(state.map(absolute) ?? StateDirectory.defaultRoot(environment: environment).string)
    }

    /// Opens the state directory; with `needsKey`, loads and checks the KEK too; with `readOnly`,
    /// writes nothing (keyless checks on a read-only copy).
    func open(needsKey: Bool, readOnly: Bool = false) throws -> StateDirectory {
        // A key file given on the command line is checked against the store even when the command
        // does not need it, so the wrong one is named at once rather than trusted later.
        let keyPath =
            needsKey
            ? KeyFile.location(explicit: keyFile, stateDirectory: .init(root.value), environment: environment)
            : keyFile.map { FilePath(absolute($0)) }
        return try StateDirectory.open(
            at: .init(root.value), keyPath: keyPath, actor: .currentProcess, readOnly: readOnly)
    }

    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

/// A path as the CLI passes it around.
struct FilePathString {
    var value: String
    init(_ value: String) { self.value = value }
}

/// The logger commands hand to the library.
let commandLogger = Logger(label: "custodyd")
