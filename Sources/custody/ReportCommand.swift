import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The supervision report: upload timeliness, review, categorisation, integrity, over a period.")

    @OptionGroup var socket: SocketOptions

    @Option(help: "Items ingested at or after this time (default: 30 days before --to); \(DateArgument.forms).")
    var from: String?

    @Option(help: "Items ingested before this time (default: now).")
    var to: String?

    @Option(help: "Only this officer's items, within your scope.")
    var officer: String?

    @OptionGroup var time: TimeOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        var arguments = ControlArguments(
            from: try from.map { try DateArgument.resolve($0, option: "from") },
            until: try to.map { try DateArgument.resolve($0, option: "to") })
        arguments.officer = officer
        guard let report = try socket.call(.report, arguments).report else {
            throw ControlClientError(code: .protocol, message: "custodyd answered a report request without a report")
        }
        if json {
            try printJSON(report)
            return
        }
        for line in ReportText.lines(report, time: time.display) { print(line) }
    }
}
