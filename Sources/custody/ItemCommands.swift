import ArgumentParser
import ControlProtocol
import CustodyCommandLine
import Foundation

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List items, newest first.")

    @OptionGroup var socket: SocketOptions

    @OptionGroup var filters: ItemFilterOptions

    @Option(help: "At most this many items (1 to 1000).")
    var limit = 100

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1...ControlLimits.maxListLimit).contains(limit) else {
            throw ValidationError("--limit must be 1 to \(ControlLimits.maxListLimit), not \(limit)")
        }
    }

    func run() throws {
        let response = try ControlClient(socketPath: socket.path).call(.list(filters.query(limit: limit)))
        let items = response.items ?? []
        if json {
            try printJSON(ItemListView(items: items))
            return
        }
        for line in ItemListing.lines(items) { print(line) }
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

    func run() throws {
        let response = try ControlClient(socketPath: socket.path).call(.show(id))
        guard let item = response.item else {
            throw ControlClientError(code: .protocol, message: "custodyd answered a show request without an item")
        }
        let audit = response.audit ?? []
        if json {
            var detail = ItemDetailView(item: item, metadata: response.metadata, audit: audit)
            detail.review = response.review
            try printJSON(detail)
            return
        }
        for line in ItemDetailText.lines(item, metadata: response.metadata, audit: audit, review: response.review) {
            print(line)
        }
    }
}
