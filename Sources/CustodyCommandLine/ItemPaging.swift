import ControlProtocol
import Foundation

/// `list` past one response: pages of at most `ControlLimits.maxListLimit` items, each after the
/// previous page's last item (`--after`), printed as they arrive for people, so `--limit 50000`
/// streams instead of building one huge response (DESIGN §14).
public struct ItemPaging {
    /// The filters; `after` is where the listing starts.
    public var query: ItemQuery
    /// The most items listed in all.
    public var limit: Int

    /// Pages `query` until `limit` items or the last match.
    public init(query: ItemQuery, limit: Int) {
        self.query = query
        self.limit = limit
    }

    /// Lists through `fetch` (the socket or the local catalog); people's lines go to `emit` as each page
    /// arrives, with the total and the next cursor in the footer; with `json`, one `ItemListView`.
    /// - Throws: whatever `fetch` throws.
    public func run(
        json: Bool, time: TimeDisplay, fetch: (ItemQuery) throws -> ControlResponse, emit: (String) -> Void
    ) throws {
        var table = ItemListing.Table(time: time)
        var collected: [ItemView] = []
        var listed = 0
        var total: Int?
        var page = query
        page.total = true
        var next: String?
        repeat {
            page.limit = min(limit - listed, ControlLimits.maxListLimit)
            let response = try fetch(page)
            let items = response.items ?? []
            // The total once, from the first page: later pages need not count again.
            if page.total == true { total = response.total }
            page.total = nil
            listed += items.count
            if json { collected += items } else { table.lines(items).forEach(emit) }
            let more = items.count == page.limit && (total.map { listed < $0 } ?? true)
            next = more ? items.last?.id : nil
            page.after = next
        } while next != nil && listed < limit
        if json {
            var view = ItemListView(items: collected)
            view.total = total
            view.next = next
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            emit(String(decoding: try encoder.encode(view), as: UTF8.self))
        } else {
            emit(ItemListing.footer(count: listed, total: total, next: next))
        }
    }
}
