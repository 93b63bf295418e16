import CameraVolumes
import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import GRDB
import Ingest
import SystemPackage
import Testing

/// The same recording dropped again under another name, root or device is one item with sightings,
/// each audited, not several unrelated items.
@Suite struct SightingTests {
    @Test func theSameRecordingDroppedThreeTimesIsOneItemSeenInThreePlaces() throws {
        let fixture = try ImportFixture("sightingsAcrossRuns")
        let recording = testBytes(count: 70_000, seed: 42)
        try fixture.put("first/A.MP4", recording)
        _ = try fixture.importer().importDirectory(at: FilePath(fixture.source + "/first"), deviceID: "CAM1")
        try fixture.put("second/renamed.mp4", recording)
        let second = try fixture.importer().importDirectory(at: FilePath(fixture.source + "/second"), deviceID: "CAM2")
        try fixture.put("third/DCIM/copy of A.MP4", recording)
        let session = EvidenceID()
        let third = try fixture.importer().importVolume(
            DirectoryVolume(root: FilePath(fixture.source + "/third")), deviceID: nil,
            dock: DockFacts(sessionID: session))

        #expect(second.verified == 0 && second.duplicates == 1)
        #expect(third.verified == 0 && third.duplicates == 1)
        let items = try fixture.itemsByPath()
        #expect(items.count == 1)
        let item = try #require(items["A.MP4"])
        let shown = try fixture.catalog.item(matching: item.id.description)
        #expect(shown.sightings.map(\.source.path.displayString) == ["renamed.mp4", "DCIM/copy of A.MP4"])
        #expect(shown.sightings.map(\.source.deviceID) == ["CAM2", nil])
        #expect(shown.sightings.map(\.source.root) == [fixture.source + "/second", fixture.source + "/third"])
        #expect(shown.sightings.map(\.dockSession) == [nil, session])
        let audit = try fixture.catalog.auditEntries(for: item.id).map(\.action)
        #expect(audit.filter { $0 == "item.sighted" }.count == 2)
        // Only the one stored object: the copies' sealed objects were dropped.
        #expect(try Self.objectCount(fixture) == 1)
    }

    @Test func twoNamesInOneRunAreOneItemAndBothAreWipedAfterItVerified() throws {
        let fixture = try ImportFixture("sightingsInOneRun")
        let recording = testBytes(count: 5000, seed: 9)
        try fixture.put("a.mp4", recording)
        try fixture.put("b.mp4", recording)
        try fixture.put("c.mp4", testBytes(count: 5000, seed: 10))
        let log = EventLog()
        let volume = RecordingVolume(fixture.source, events: log)
        let summary = try fixture.importer(batchFiles: 8).importVolume(volume, deviceID: "CAM1", wipe: true) {
            log.events.append($0)
        }
        #expect(summary.verified == 2)
        #expect(summary.duplicates == 1)
        #expect(summary.failures.isEmpty)
        #expect(volume.wipeRequests == [["a.mp4", "b.mp4", "c.mp4"]])
        let items = try fixture.itemsByPath()
        #expect(items.count == 2)
        let kept = try #require(items["a.mp4"] ?? items["b.mp4"])
        let sightings = try fixture.catalog.sightings(of: kept.id)
        #expect(sightings.count == 1)
        #expect(Set([kept.source.path.displayString, sightings[0].source.path.displayString]) == ["a.mp4", "b.mp4"])
    }

    @Test func theSameFileFromTheSameRootOnAnotherDeviceIsASighting() throws {
        let fixture = try ImportFixture("sightingOtherDevice")
        try fixture.put("a.mp4", testBytes(count: 800, seed: 3))
        _ = try fixture.importer().importDirectory(at: FilePath(fixture.source), deviceID: "READER1")
        _ = try fixture.importer().importDirectory(at: FilePath(fixture.source), deviceID: "READER1")
        _ = try fixture.importer().importDirectory(at: FilePath(fixture.source), deviceID: "READER2")
        let item = try #require(try fixture.itemsByPath()["a.mp4"])
        // A re-dock of the same reader is no new place; another reader is.
        #expect(try fixture.catalog.sightings(of: item.id).map(\.source.deviceID) == ["READER2"])
    }

    @Test func emptyFilesStayItemsOfTheirOwn() throws {
        let fixture = try ImportFixture("sightingsEmpty")
        try fixture.put("a.txt", [])
        try fixture.put("b.txt", [])
        let summary = try fixture.runImport().0
        #expect(summary.verified == 2)
        #expect(summary.duplicates == 0)
        #expect(try fixture.itemsByPath().count == 2)
    }

    @Test func sightingsCannotBeChangedOrRemovedWhileTheirItemExists() throws {
        let fixture = try ImportFixture("sightingsAppendOnly")
        try fixture.put("x/a.mp4", testBytes(count: 800, seed: 5))
        try fixture.put("x/b.mp4", testBytes(count: 800, seed: 5))
        _ = try fixture.runImport()
        let database = try DatabaseQueue(path: fixture.directory.file("state/catalog.sqlite"))
        #expect(try database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM item_sighting") } == 1)
        #expect(throws: DatabaseError.self) {
            try database.write { try $0.execute(sql: "UPDATE item_sighting SET source_root = '/elsewhere'") }
        }
        #expect(throws: DatabaseError.self) {
            try database.write { try $0.execute(sql: "DELETE FROM item_sighting") }
        }
    }

    static func objectCount(_ fixture: ImportFixture) throws -> Int {
        let root = fixture.directory.file("state/objects")
        return (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter {
            $0.split(separator: "/").count == 2
        }.count
    }
}
