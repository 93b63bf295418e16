import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import CustodyDaemon

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List items, newest first.")

    @OptionGroup var options: StateOptions

    @OptionGroup var filters: ItemFilterOptions

    @OptionGroup var time: TimeOptions

    @Option(help: "At most this many items.")
    var limit = 100

    @Option(help: "Only items after this item id in the list's order: the previous page's last (its footer says).")
    var after: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1, not \(limit)") }
    }

    func run() throws {
        let stateDirectory = try options.open(needsKey: false)
        var query = try filters.query(limit: limit)
        query.after = after
        try ItemPaging(query: query, limit: limit).run(
            json: json, time: time.display, fetch: { try stateDirectory.perform(.list($0)) }, emit: { print($0) })
    }
}
