import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import Foundation

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List items, newest first.")

    @OptionGroup var socket: SocketOptions

    @OptionGroup var filters: ItemFilterOptions

    @OptionGroup var time: TimeOptions

    @Option(help: "At most this many items; past 1000 they are fetched and printed page by page.")
    var limit = 100

    @Option(help: "Only items after this item id in the list's order: the previous page's last (its footer says).")
    var after: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1, not \(limit)") }
    }

    func run() throws {
        var query = try filters.query(limit: limit)
        query.after = after
        let path = socket.path
        // One connection a page, as every other call: the daemon answers one request per connection.
        try ItemPaging(query: query, limit: limit).run(
            json: json, time: time.display, fetch: { try ControlClient(socketPath: path).call(.list($0)) },
            emit: { print($0) })
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one item and its audit trail.")

    @OptionGroup var socket: SocketOptions

    @Argument(help: "Item id, or its first 8 or more characters.")
    var id: String

    @Flag(help: "Print JSON.")
    var json = false

    @OptionGroup var time: TimeOptions

    func run() throws {
        let response = try ControlClient(socketPath: socket.path).call(.show(id))
        guard let item = response.item else {
            throw ControlClientError(code: .protocol, message: "custodyd answered a show request without an item")
        }
        let audit = response.audit ?? []
        if json {
            var detail = ItemDetailView(item: item, metadata: response.metadata, audit: audit)
            detail.review = response.review
            detail.tombstone = response.tombstone
            try printJSON(detail)
            return
        }
        for line in ItemDetailText.lines(
            item, metadata: response.metadata, audit: audit, review: response.review, tombstone: response.tombstone, time: time.display) {
            print(line)
        }
    }
}
