import ControlProtocol
import CustodyCommandLine
import Foundation
import Testing

/// `list --limit` past one response: the CLI pages with the cursor, prints each page as it comes and
/// the total once, against a fake daemon that honours `after`, `limit` and `total` over 2,500 items.
@Suite struct ItemPagingTests {
    let all = (0..<2_500).map { String(format: "%08d-0000-4000-8000-000000000000", 2_500 - $0) }

    /// Answers like the daemon: the items after `after` in order, at most `limit`, and the total when asked.
    func fetch() -> (ItemQuery) throws -> ControlResponse {
        let all = all
        return { [all] query in
            let start = query.after.map { after in all.firstIndex(of: after)! + 1 } ?? 0
            let ids = all[start...].prefix(query.limit ?? 100)
            var response = ControlResponse.items(
                ids.map {
                    ItemView(
                        id: $0, state: "verified", sha256: "", ciphertextSHA256: "", size: 1, ciphertextSize: 1,
                        source: .init(device: nil, root: "/", path: "x", pathHex: "", size: 1, modified: "-"),
                        ingestedAt: "2024-05-01T00:00:00.000Z")
                }, id: nil)
            response.total = query.total == true ? all.count : nil
            return response
        }
    }

    @Test func aLimitPastOneResponseStreamsEveryItemOnceUnderOneHeader() throws {
        var asked: [ItemQuery] = []
        var lines: [String] = []
        let answer = fetch()
        try ItemPaging(query: ItemQuery(), limit: 10_000).run(
            json: false, time: .chosen(utc: true), fetch: { asked.append($0); return try answer($0) },
            emit: { lines.append($0) })
        #expect(asked.map(\.limit) == [1000, 1000, 1000])
        #expect(asked.map(\.total) == [true, nil, nil])
        #expect(asked[1].after == all[999] && asked[2].after == all[1999])
        #expect(lines.filter { $0.hasPrefix("ID ") }.count == 1)
        let ids = lines.dropFirst().dropLast().map { String($0.prefix(36)) }
        #expect(ids == all)
        #expect(lines.last == "2500 items")
    }

    @Test func aLimitShortOfTheTotalSaysWhereToGoOn() throws {
        var asked: [ItemQuery] = []
        var lines: [String] = []
        let answer = fetch()
        try ItemPaging(query: ItemQuery(), limit: 1_200).run(
            json: false, time: .chosen(utc: true), fetch: { asked.append($0); return try answer($0) },
            emit: { lines.append($0) })
        #expect(asked.map(\.limit) == [1000, 200])
        #expect(lines.last == "1200 of 2500 items; more with --after \(all[1199])")
    }

    @Test func theJSONIsOneDocumentWithTheTotalAndTheNextCursor() throws {
        var asked: [ItemQuery] = []
        var lines: [String] = []
        let answer = fetch()
        var query = ItemQuery()
        query.after = all[99]
        try ItemPaging(query: query, limit: 1_500).run(
            json: true, time: .chosen(utc: true), fetch: { asked.append($0); return try answer($0) },
            emit: { lines.append($0) })
        #expect(lines.count == 1)
        let view = try JSONDecoder().decode(ItemListView.self, from: Data(lines[0].utf8))
        #expect(view.count == 1_500 && view.total == 2_500)
        #expect(view.items.map(\.id) == Array(all[100..<1_600]))
        #expect(view.next == all[1_599])
    }
}
