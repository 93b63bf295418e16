import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: """
            The supervision report: upload timeliness, review, categorisation and integrity over a period; \
            retention, devices, access and storage as they stand.
            """)

    @OptionGroup var socket: SocketOptions

    @Option(help: "Items ingested at or after this time (default: 30 days before --to); \(DateArgument.forms).")
    var from: String?

    @Option(help: "Items ingested before this time (default: now).")
    var to: String?

    @Option(help: "Only this officer's items, within your scope.")
    var officer: String?

    @Option(help: "Only this unit and the units below it; refused when they are outside your scope.")
    var unit: String?

    @OptionGroup var time: TimeOptions

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print CSV: one table per section.")
    var csv = false

    @Option(help: "Write a self-contained HTML page (inline SVG charts, no network) to this file.")
    var html: String?

    func run() throws {
        var arguments = ControlArguments(
            from: try from.map { try DateArgument.resolve($0, option: "from") },
            until: try to.map { try DateArgument.resolve($0, option: "to") })
        arguments.officer = officer
        arguments.unit = unit
        guard let report = try socket.call(.report, arguments).report else {
            throw ControlClientError(code: .protocol, message: "custodyd answered a report request without a report")
        }
        if let html {
            try Data(ReportHTML.page(report, time: time.display).utf8).write(to: URL(fileURLWithPath: html))
        }
        if json {
            try printJSON(report)
            return
        }
        if csv {
            print(ReportCSV.text(report), terminator: "")
            return
        }
        if html != nil { return }
        for line in ReportText.lines(report, time: time.display) { print(line) }
    }
}
