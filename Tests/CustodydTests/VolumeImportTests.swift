import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `custodyd import` of FAT and exFAT images, end to end: every file stored with the hash the
/// independent tools give, FAT's local times recorded with their zone, the image untouched — and with
/// `--wipe`, exactly the verified files gone and a filesystem the checkers call clean.
@Suite(.serialized) struct VolumeImportTests {
    @Test func importingAFATImageStoresEveryFileWithTheHashMcopyGivesAndChangesNothing() throws {
        let fixture = try CLIFixture("importFATImage")
        let image = try VolumeImages.make("fat16-mbr", at: fixture.directory.file("camera.img"))
        let before = try sha256Hex(ofFile: image)
        let expected = try VolumeImages.mtoolsHashes(image, scratch: fixture.directory.path)

        let result = try fixture.run("import", "--device", "CAM7", "--time-zone", "Europe/Berlin", image)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(expected.count) verified"))
        let items = try fixture.itemsByPath()
        #expect(Set(items.keys) == Set(expected.keys))
        for (path, hash) in expected {
            let item = try #require(items[path])
            #expect(item["sha256"] as? String == hash)
            #expect(item["state"] as? String == "verified")
            let source = try #require(item["source"] as? [String: Any])
            #expect(source["root"] as? String == image)
            #expect(source["device"] as? String == "CAM7")
            #expect((source["modified_zone"] as? String)?.hasPrefix("Europe/Berlin (assumed") == true)
            #expect((source["modified_raw"] as? String)?.contains("FAT date") == true)
        }
        #expect(try sha256Hex(ofFile: image) == before)

        // A second import finds every file already stored.
        let again = try fixture.run("import", "--time-zone", "Europe/Berlin", image)
        #expect(again.stdout.contains("0 verified, \(expected.count) already stored"), "\(again.stdout)")
        #expect(try fixture.json("verify", "--deep")["ok"] as? Bool == true)
    }

    @Test func wipeIsRefusedForADirectory() throws {
        let fixture = try CLIFixture("wipeDirectory")
        try fixture.put("a.mp4", testBytes(count: 10, seed: 1))
        let result = try fixture.run("import", "--wipe", fixture.source)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--wipe deletes only from an image or block device"))
        #expect(FileManager.default.fileExists(atPath: fixture.source + "/a.mp4"))
        #expect(try fixture.itemsByPath().isEmpty)
    }
}
