import Catalog
import CustodyCore
import CustodyTesting
import EvidenceStore
import Foundation
import SystemPackage
import Testing

@testable import CustodyDaemon

/// The shred service: after the grace period the key is erased and the object gone; a crash between
/// the catalog's commit and the object's removal is finished at the next start.
@Suite struct ShredServiceTests {
    let directory: TemporaryDirectory
    let state: StateDirectory
    let root = AuditActor(uid: 0, name: "root")

    init() throws {
        directory = try TemporaryDirectory("ShredServiceTests")
        state = try StateDirectory.initialise(
            at: FilePath(directory.file("state")), keyPath: FilePath(directory.file("custody.kek")), actor: root)
    }

    /// A trashed item with no grace period, with a committed object file of 4 KiB.
    func trashedItem(seed: UInt64) throws -> ItemRecord {
        let record = ItemRecord(
            id: EvidenceID(), state: .stored, sha256: SHA256Digest(bytes: testBytes(count: 32, seed: seed))!,
            ciphertextSHA256: SHA256Digest(bytes: testBytes(count: 32, seed: seed + 1000))!, size: 10,
            ciphertextSize: 90, wrappedKey: testBytes(count: 60, seed: seed + 2000),
            source: SourceReference(
                deviceID: nil, root: "/import", path: RawPath("DCIM/\(seed).mp4"), size: 10, modificationTimeNanoseconds: 5),
            ingestedAt: Date(), verifiedAt: nil)
        try state.catalog.recordStored([record], events: [])
        let path = state.store.objectPath(for: record.ciphertextSHA256)
        try FileManager.default.createDirectory(atPath: path.removingLastComponent().string, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: path.string, contents: Data(testBytes(count: 4096, seed: seed))))
        let request = try state.catalog.requestDeletion(
            of: [record.id], reason: "recorded by mistake", notDue: true, grace: 0, who: "account:alice", at: Date(),
            events: { _ in [] }, by: root)
        _ = try state.catalog.approveDeletion(request.id, who: "account:bob", at: Date(), events: { _ in [] }, by: root)
        return record
    }

    func objectExists(_ item: ItemRecord) -> Bool {
        FileManager.default.fileExists(atPath: state.store.objectPath(for: item.ciphertextSHA256).string)
    }

    @Test func aPassErasesTheKeyAndRemovesTheObject() throws {
        let item = try trashedItem(seed: 1)
        ShredService.pass(catalog: state.catalog, store: state.store, at: Date(), logger: quietLogger, stop: StopSignal())
        #expect(try state.catalog.item(matching: item.id.description).isTombstone)
        #expect(!objectExists(item))
        #expect(try state.catalog.lastAudited(.itemShredded) != nil)
    }

    @Test func aStartFinishesAShredACrashInterrupted() throws {
        let item = try trashedItem(seed: 1)
        // The crash: the catalog committed the shred, the object was not removed yet.
        _ = try state.catalog.shred([item], at: Date()) { _, _ in [] }
        #expect(objectExists(item))
        ShredService.finishInterrupted(catalog: state.catalog, store: state.store, logger: quietLogger, stop: StopSignal())
        #expect(!objectExists(item))
    }
}
