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
            """,
        discussion: """
            Exit status: 0 the report was printed or written; 2 it could not be made (no daemon, refused) \
            or --html could not be written (a missing folder, no permission, a full disk: the message names \
            the path and the fix; the folder is checked before the report is asked for); 64 bad usage.
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
        if let html { try OutputPath.checkWritable(html, option: "--html") }
        var arguments = ControlArguments(
            from: try from.map { try DateArgument.resolve($0, option: "from") },
            until: try to.map { try DateArgument.resolve($0, option: "to") })
        arguments.officer = officer
        arguments.unit = unit
        guard let report = try socket.call(.report, arguments).report else {
            throw ControlClientError(code: .protocol, message: "custodyd answered a report request without a report")
        }
        if let html {
            try OutputPath.write(Data(ReportHTML.page(report, time: time.display).utf8), to: html, option: "--html")
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
