import ArgumentParser
import ControlProtocol
import CustodyCommandLine

struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold", abstract: "Holds: items kept whatever their categories say (administrators place and release).",
        subcommands: [Place.self, Release.self, List.self, Show.self])

    struct Place: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hold listed items, or a query (officer/device with a recorded range, or a case) that also catches later items.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Item ids to hold.") var items: [String] = []
        @Option(help: "The case or matter.") var matter: String
        @Option(help: "Who ordered it.") var authority: String
        @Option(help: "Why.") var reason: String
        @Option(help: "Hold this officer's items.") var officer: String?
        @Option(help: "Hold this device's items.") var device: String?
        @Option(help: "Recorded at or after this time.") var from: String?
        @Option(help: "Recorded before this time.") var to: String?
        @Option(name: .customLong("case"), help: "Hold items with this case number.") var caseNumber: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments(reason: reason, from: from, until: to)
            arguments.matter = matter
            arguments.authority = authority
            arguments.items = items.isEmpty ? nil : items
            arguments.officer = officer
            arguments.device = device
            arguments.cases = caseNumber.map { [$0] }
            try HoldCommand.show(try socket.call(.holdPlace, arguments).hold, json: json)
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Release a hold (its items become due no sooner than 24 hours on).")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Hold number.") var hold: Int64
        @Option(help: "Why.") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments(reason: reason)
            arguments.hold = hold
            try HoldCommand.show(try socket.call(.holdRelease, arguments).hold, json: json)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List holds, newest first.")
        @OptionGroup var socket: SocketOptions
        @Flag(help: "Only open holds.") var open = false
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments()
            arguments.open = open
            let holds = try socket.call(.holdList, arguments).holds ?? []
            if json { return try printJSON(holds) }
            let rows = holds.map {
                ["#\($0.id)", $0.matter, $0.authority, "\($0.items)", $0.releasedAt == nil ? "open" : "released", $0.placedAt]
            }
            for line in Table.lines(header: ["HOLD", "MATTER", "AUTHORITY", "ITEMS", "STATE", "PLACED"], rows: rows) {
                print(line)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a hold and the items it holds.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Hold number.") var hold: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            var arguments = ControlArguments()
            arguments.hold = hold
            try HoldCommand.show(try socket.call(.holdShow, arguments).hold, json: json)
        }
    }

    static func show(_ hold: HoldView?, json: Bool) throws {
        guard let hold else { throw ControlClientError(code: .protocol, message: "custodyd answered without the hold") }
        if json { return try printJSON(hold) }
        print("hold #\(hold.id)  \(hold.matter)  by \(hold.authority)  placed by \(hold.placedBy) at \(hold.placedAt)")
        print("  reason  \(hold.reason)")
        let query = [
            hold.officer.map { "officer \($0)" }, hold.device.map { "device \($0)" }, hold.from.map { "from \($0)" },
            hold.to.map { "to \($0)" }, hold.caseNumber.map { "case \($0)" },
        ].compactMap { $0 }
        if !query.isEmpty { print("  query   \(query.joined(separator: ", ")) (also catches items ingested later)") }
        if let released = hold.releasedAt {
            print("  released at \(released) by \(hold.releasedBy ?? "?"): \(hold.releaseReason ?? "")")
        }
        print("  items   \(hold.items)")
        for item in hold.itemIDs ?? [] { print("    \(item)") }
    }
}
