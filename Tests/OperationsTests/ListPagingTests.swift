import Catalog
import ControlProtocol
import CustodyCore
import CustodyTesting
import Foundation
import Testing

@testable import Operations

/// `list --after`: pages that neither repeat nor skip an item, in one order, with the total, for an
/// administrator's whole catalog and a reviewer's partitioned scope (DESIGN §14).
@Suite struct ListPagingTests {
    typealias F = OperationsFixture

    /// 2,500 items, seven to an ingest instant (so pages break inside ties), officers P1, R1, P2 and
    /// none in turn: carol (reviewer of NORTH, officer R1) sees P1's and R1's, 1,250.
    func seeded() throws -> F {
        let fixture = try F()
        try fixture.seedPeople()
        try fixture.grant(.reviewer, to: "R1", scope: "NORTH", requestedAs: F.caller("carol"), approvers: [F.root, F.bootstrap])
        let officers: [String?] = ["P1", "R1", "P2", nil]
        for batch in 0..<5 {
            var records: [ItemRecord] = []
            var media: [(id: EvidenceID, metadata: MediaMetadata)] = []
            for index in batch * 500..<(batch + 1) * 500 {
                if index % 7 == 0 { fixture.advance(by: 1) }
                let seed = UInt64(index)
                let record = ItemRecord(
                    id: EvidenceID(), state: .stored, sha256: SHA256Digest(bytes: testBytes(count: 32, seed: seed))!,
                    ciphertextSHA256: SHA256Digest(bytes: testBytes(count: 32, seed: seed + 10_000))!, size: 10,
                    ciphertextSize: 90, wrappedKey: [UInt8](repeating: 9, count: 60),
                    source: SourceReference(
                        deviceID: nil, root: "/import", path: RawPath("DCIM/\(index).mp4"), size: 10,
                        modificationTimeNanoseconds: 5),
                    ingestedAt: fixture.now, verifiedAt: nil)
                records.append(record)
                var metadata = MediaMetadata(kind: .video)
                metadata.nameFields = MediaMetadata.NameFields(
                    rule: "test", deviceID: nil, officerID: officers[index % 4], dateTime: nil, sequence: nil)
                media.append((record.id, metadata))
            }
            try fixture.catalog.recordStored(records, events: [])
            try fixture.catalog.recordMedia(media)
        }
        return fixture
    }

    /// Every page of `pageSize` as `caller`, following each page's last id; the totals each answer gave.
    func pages(_ fixture: F, as caller: Caller, pageSize: Int) throws -> (ids: [String], totals: [Int?]) {
        var ids: [String] = []
        var totals: [Int?] = []
        var query = ItemQuery(limit: pageSize)
        query.total = true
        while true {
            let response = fixture.operations.perform(.list(query), by: caller)
            if let error = response.error { throw error }
            let page = response.items ?? []
            totals.append(response.total)
            ids += page.map(\.id)
            guard page.count == pageSize else { break }
            query.after = page.last?.id.uppercased()  // ids are taken in any case
        }
        return (ids, totals)
    }

    @Test func anAdministratorPagesTheWholeCatalogInOrderWithoutADuplicateOrAGap() throws {
        let fixture = try seeded()
        let (ids, totals) = try pages(fixture, as: F.root, pageSize: 300)
        #expect(ids.count == 2_500)
        #expect(Set(ids).count == 2_500)
        #expect(totals.allSatisfy { $0 == 2_500 })
        #expect(totals.count == 9)  // 8 full pages and the last 100
        // The same order as one unpaged read: newest ingest first, ties by id descending.
        var all = ItemFilter(limit: 10_000)
        all.scope = .all
        #expect(ids == (try fixture.catalog.items(matching: all)).map(\.id.description))
    }

    @Test func aReviewersPartitionedScopePagesWithoutADuplicateOrAGap() throws {
        let fixture = try seeded()
        let (ids, totals) = try pages(fixture, as: F.caller("carol"), pageSize: 250)
        var expected = ItemFilter(limit: 10_000)
        expected.scope = .all
        let visible = try fixture.catalog.items(matching: expected).filter {
            ["P1", "R1"].contains($0.media?.officerID ?? "")
        }
        #expect(ids.count == 1_250 && Set(ids).count == 1_250)
        #expect(ids == visible.map(\.id.description))
        #expect(totals.allSatisfy { $0 == 1_250 })
    }

    @Test func aCursorThatIsNoItemIsRefused() throws {
        let fixture = try seeded()
        var query = ItemQuery(limit: 10)
        query.after = EvidenceID().description
        #expect(fixture.operations.perform(.list(query), by: F.root).error?.code == .notFound)
    }

    @Test func withoutTotalTheAnswerCarriesNone() throws {
        let fixture = try seeded()
        #expect(fixture.operations.perform(.list(ItemQuery(limit: 5)), by: F.root).total == nil)
    }
}
