import ArgumentParser
import ControlProtocol
import CustodyCommandLine

struct DeviceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "The device registry: recorders issued, maintained and retired, with records.",
        subcommands: [Add.self, Assign.self, Return.self, Maintenance.self, Retire.self, Show.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a device, in service.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Serial (as the device reports it).") var serial: String
        @Option(help: "Model.") var model: String?
        @Option(help: "ambarella, ambarellaA9, jieli, hengan, massStorage, mtp or other (default).") var family: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try DeviceCommand.show(
                try socket.call(.deviceAdd, ControlArguments(serial: serial, model: model, family: family)).device,
                json: json)
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a device to a person from now: its recordings are theirs.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Serial.") var serial: String
        @Argument(help: "Badge id.") var person: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try DeviceCommand.show(
                try socket.call(.deviceAssign, ControlArguments(person: person, serial: serial)).device, json: json)
        }
    }

    struct Return: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a device's current assignment now.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Serial.") var serial: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try DeviceCommand.show(try socket.call(.deviceReturn, ControlArguments(serial: serial)).device, json: json)
        }
    }

    struct Maintenance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record maintenance (when: now; what; the result), optionally moving the device in or out of service.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Serial.") var serial: String
        @Option(help: "What was done.") var what: String
        @Option(help: "The result.") var result: String
        @Option(help: "in_maintenance or in_service.") var status: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let arguments = ControlArguments(serial: serial, what: what, result: result, status: status)
            try DeviceCommand.show(try socket.call(.deviceMaintenance, arguments).device, json: json)
        }
    }

    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retire a device for good, with the reason.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Serial.") var serial: String
        @Option(help: "Why, and the device's state.") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try DeviceCommand.show(
                try socket.call(.deviceRetire, ControlArguments(reason: reason, serial: serial)).device, json: json)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a device with its assignments and maintenance.")
        @OptionGroup var socket: SocketOptions
        @Argument(help: "Serial.") var serial: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try DeviceCommand.show(try socket.call(.deviceShow, ControlArguments(serial: serial)).device, json: json)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered devices.")
        @OptionGroup var socket: SocketOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let devices = try socket.call(.deviceList).devices ?? []
            if json { return try printJSON(devices) }
            let rows = devices.map { [$0.serial, $0.model ?? "-", $0.family, $0.status, $0.holder ?? "-"] }
            for line in Table.lines(header: ["SERIAL", "MODEL", "FAMILY", "STATUS", "HOLDER"], rows: rows) { print(line) }
        }
    }

    static func show(_ device: DeviceView?, json: Bool) throws {
        guard let device else { throw ControlClientError(code: .protocol, message: "custodyd answered without the device") }
        if json { return try printJSON(device) }
        Swift.print("\(device.serial)  \(device.model ?? "-")  \(device.family)  \(device.status)  holder \(device.holder ?? "-")")
        if let retired = device.retiredAt { Swift.print("retired  \(retired): \(device.retireReason ?? "")") }
        for assignment in device.assignments ?? [] {
            Swift.print("assigned \(assignment.person)  \(assignment.from) → \(assignment.until ?? "now")  by \(assignment.assignedBy)")
        }
        for record in device.maintenance ?? [] {
            Swift.print("maintained \(record.at)  \(record.what): \(record.result)  by \(record.by)")
        }
    }
}
