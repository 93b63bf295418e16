import ArgumentParser
import ControlProtocol
import CustodyCommandLine

struct PersonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person", abstract: "Registered people: who each Unix account is (administrators change them).",
        subcommands: [Add.self, List.self, Show.self, Leave.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a person.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Badge id, e.g. P1234.") var id: String
        @Option(help: "Full name.") var name: String
        @Option(help: "Unit id (see `custody unit list`).") var unit: String
        @Option(help: "The Unix account they log in with.") var account: String?
        @Flag(help: "Make them the head of their unit in the same step (a new unit's first person).")
        var headOfUnit = false
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let arguments = ControlArguments(
                id: id, name: name, unit: unit, account: account, head: headOfUnit ? id : nil)
            let person = try socket.call(.personAdd, arguments).person
            try PersonCommand.show(person, json: json)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List people.")
        @OptionGroup var socket: SocketOptions
        @Option(help: "Only people of this unit and its sub-units.") var unit: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let persons = try socket.call(.personList, ControlArguments(unit: unit)).persons ?? []
            if json { return try printJSON(persons) }
            let rows = persons.map { [$0.id, $0.name, $0.unit, $0.account ?? "-", $0.status] }
            for line in Table.lines(header: ["BADGE", "NAME", "UNIT", "ACCOUNT", "STATUS"], rows: rows) { Swift.print(line) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a person, their grants and devices.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Badge id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try PersonCommand.show(try socket.call(.personShow, ControlArguments(id: id)).person, json: json)
        }
    }

    struct Leave: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a person left: every grant of theirs is revoked at once.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Badge id.") var id: String
        @Option(help: "Why (transfer, retirement, …).") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try PersonCommand.show(try socket.call(.personLeave, ControlArguments(id: id, reason: reason)).person, json: json)
        }
    }

    static func show(_ person: PersonView?, json: Bool) throws {
        guard let person else { throw ControlClientError(code: .protocol, message: "custodyd answered without the person") }
        if json { return try printJSON(person) }
        Swift.print("\(person.id)  \(person.name)  unit \(person.unit)  account \(person.account ?? "-")  \(person.status)")
        if let left = person.leftAt { Swift.print("left     \(left): \(person.leftReason ?? "")") }
        if let devices = person.devices, !devices.isEmpty { Swift.print("devices  \(devices.joined(separator: ", "))") }
        for grant in person.grants ?? [] { Swift.print(GrantCommand.line(grant)) }
    }
}

struct UnitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit", abstract: "Units: a reviewer's scope is a unit and its sub-units.",
        subcommands: [Add.self, Set.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a unit.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Unit id, e.g. TRAFFIC-1.") var id: String
        @Option(help: "Name.") var name: String
        @Option(help: "The unit it belongs to.") var parent: String?
        @Option(help: "Badge id of its head, who gives its people's grants their first approval.") var head: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            guard let unit = try socket.call(.unitAdd, ControlArguments(id: id, name: name, parent: parent, head: head)).unit
            else { throw ControlClientError(code: .protocol, message: "custodyd answered without the unit") }
            if json { return try printJSON(unit) }
            print("\(unit.id)  \(unit.name)  parent \(unit.parent ?? "-")  head \(unit.head ?? "-")")
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a unit's head.",
            discussion:
                "A unit is added before its people (`person add` needs the unit), so its head is named here once registered: `custody unit set NORTH --head P0001`. Administrators only; audited as unit.changed."
        )
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Unit id, e.g. TRAFFIC-1.") var id: String
        @Option(help: "Badge id of its head, an active registered person.") var head: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            guard let unit = try socket.call(.unitSet, ControlArguments(id: id, head: head)).unit
            else { throw ControlClientError(code: .protocol, message: "custodyd answered without the unit") }
            if json { return try printJSON(unit) }
            print("\(unit.id)  \(unit.name)  parent \(unit.parent ?? "-")  head \(unit.head ?? "-")")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List units.")
        @OptionGroup var socket: SocketOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let units = try socket.call(.unitList).units ?? []
            if json { return try printJSON(units) }
            let rows = units.map { [$0.id, $0.name, $0.parent ?? "-", $0.head ?? "-"] }
            for line in Table.lines(header: ["UNIT", "NAME", "PARENT", "HEAD"], rows: rows) { print(line) }
        }
    }
}
