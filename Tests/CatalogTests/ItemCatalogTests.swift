import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

@Suite struct ItemCatalogTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog

    init() throws {
        directory = try TemporaryDirectory("ItemCatalogTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
    }

    func record(device: String?, at date: Date, seed: UInt64, path: String = "DCIM/a.mp4") -> ItemRecord {
        ItemRecord(
            id: EvidenceID(), state: .stored, sha256: SHA256Digest(bytes: testBytes(count: 32, seed: seed))!,
            ciphertextSHA256: SHA256Digest(bytes: testBytes(count: 32, seed: seed + 1000))!, size: 10,
            ciphertextSize: 90,
            wrappedKey: [UInt8](repeating: 9, count: 60),
            source: SourceReference(
                deviceID: device, root: "/import", path: RawPath(path), size: 10, modificationTimeNanoseconds: 5),
            ingestedAt: date, verifiedAt: nil)
    }

    @Test func filtersByDeviceTimeAndHashPrefixNewestFirst() throws {
        let day = Date(timeIntervalSince1970: 1_714_521_600)  // 2024-05-01
        let items = (0..<20).map { n in
            record(
                device: n % 2 == 0 ? "DEV1" : "DEV2", at: day.addingTimeInterval(Double(n) * 3600 * 6), seed: UInt64(n))
        }
        try catalog.recordStored(items, events: [])
        let firstDay = try catalog.items(
            matching: ItemFilter(deviceID: "DEV1", ingestedFrom: day, ingestedBefore: day.addingTimeInterval(86400)))
        #expect(firstDay.map(\.id) == [items[2].id, items[0].id])

        let target = items[7]
        let byHash = try catalog.items(
            matching: ItemFilter(sha256Prefix: String(target.sha256.hex.prefix(5)).uppercased()))
        #expect(byHash.map(\.id) == [target.id])
        #expect(throws: CatalogError.self) { try catalog.items(matching: ItemFilter(sha256Prefix: "zz")) }
        #expect(try catalog.item(matching: String(target.id.description.prefix(8))).id == target.id)
    }

    @Test func lifecycleOnlyMovesForwardAndProvenanceIsWriteOnce() throws {
        let item = record(device: nil, at: Date(), seed: 1)
        try catalog.recordStored([item], events: [AuditEvent(action: .itemStored, itemID: item.id)])
        try catalog.recordVerified([item.id], events: [])
        #expect(try catalog.item(matching: item.id.description).state == .verified)
        #expect(throws: CatalogError.self) { try catalog.recordVerified([item.id], events: []) }
        #expect(throws: CatalogError.self) { try catalog.removeUnverifiedItem(item.id, reason: "test") }

        let queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE item SET state = 'stored', verified_at = NULL") }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE item SET sha256 = zeroblob(32)") }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE item SET verified_at = NULL") }
        }
    }

    @Test func nonUTF8PathsAreKeptAsBytesAndShownEscaped() throws {
        var item = record(device: nil, at: Date(), seed: 2)
        item.source.path = RawPath(bytes: Array("DCIM/bad".utf8) + [0xff, 0x0a] + Array(".mp4".utf8))
        try catalog.recordStored([item], events: [])
        let found = try catalog.itemsFromSameSource(item.source).first
        #expect(found?.source.path == item.source.path)
        #expect(item.source.path.displayString == "DCIM/bad\\xff\\x0a.mp4")
        #expect(RawPath("中文/录像.mp4").displayString == "中文/录像.mp4")
    }
}
