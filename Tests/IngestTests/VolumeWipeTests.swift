import CameraVolumes
import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import Ingest
import SystemPackage
import Testing

/// A directory volume that records what the importer asks it to wipe, and when: the wipe policy of
/// the pipeline (only verified files, only after the whole run verified) tested apart from any
/// filesystem.
final class RecordingVolume: CameraVolume {
    let inner: DirectoryVolume
    var wipeRequests: [[String]] = []
    /// How many events had been seen when the wipe was asked for.
    var eventsBeforeWipe: Int?
    let events: EventLog

    init(_ root: String, events: EventLog) {
        inner = DirectoryVolume(root: FilePath(root))
        self.events = events
    }

    var root: String { inner.root }
    var summary: String { "recording \(inner.summary)" }
    func walk(_ visit: (VolumeItem) throws -> Void) throws { try inner.walk(visit) }
    func open(_ file: VolumeFile) throws -> any VolumeFileReader { try inner.open(file) }
    func wipe(_ files: [VolumeFile]) throws -> WipeReport {
        wipeRequests.append(files.map(\.path.displayString).sorted())
        eventsBeforeWipe = events.events.count
        var report = WipeReport()
        report.wiped = files.map(\.path)
        return report
    }
}

@Suite struct VolumeWipeTests {
    @Test func onlyVerifiedFilesAreWipedAndOnlyAfterTheWholeRunVerified() throws {
        let fixture = try ImportFixture("wipePolicy")
        try fixture.put("a.mp4", testBytes(count: 1000, seed: 1))
        try fixture.put("b-grows.mp4", testBytes(count: 10 << 20, seed: 2))
        try fixture.put("c.mp4", testBytes(count: 3000, seed: 3))
        let log = EventLog()
        let volume = RecordingVolume(fixture.source, events: log)
        let grows = fixture.source + "/b-grows.mp4"
        let summary = try fixture.importer(batchFiles: 1).importVolume(volume, deviceID: "CAM1", wipe: true) {
            event in
            log.events.append(event)
            // b grows while it is read: it fails, and must stay on the volume.
            if case .progress(let path, let bytes) = event, path.displayString == "b-grows.mp4", bytes == 4 << 20 {
                let handle = FileHandle(forWritingAtPath: grows)!
                handle.seekToEndOfFile()
                handle.write(Data([1]))
                try? handle.close()
            }
        }
        #expect(summary.verified == 2)
        #expect(summary.failures.map(\.path) == ["b-grows.mp4"])
        #expect(summary.wiped == 2)
        #expect(volume.wipeRequests == [["a.mp4", "c.mp4"]])
        // Asked once, after every verification of the run.
        let lastVerified = try #require(log.events.lastIndex { if case .verified = $0 { true } else { false } })
        #expect(try #require(volume.eventsBeforeWipe) > lastVerified)
        let items = try fixture.itemsByPath()
        for path in ["a.mp4", "c.mp4"] {
            let item = try #require(items[path])
            #expect(item.state == .verified)
            #expect(try fixture.catalog.auditEntries(for: item.id).map(\.action).last == "source.wiped")
        }
    }

    @Test func aFileAlreadyStoredAndVerifiedIsWipedWhenSeenAgain() throws {
        let fixture = try ImportFixture("wipeDuplicate")
        try fixture.put("a.mp4", testBytes(count: 1000, seed: 4))
        _ = try fixture.runImport()
        let log = EventLog()
        let volume = RecordingVolume(fixture.source, events: log)
        let summary = try fixture.importer().importVolume(volume, deviceID: "CAM1", wipe: true) {
            log.events.append($0)
        }
        #expect(summary.duplicates == 1)
        #expect(volume.wipeRequests == [["a.mp4"]])
    }

    @Test func withoutWipeNothingIsAsked() throws {
        let fixture = try ImportFixture("noWipe")
        try fixture.put("a.mp4", testBytes(count: 1000, seed: 5))
        let volume = RecordingVolume(fixture.source, events: EventLog())
        _ = try fixture.importer().importVolume(volume, deviceID: "CAM1")
        #expect(volume.wipeRequests.isEmpty)
    }
}
