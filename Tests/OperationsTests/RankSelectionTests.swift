import Catalog
import CustodyTesting
import Foundation
import Testing

@testable import Operations

/// The report's selections against sorting: the element at each rank, whatever the input's order or
/// its repeats, and the latest late items with their ties broken by id.
@Suite struct RankSelectionTests {
    /// Deterministic inputs: random ones from a fixed seed, and the shapes that break naive pivots.
    static func inputs() -> [[Double]] {
        var generator = SplitMix64(seed: 14)
        var arrays: [[Double]] = [[7], [3, 3], Array(repeating: 5, count: 64)]
        arrays.append((0..<200).map(Double.init))
        arrays.append((0..<200).reversed().map(Double.init))
        for size in [2, 3, 10, 99, 257, 1_000] {
            // Few distinct values: many ties.
            arrays.append((0..<size).map { _ in Double(generator.next() % 7) })
            arrays.append((0..<size).map { _ in Double(generator.next() % 1_000_000) / 3 })
        }
        return arrays
    }

    @Test func everyRankIsTheSortedElement() {
        for input in Self.inputs() {
            let sorted = input.sorted()
            // Every rank of the small inputs; of the large ones, every 37th and the ends.
            let ranks =
                input.count <= 257
                ? Array(input.indices) : Array(stride(from: 0, to: input.count, by: 37)) + [input.count - 1]
            for rank in ranks {
                var values = input
                #expect(values.selectElement(atSortedOffset: rank) == sorted[rank], "rank \(rank) of \(input.count)")
                #expect(values.sorted() == sorted, "selection only reorders")
            }
        }
    }

    @Test func theLatestLateItemsAreThoseASortWouldPutFirst() {
        var generator = SplitMix64(seed: 12)
        let day: TimeInterval = 86_400
        let facts = (0..<1_000).map { index in
            SupervisionItemFacts(
                id: String(format: "%04d", Int(generator.next() % 10_000)) + "-\(index)", officer: nil, unit: nil,
                recordedAt: Date(timeIntervalSince1970: 0), ingestedAt: Date(timeIntervalSince1970: day),
                reviewState: nil,
                outcome: nil, categories: [], viewed: false)
        }
        // Delays with many ties, so the 100th place falls inside a run of equal delays.
        let late = facts.indices.map { (delay: day + Double(generator.next() % 20) * 3_600, fact: $0) }
        let expected = late.sorted {
            $0.delay != $1.delay ? $0.delay > $1.delay : facts[$0.fact].id < facts[$1.fact].id
        }.prefix(100).map { facts[$0.fact].id }
        #expect(SupervisionFigures.latest(late, of: facts) == expected)
        #expect(SupervisionFigures.latest(Array(late.prefix(30)), of: facts).count == 30)
    }
}
