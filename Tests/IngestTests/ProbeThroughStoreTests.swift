import Catalog
import CustodyCore
import CustodyTesting
import EvidenceStore
import Foundation
import Ingest
import MediaProbe
import SystemPackage
import Testing

/// Probing reads the encrypted store through the decrypting reader: it writes no plaintext anywhere
/// and reads only the bytes it needs.
@Suite(.serialized) struct ProbeThroughStoreTests {
    static let large: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("custody-large-media-\(getpid())")
            .path
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/make-probe-media.sh").path
        let result = try! CustodyTesting.run("/bin/bash", [script, directory, "--large"])
        precondition(result.status == 0, "make-probe-media.sh --large failed: \(result.stderr)")
        return directory
    }()

    @Test func aFaststartMP4IsProbedFromWellUnderTwoPercentOfItsBytesWithoutWritingPlaintext() throws {
        let fixture = try ImportFixture("probeThroughStore")
        let name = "large-faststart.mp4"
        try FileManager.default.copyItem(atPath: Self.large + "/" + name, toPath: fixture.source + "/" + name)
        defer { try? FileManager.default.removeItem(atPath: Self.large + "/" + name) }
        _ = try fixture.runImport()
        let item = try #require(try fixture.itemsByPath()[name])
        #expect(item.media?.kind == .video)
        #expect(item.media?.damage == nil)

        let before = try Self.snapshot([fixture.directory.file("state"), NSTemporaryDirectory()])
        let reader = try ObjectReader(
            path: fixture.store.objectPath(for: item.ciphertextSHA256), id: item.id,
            dataKey: try fixture.kek.unwrap(item.wrappedKey, for: item.id))
        let counting = CountingSource(reader)
        let metadata = MediaProber().probe(counting, context: .init(fileName: name))
        #expect(metadata.kind == .video)
        #expect(metadata.durationSeconds ?? 0 > 7)
        let fraction = Double(counting.bytesRead) / Double(item.size)
        #expect(fraction < 0.02, "read \(counting.bytesRead) of \(item.size) bytes")

        // Nothing new in the state directory; nothing new in the temp directory that holds plaintext
        // (other processes may write there); no file under the state directory holds plaintext.
        let after = try Self.snapshot([fixture.directory.file("state"), NSTemporaryDirectory()])
        let new = after.subtracting(before).filter { !$0.contains("catalog.sqlite") }
        #expect(new.filter { $0.hasPrefix(fixture.directory.path) }.isEmpty)
        let plaintext = try Data(contentsOf: URL(fileURLWithPath: fixture.source + "/" + name))
        let needle = plaintext.subdata(in: (8 << 20)..<((8 << 20) + 4096))
        for path in try Self.files(under: fixture.directory.file("state")) + new {
            guard let contents = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
                continue
            }
            #expect(contents.range(of: needle) == nil, "plaintext found in \(path)")
        }
    }

    @Test func probingAtIngestRecordsMetadataAndAuditsIt() throws {
        let fixture = try ImportFixture("probeAtIngest")
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/demo-volume").path
        let clip = "DCIM/100MEDIA/20240501_100000_0001_DEV0001_P1234.MP4"
        try fixture.put("clip.mp4", Array(try Data(contentsOf: URL(fileURLWithPath: demo + "/" + clip))))
        try fixture.put("20240501_101000_0002_DEV0001_P1234.bin", testBytes(count: 5000, seed: 1))
        _ = try fixture.runImport()
        let items = try fixture.itemsByPath()
        let video = try #require(items["clip.mp4"])
        #expect(video.media?.kind == .video)
        #expect(video.media?.recordedAtSource == "container")
        #expect(video.media?.durationMilliseconds == 3000)
        let metadata = try #require(try fixture.catalog.mediaMetadata(for: video.id))
        #expect(metadata.streams.map(\.codec) == ["h264", "aac"])
        #expect(
            try fixture.catalog.auditEntries(for: video.id).map(\.action) == [
                "item.stored", "item.verified", "item.probed",
            ])

        let other = try #require(items["20240501_101000_0002_DEV0001_P1234.bin"])
        #expect(other.media?.kind == .other)
        #expect(other.media?.officerID == "P1234")
        #expect(other.media?.recordedAtSource == "file_name")
        let found = try fixture.catalog.items(
            matching: ItemFilter(officerID: "P1234", kind: .other, hasLocation: false))
        #expect(found.map(\.id) == [other.id])
    }

    static func files(under root: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        return enumerator.compactMap { $0 as? String }.map { root + "/" + $0 }.filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
    }

    static func snapshot(_ roots: [String]) throws -> Set<String> {
        Set(try roots.flatMap { try files(under: $0) })
    }
}
