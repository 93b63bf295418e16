import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import Logging
import Testing

@testable import CustodyDaemon

/// The retention service's pass: marks what is due, audits it, stops when asked, deletes nothing.
@Suite struct RetentionServiceTests {
    static func catalogWithItem(_ name: String) throws -> (TemporaryDirectory, EvidenceCatalog, EvidenceID) {
        let directory = try TemporaryDirectory(name)
        let catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
        let record = ItemRecord(
            id: EvidenceID(), state: .stored, sha256: SHA256Digest(bytes: testBytes(count: 32, seed: 1))!,
            ciphertextSHA256: SHA256Digest(bytes: testBytes(count: 32, seed: 2))!, size: 10, ciphertextSize: 90,
            wrappedKey: [UInt8](repeating: 9, count: 60),
            source: SourceReference(
                deviceID: nil, root: "/import", path: RawPath("DCIM/1.mp4"), size: 10, modificationTimeNanoseconds: 5),
            ingestedAt: Date(), verifiedAt: nil)
        try catalog.recordStored([record], events: [])
        try catalog.recordVerified([record.id], events: [])
        try catalog.recordMedia([(record.id, MediaMetadata(kind: .video))])
        return (directory, catalog, record.id)
    }

    @Test func aPassMarksWhatIsDueAndAuditsIt() throws {
        let (directory, catalog, id) = try Self.catalogWithItem("RetentionServiceTests-marks")
        _ = directory
        RetentionService.pass(catalog: catalog, at: Date(), logger: quietLogger, stop: StopSignal())
        #expect(try catalog.dueItems().isEmpty)
        RetentionService.pass(catalog: catalog, at: Date().addingTimeInterval(400 * 86_400), logger: quietLogger, stop: StopSignal())
        #expect(try catalog.dueItems().map(\.id) == [id])
        #expect(try catalog.lastAudited(.retentionMarked) != nil)
        // Marked, not deleted: the item is there, as it was.
        #expect(try catalog.item(matching: id.description).state == .verified)
    }

    @Test func aStoppedPassMarksNothing() throws {
        let (directory, catalog, _) = try Self.catalogWithItem("RetentionServiceTests-stopped")
        _ = directory
        let stop = StopSignal()
        stop.raise()
        RetentionService.pass(catalog: catalog, at: Date().addingTimeInterval(400 * 86_400), logger: quietLogger, stop: stop)
        #expect(try catalog.dueItems().isEmpty)
        #expect(try catalog.lastAudited(.retentionMarked) == nil)
    }
}
