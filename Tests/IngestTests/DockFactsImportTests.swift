import CameraVolumes
import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import Ingest
import SystemPackage
import Testing

/// A dock session's facts reach every item it stores: the typed columns, `item.stored`, and the
/// recorded-at correction.
@Suite struct DockFactsImportTests {
    @Test func everyItemOfASessionCarriesItsSessionAndMeasuredOffset() throws {
        let fixture = try ImportFixture("dockFactsImport")
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/demo-volume").path
        let clip = "DCIM/100MEDIA/20240501_100000_0001_DEV0001_P1234.MP4"
        try fixture.put("clip.mp4", Array(try Data(contentsOf: URL(fileURLWithPath: demo + "/" + clip))))
        try fixture.put("note.bin", testBytes(count: 3000, seed: 7))
        let facts = DockFacts(sessionID: EvidenceID(), clockOffset: ClockOffset(seconds: 12, method: .deviceProtocol))
        _ = try fixture.importer().importVolume(
            DirectoryVolume(root: FilePath(fixture.source)), deviceID: "DEV0001", dock: facts)

        let items = try fixture.itemsByPath()
        #expect(items.count == 2)
        for item in items.values { #expect(item.dock == facts) }
        let video = try #require(items["clip.mp4"])
        let stored = try #require(try fixture.catalog.auditEntries(for: video.id).first { $0.action == "item.stored" })
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(stored.detail.utf8)) as? [String: String])
        #expect(detail["session"] == facts.sessionID.description)
        #expect(detail["clock_offset_ms"] == "12000")
        #expect(detail["clock_offset_method"] == "device_protocol")
        let recorded = try #require(try fixture.catalog.mediaMetadata(for: video.id)?.recordedAt)
        #expect(recorded.corrected == recorded.time.addingTimeInterval(-12))
        let summary = try #require(try fixture.catalog.item(matching: video.id.description).media)
        #expect(summary.recordedAt == recorded.time.addingTimeInterval(-12))
    }

    @Test func aFolderImportHasNoDockFacts() throws {
        let fixture = try ImportFixture("dockFactsFolder")
        try fixture.put("a.bin", testBytes(count: 100, seed: 1))
        _ = try fixture.runImport()
        let item = try #require(try fixture.itemsByPath()["a.bin"])
        #expect(item.dock == nil)
        let stored = try #require(try fixture.catalog.auditEntries(for: item.id).first)
        #expect(!stored.detail.contains("session"))
    }
}
