import Catalog
import CustodyCore
import CustodyTesting
import EvidenceStore
import Foundation
import Ingest
import SystemPackage
import Testing

/// Each interrupted state the commit protocol can leave, built directly, then recovered.
@Suite struct RecoveryTests {
    func sealed(_ fixture: ImportFixture, _ bytes: [UInt8]) throws -> WrittenObject {
        try ObjectWriter(store: fixture.store, keyEncryptionKey: fixture.kek).write(
            id: EvidenceID(), expectedLength: Int64(bytes.count), read: feeding(bytes))
    }

    func record(_ object: WrittenObject) -> ItemRecord {
        ItemRecord(
            id: object.id, state: .stored, sha256: object.sha256, ciphertextSHA256: object.ciphertextSHA256,
            size: object.size,
            ciphertextSize: object.ciphertextSize, wrappedKey: object.wrappedKey,
            source: SourceReference(
                deviceID: nil, root: "/src", path: RawPath("\(object.id)"), size: object.size,
                modificationTimeNanoseconds: 0),
            ingestedAt: Date(), verifiedAt: nil)
    }

    @Test func partialObjectsAreRemoved() throws {
        let fixture = try ImportFixture("partialObjects")
        _ = try sealed(fixture, testBytes(count: 100, seed: 1))
        let report = try fixture.recovery()
        #expect(report.temporaryObjectsRemoved == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.store.temporaryDirectory.string).isEmpty)
    }

    @Test func renamedButUncataloguedObjectsAreRemovedWithTheirIntent() throws {
        let fixture = try ImportFixture("intents")
        let object = try sealed(fixture, testBytes(count: 100, seed: 2))
        try fixture.catalog.recordIntents([(object.id, object.ciphertextSHA256)])
        let path = try fixture.store.commit(object)
        let report = try fixture.recovery()
        #expect(report.intentsDiscarded == 1)
        #expect(!FileManager.default.fileExists(atPath: path.string))
        #expect(try fixture.catalog.pendingObjects().isEmpty)
        #expect(try fixture.store.committedObjectNames().isEmpty)
    }

    @Test func storedItemsAreVerifiedOrDiscardedNeverLeftStored() throws {
        let fixture = try ImportFixture("storedItems")
        let good = try sealed(fixture, testBytes(count: 5000, seed: 3))
        let bad = try sealed(fixture, testBytes(count: 5000, seed: 4))
        for object in [good, bad] { _ = try fixture.store.commit(object) }
        try fixture.catalog.recordStored([record(good), record(bad)], events: [])
        // Damage the second object on disk, as a failing sector would.
        let badPath = fixture.store.objectPath(for: bad.ciphertextSHA256).string
        var raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: badPath)))
        raw[100] ^= 1
        try Data(raw).write(to: URL(fileURLWithPath: badPath))

        let report = try fixture.recovery()
        #expect(report.itemsVerified == 1)
        #expect(report.itemsDiscarded == 1)
        #expect(try fixture.catalog.item(matching: good.id.description).state == .verified)
        #expect(throws: CatalogError.self) { try fixture.catalog.item(matching: bad.id.description) }
        #expect(!FileManager.default.fileExists(atPath: badPath))
        #expect(try fixture.catalog.items(in: .stored).isEmpty)
    }
}
