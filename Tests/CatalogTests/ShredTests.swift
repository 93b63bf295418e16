import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

/// The crypto-shred in the catalog (DESIGN §13): only after the grace period and under no hold; the
/// wrapped key erased in the same statement that makes the tombstone; afterwards no byte sequence of
/// the key is in any file of the directory (catalog, WAL, SHM); the tombstone keeps the hashes.
@Suite struct ShredTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog
    let root = AuditActor(uid: 0, name: "root")

    init() throws {
        directory = try TemporaryDirectory("ShredTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
    }

    /// A verified item with a distinctive random wrapped key, trashed with `grace`.
    func trashedItem(seed: UInt64, grace: TimeInterval) throws -> ItemRecord {
        let record = ItemRecord(
            id: EvidenceID(), state: .stored, sha256: SHA256Digest(bytes: testBytes(count: 32, seed: seed))!,
            ciphertextSHA256: SHA256Digest(bytes: testBytes(count: 32, seed: seed + 1000))!, size: 10,
            ciphertextSize: 90, wrappedKey: testBytes(count: 60, seed: seed + 2000),
            source: SourceReference(
                deviceID: nil, root: "/import", path: RawPath("DCIM/\(seed).mp4"), size: 10,
                modificationTimeNanoseconds: 5),
            ingestedAt: Date(), verifiedAt: nil)
        try catalog.recordStored(
            [record], events: [AuditEvent(action: .itemStored, itemID: record.id, detail: record.storedFacts)])
        try catalog.recordVerified([record.id], events: [AuditEvent(action: .itemVerified, itemID: record.id)])
        let request = try catalog.requestDeletion(
            of: [record.id], reason: "recorded by mistake", notDue: true, grace: grace, who: "account:alice",
            at: Date(),
            events: { _ in [] }, by: root)
        _ = try catalog.approveDeletion(request.id, who: "account:bob", at: Date(), events: { _ in [] }, by: root)
        return record
    }

    /// Whether any 16-byte window of `key` occurs in any file of the directory.
    func keyTraceRemains(_ key: [UInt8]) throws -> Bool {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        let windows = (0...(key.count - 16)).map { Data(key[$0..<($0 + 16)]) }
        for file in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory.file(file)))
            if windows.contains(where: { data.range(of: $0) != nil }) { return true }
        }
        return false
    }

    /// Shreds what is due at `date` and truncates the WAL, as the shred service does.
    func shred(at date: Date) throws -> [ItemRecord] {
        let done = try catalog.shred(try catalog.itemsToShred(at: date), at: date) { item, request in
            [.itemShredded(item, request: request)]
        }
        #expect(try catalog.checkpointTruncating())
        return done
    }

    @Test func nothingIsShreddedBeforeTheGracePeriodEnds() throws {
        let item = try trashedItem(seed: 1, grace: 14 * 86_400)
        #expect(try shred(at: Date()).isEmpty)
        #expect(try catalog.item(matching: item.id.description).wrappedKey == item.wrappedKey)
        // Not by hand either: the schema refuses an early shred and an erased key outside a shred.
        let queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
        #expect(throws: DatabaseError.self) {
            try queue.write {
                try $0.execute(
                    sql: "UPDATE item SET wrapped_key = zeroblob(60) WHERE id = ?", arguments: [item.id.description])
            }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write {
                try $0.execute(
                    sql: "UPDATE deletion_item SET state = 'shredded', shredded_at = trashed_at WHERE item_id = ?",
                    arguments: [item.id.description])
            }
        }
        #expect(try shred(at: Date().addingTimeInterval(15 * 86_400)).map(\.id) == [item.id])
    }

    @Test func theShredLeavesNoTraceOfTheKeyAndATombstone() throws {
        let item = try trashedItem(seed: 1, grace: 0)
        let kept = try trashedItem(seed: 2, grace: 30 * 86_400)
        #expect(try catalog.checkpointTruncating())
        #expect(try keyTraceRemains(item.wrappedKey), "the scan finds a key that is there")
        let shredded = try shred(at: Date())
        #expect(shredded.map(\.id) == [item.id])
        #expect(try !keyTraceRemains(item.wrappedKey))
        #expect(try keyTraceRemains(kept.wrappedKey), "an item still in its grace period keeps its key")
        let tombstone = try catalog.item(matching: item.id.description)
        #expect(tombstone.isTombstone && tombstone.sha256 == item.sha256 && tombstone.size == item.size)
        var tombstones: [EvidenceID] = []
        try catalog.forEachTombstone { tombstones += $0.map(\.id) }
        #expect(try tombstones == [item.id] && catalog.hasTombstones())
        #expect(
            try catalog.isTombstoneObject(item.ciphertextSHA256) && !catalog.isTombstoneObject(kept.ciphertextSHA256))
        #expect(try catalog.isTrashed(item.id))
        // A tombstone is skipped by every sweep (fixity, verify, reprobe) and its key stays erased.
        var swept: [EvidenceID] = []
        try catalog.forEachItem { swept += $0.map(\.id) }
        #expect(swept == [kept.id])
        let queue = try DatabaseQueue(path: directory.file("catalog.sqlite"))
        #expect(throws: DatabaseError.self) {
            try queue.write {
                try $0.execute(
                    sql: "UPDATE item SET wrapped_key = ? WHERE id = ?",
                    arguments: [Data(item.wrappedKey), item.id.description])
            }
        }
        #expect(try catalog.auditEntries(for: item.id).contains { $0.action == "item.shredded" })
    }

    @Test func aHoldPlacedDuringTheGracePeriodKeepsTheKey() throws {
        let item = try trashedItem(seed: 1, grace: 0)
        _ = try catalog.placeHold(
            matter: "M-1", authority: "court", reason: "litigation", items: [item.id], query: nil, who: "account:carol",
            at: Date(), events: { _ in [] }, by: root)
        #expect(try shred(at: Date().addingTimeInterval(86_400)).isEmpty)
        #expect(try catalog.item(matching: item.id.description).wrappedKey == item.wrappedKey)
    }

    @Test func theCrossCheckFindsAnErasedKeyNoShredEntryRecords() throws {
        let stored = try trashedItem(seed: 1, grace: 0)
        let unrecorded = try trashedItem(seed: 2, grace: 0)
        // The one with its entry agrees with the chain; the other's erasure is unaccounted for.
        _ = try catalog.shred([stored], at: Date()) { item, request in [.itemShredded(item, request: request)] }
        _ = try catalog.shred([unrecorded], at: Date()) { _, _ in [] }
        let found = try catalog.crossCheckAuditChain()
        #expect(found.map(\.itemID) == [unrecorded.id.description], "\(found)")
        #expect(found.first?.problem.contains("no item.shredded entry") == true)
    }

    @Test func aReaderMakesTheTruncatingCheckpointGiveWayInsteadOfHoldingTheWriter() throws {
        let item = try trashedItem(seed: 1, grace: 0)
        _ = try catalog.shred([item], at: Date()) { item, request in [.itemShredded(item, request: request)] }
        let reader = try DatabaseQueue(path: directory.file("catalog.sqlite"))
        try reader.inDatabase { db in
            try db.beginTransaction(.deferred)
            _ = try Row.fetchOne(db, sql: "SELECT count(*) FROM item")
            // A reader on the WAL: the checkpoint returns at once, and writes go on meanwhile.
            #expect(try !catalog.checkpointTruncating())
            _ = try trashedItem(seed: 2, grace: 30 * 86_400)
            try db.commit()
        }
        #expect(try catalog.checkpointTruncating())
        #expect(try !keyTraceRemains(item.wrappedKey))
    }

    @Test func everyTombstoneIsReadOnceAcrossPages() throws {
        #expect(try !catalog.hasTombstones())
        let items = try (1...5).map { try trashedItem(seed: UInt64($0) * 10, grace: 0) }
        #expect(try shred(at: Date()).count == 5)
        var pages: [[EvidenceID]] = []
        try catalog.forEachTombstone(batchSize: 2) { pages.append($0.map(\.id)) }
        #expect(pages.map(\.count) == [2, 2, 1])
        #expect(pages.flatMap { $0 } == items.map(\.id).sorted { $0.description < $1.description })
        // Asked between pages: a stop after the first page reads no more.
        var read = 0
        try catalog.forEachTombstone(batchSize: 2, shouldStop: { read > 0 }) { read += $0.count }
        #expect(read == 2)
    }

}
