import ArgumentParser
import ControlProtocol
import CustodyCommandLine

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Read the audit trail (administrators and auditors).",
        subcommands: [Log.self])

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log", abstract: "Audit entries, oldest first.")

        @OptionGroup var socket: SocketOptions

        @Option(help: "Only entries about this item (id or its first 8 characters).")
        var item: String?

        @Option(help: "Only entries with this action (e.g. access.denied).")
        var action: String?

        @Option(help: "Only entries after this sequence number (to page on).")
        var after: Int64?

        @Option(help: "At most this many entries (1 to 1000).")
        var limit = 100

        @Flag(help: "Print JSON: `detail` an object with typed values, `detail_text` the hashed text (docs/cli-json.md).")
        var json = false

        func run() throws {
            let entries = try socket.call(
                .audit, ControlArguments(item: item, action: action, after: after, limit: limit)
            ).entries ?? []
            if json { return try printJSON(entries.map(AuditEntryJSON.init)) }
            for entry in entries { print("#\(entry.seq)  \(entry.at)  \(entry.actor)  \(entry.action)  \(entry.detail)") }
            print("\(entries.count) entr\(entries.count == 1 ? "y" : "ies")")
        }
    }
}
