import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show what the daemon and every bay are doing.")

    @OptionGroup var socket: SocketOptions

    @Flag(help: "Keep showing the status as it changes, until interrupted.")
    var watch = false

    @Flag(help: "Print the status as JSON (with --watch, one object per line).")
    var json = false

    func run() throws {
        let client = try ControlClient(socketPath: socket.path, receiveTimeoutSeconds: watch ? nil : 30)
        let first = try client.call(.status(watch: watch))
        guard watch else {
            guard let status = first.status else { throw missingStatus() }
            if json { try printJSON(status) } else { StatusTable.lines(for: status).forEach { print($0) } }
            return
        }
        var screen = WatchScreen(json: json, terminal: isatty(STDOUT_FILENO) == 1)
        var response = first
        while true {
            guard let status = response.status else { throw missingStatus() }
            try screen.show(status)
            response = try client.next()
        }
    }

    private func missingStatus() -> ControlClientError {
        ControlClientError(code: .protocol, message: "custodyd answered a status request without a status")
    }
}

/// Draws successive statuses: in place on a terminal, one after another (blank line between)
/// otherwise, one compact JSON object per line with `--json`.
struct WatchScreen {
    let json: Bool
    let terminal: Bool
    private var previousLines = 0

    init(json: Bool, terminal: Bool) {
        self.json = json
        self.terminal = terminal
    }

    mutating func show(_ status: DaemonStatus) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            let lines = StatusTable.lines(for: status)
            if terminal {
                // Up over the previous drawing, then clear to the end of the screen.
                var text = previousLines > 0 ? "\u{1B}[\(previousLines)A\r\u{1B}[J" : ""
                text += lines.joined(separator: "\n") + "\n"
                FileHandle.standardOutput.write(Data(text.utf8))
                previousLines = lines.count
            } else {
                if previousLines > 0 { print("") }
                lines.forEach { print($0) }
                previousLines = lines.count
            }
        }
        // A pipe makes stdout fully buffered; each snapshot must show when it comes.
        fflush(nil)
    }
}
