import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Testing

/// The dock session and clock offset of an item are typed, write-once columns; the clock-set history
/// is append-only.
@Suite struct DockFactsCatalogTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog

    init() throws {
        directory = try TemporaryDirectory("DockFactsCatalogTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 1, count: 16))
    }

    func record(dock: DockFacts?, seed: UInt64) -> ItemRecord {
        var record = ItemRecord(
            id: EvidenceID(), state: .stored, sha256: SHA256Digest(bytes: testBytes(count: 32, seed: seed))!,
            ciphertextSHA256: SHA256Digest(bytes: testBytes(count: 32, seed: seed + 1000))!, size: 10,
            ciphertextSize: 90, wrappedKey: [UInt8](repeating: 9, count: 60),
            source: SourceReference(
                deviceID: "DEV1", root: "/dock", path: RawPath("DCIM/a.mp4"), size: 10, modificationTimeNanoseconds: 5),
            ingestedAt: Date(), verifiedAt: nil)
        record.dock = dock
        return record
    }

    @Test func anItemKeepsItsSessionAndClockOffset() throws {
        let facts = DockFacts(sessionID: EvidenceID(), clockOffset: ClockOffset(seconds: -7.25, method: .deviceProtocol))
        let measured = record(dock: facts, seed: 1)
        let unmeasured = record(dock: DockFacts(sessionID: EvidenceID()), seed: 2)
        let folder = record(dock: nil, seed: 3)
        try catalog.recordStored([measured, unmeasured, folder], events: [])
        #expect(try catalog.item(matching: measured.id.description).dock == facts)
        #expect(try catalog.item(matching: unmeasured.id.description).dock == unmeasured.dock)
        #expect(try catalog.item(matching: folder.id.description).dock == nil)
    }

    @Test func theDockColumnsAreWriteOnceAndAnOffsetNeedsItsMethod() throws {
        let item = record(dock: DockFacts(sessionID: EvidenceID()), seed: 4)
        try catalog.recordStored([item], events: [])
        let database = try DatabaseQueue(path: directory.file("catalog.sqlite"))
        for column in ["dock_session = '\(EvidenceID())'", "clock_offset_ms = 1000", "clock_offset_method = NULL"] {
            #expect(throws: DatabaseError.self, "\(column)") {
                try database.write { try $0.execute(sql: "UPDATE item SET \(column) WHERE id = ?", arguments: [item.id.description]) }
            }
        }
        let insert = """
            INSERT INTO item (id, state, sha256, ciphertext_sha256, size, ciphertext_size, wrapped_key, source_root,
                source_path, source_path_display, source_size, source_mtime_ns, ingested_at,
                dock_session, clock_offset_ms, clock_offset_method)
            VALUES (?, 'stored', zeroblob(32), randomblob(32), 1, 2, zeroblob(60), '/r', x'61', 'a', 1, 0, 0, ?, ?, ?)
            """
        for (session, milliseconds, method) in [
            (EvidenceID().description, 500 as Int64?, nil as String?), (EvidenceID().description, nil, "device_protocol"),
            (nil, 500, "device_protocol"), (EvidenceID().description, 500, "guessed"),
        ] {
            #expect(throws: DatabaseError.self) {
                try database.write {
                    try $0.execute(sql: insert, arguments: [EvidenceID().description, session, milliseconds, method])
                }
            }
        }
        try database.write {
            try $0.execute(
                sql: insert, arguments: [EvidenceID().description, EvidenceID().description, 500, "device_protocol"])
        }
    }

    @Test func theLastClockSetOfADeviceIsItsNewestAndTheHistoryIsAppendOnly() throws {
        #expect(try catalog.lastClockSet(device: "DEV1") == nil)
        let first = Date(catalogMilliseconds: 1_714_521_600_000)
        let second = first.addingTimeInterval(86_400 * 3)
        try catalog.recordClockSet(device: "DEV1", at: second, session: EvidenceID())
        try catalog.recordClockSet(device: "DEV1", at: first, session: EvidenceID())
        try catalog.recordClockSet(device: "DEV2", at: second.addingTimeInterval(60), session: EvidenceID())
        #expect(try catalog.lastClockSet(device: "DEV1") == second)
        let database = try DatabaseQueue(path: directory.file("catalog.sqlite"))
        let actions = try database.read { try String.fetchAll($0, sql: "SELECT action FROM audit ORDER BY seq") }
        #expect(actions.filter { $0 == "device.clock_set" }.count == 3)
        #expect(throws: DatabaseError.self) {
            try database.write { try $0.execute(sql: "DELETE FROM device_clock_set") }
        }
        #expect(throws: DatabaseError.self) {
            try database.write { try $0.execute(sql: "UPDATE device_clock_set SET set_at = 0") }
        }
    }
}
