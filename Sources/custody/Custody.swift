import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import CustodyCore
import Foundation

/// `custody`: the reviewers' and administrators' CLI. It talks only to the daemon's control socket
/// (docs/control-protocol.md); it never opens the store or the catalog.
@main
struct Custody: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "custody",
        abstract: "Custody reviewer and administrator CLI (talks to custodyd over its control socket).",
        discussion: """
            Exit status: 0 success; 2 a failure (no daemon, refused, a protocol mismatch); 64 bad usage.
            """,
        version: BuildVersion.description,
        subcommands: [
            StatusCommand.self, ListCommand.self, ShowCommand.self, WhoAmICommand.self, PersonCommand.self,
            UnitCommand.self, GrantCommand.self, DeviceCommand.self, AuditCommand.self, PlayCommand.self,
            CatCommand.self, ExportCommand.self, ReviewCommand.self, NoteCommand.self, CategoryCommand.self,
            CategorizeCommand.self, UncategorizeCommand.self, HoldCommand.self, ReportCommand.self, DeletionCommand.self,
        ]
    )

    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch  where error is any CustodyError {
            // Their message names the thing and the fix: print it alone.
            FileHandle.standardError.write(Data("custody: \(error)\n".utf8))
            Foundation.exit(2)
        } catch {
            Self.exit(withError: error)
        }
    }
}

/// Where the daemon listens.
struct SocketOptions: ParsableArguments {
    @Option(name: .long, help: "The control socket (default: $CUSTODY_SOCKET, else /run/custody/control.sock).")
    var socket: String?

    /// The socket path: the option, the environment, or the default.
    var path: String {
        socket ?? ProcessInfo.processInfo.environment["CUSTODY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ControlClient.defaultSocketPath
    }
}
