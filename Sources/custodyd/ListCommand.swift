import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import CustodyDaemon

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List items, newest first.")

    @OptionGroup var options: StateOptions

    @OptionGroup var filters: ItemFilterOptions

    @Option(help: "At most this many items.")
    var limit = 100

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let stateDirectory = try options.open(needsKey: false)
        let response = try stateDirectory.perform(.list(filters.query(limit: limit)))
        let items = response.items ?? []
        if json {
            try printJSON(ItemListView(items: items))
            return
        }
        for line in ItemListing.lines(items) { print(line) }
    }
}
