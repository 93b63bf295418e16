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

        // A second import finds every file already stored — also when it assumes another zone, since
        // FAT's raw time, not the instant made from it, is what identifies the file.
        let again = try fixture.run("import", "--time-zone", "Asia/Shanghai", image)
        #expect(again.stdout.contains("0 verified, \(expected.count) already stored"), "\(again.stdout)")
        #expect(try fixture.json("verify", "--deep")["ok"] as? Bool == true)
    }

    @Test func importWithWipeDeletesEveryVerifiedFileAndLeavesACleanFATVolume() throws {
        let fixture = try CLIFixture("importWipeFAT")
        let image = try VolumeImages.make("fat32-mbr", at: fixture.directory.file("camera.img"))
        let expected = try VolumeImages.mtoolsHashes(image, scratch: fixture.directory.path)

        let result = try fixture.run("import", "--wipe", "--events", image)
        #expect(result.status == 0, "\(result.stderr)")
        // NDJSON to the last line: every line one JSON object, the summary the last of them.
        let lines = result.stdout.split(separator: "\n")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count, "a line is not a JSON object: \(result.stdout.suffix(300))")
        let summary = try #require(objects.last)
        #expect(summary["event"] as? String == "summary")
        #expect(((summary["verified"] as? NSNumber)?.intValue ?? 0) > 0)
        #expect((summary["wiped"] as? NSNumber)?.intValue == expected.count)
        let events = objects.compactMap { $0 as? [String: String] }
        // Every wipe comes after the last verification: nothing leaves the camera before all verified.
        let lastVerified = try #require(events.lastIndex { $0["event"] == "verified" })
        let firstWiped = try #require(events.firstIndex { $0["event"] == "wiped" })
        #expect(firstWiped > lastVerified)
        #expect(events.filter { $0["event"] == "wiped" }.count == expected.count)

        // Every file is an item, or — content already in an item under another name — a place that
        // item was seen (`show`'s item.seen).
        let items = try fixture.itemsByPath()
        let byHash = Dictionary(items.values.map { ($0["sha256"] as? String ?? "", $0) }) { first, _ in first }
        var places: [String: Set<String>] = [:]
        for (path, hash) in expected {
            if let item = items[path] {
                #expect(item["sha256"] as? String == hash, "\(path)")
                continue
            }
            let id = try #require(byHash[hash]?["id"] as? String, "\(path): its content is in no item")
            if places[id] == nil {
                let seen = (try fixture.json("show", id)["item"] as? [String: Any])?["seen"] as? [[String: Any]] ?? []
                places[id] = Set(seen.compactMap { ($0["source"] as? [String: Any])?["path"] as? String })
            }
            #expect(places[id]?.contains(path) == true, "\(path) is not a place item \(id) was seen")
        }
        #expect(!places.isEmpty, "the full tree has files with the same content under other names")
        #expect(try VolumeImages.mtoolsHashes(image, scratch: fixture.directory.path).isEmpty)
        let fsck = try VolumeImages.fsck(image, exfat: false, scratch: fixture.directory.path)
        #expect(fsck.status == 0, "\(fsck.stdout)")
        let id = try #require(items["FRAG/fragmented.bin"]?["id"] as? String)
        let trail = try fixture.json("show", id)["audit"] as? [[String: Any]] ?? []
        #expect(
            trail.compactMap { $0["action"] as? String }.prefix(4) == [
                "item.stored", "item.verified", "item.probed", "source.wiped",
            ])
    }

    @Test(.enabled(if: geteuid() == 0, "exFAT fixtures are written through exfat-fuse on a loop device (root)"))
    func importWithWipeLeavesACleanExFATVolume() throws {
        let fixture = try CLIFixture("importWipeExFAT")
        let image = try VolumeImages.make("exfat-gpt", at: fixture.directory.file("camera.img"))
        let expected = try VolumeImages.fuseHashes(image, scratch: fixture.directory.path)
        let result = try fixture.run("import", "--wipe", image)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(expected.count) wiped from the volume, 0 kept"), "\(result.stdout)")
        let items = try fixture.itemsByPath()
        for (path, hash) in expected { #expect(items[path]?["sha256"] as? String == hash, "\(path)") }
        #expect(try VolumeImages.fuseHashes(image, scratch: fixture.directory.path).isEmpty)
        let fsck = try VolumeImages.fsck(image, exfat: true, scratch: fixture.directory.path)
        #expect(fsck.status == 0, "\(fsck.stdout)")
    }

    @Test func aBrokenFileIsNotIngestedNotWipedAndTheRestAre() throws {
        let fixture = try CLIFixture("importWipeBroken")
        let image = fixture.directory.file("camera.img")
        try FileManager.default.copyItem(atPath: VolumeImages.corpus + "/fat-chain-loop.img", toPath: image)
        let result = try fixture.run("import", "--wipe", image)
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAILED    A.BIN: A.BIN has a cluster chain that loops"), "\(result.stdout)")
        #expect(result.stdout.contains("4 verified"))
        #expect(result.stdout.contains("4 wiped from the volume, 0 kept"))
        #expect(try fixture.itemsByPath().keys.sorted() == ["B.BIN", "LAST.BIN", "SUB/C.BIN", "长名字 long name.txt"])
        // mtools still lists the broken file, and only it.
        let listing = try run(
            "/usr/bin/mdir", ["-/", "-b", "-i", image, "::/"],
            environment: ["MTOOLS_SKIP_CHECK": "1", "LC_ALL": "C.UTF-8"])
        let files = listing.stdout.split(separator: "\n").filter { !$0.hasSuffix("/") }
        #expect(files == ["::/A.BIN"], "\(listing.stdout)")
    }

    @Test(.enabled(if: geteuid() == 0, "attaching a loop device needs root (CI runs as root)"))
    func aBlockDeviceIsImportedAndWipedLikeAnImage() throws {
        let fixture = try CLIFixture("importBlockDevice")
        let image = try VolumeImages.make("fat16-mbr", at: fixture.directory.file("camera.img"))
        let expected = try VolumeImages.mtoolsHashes(image, scratch: fixture.directory.path)
        let attach = try run("/usr/sbin/losetup", ["-f", "--show", image])
        try #require(attach.status == 0, "\(attach.stderr)")
        let device = attach.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? run("/usr/sbin/losetup", ["-d", device]) }

        let result = try fixture.run("import", "--wipe", "--device", "CAM9", device)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(expected.count) verified"), "\(result.stdout)")
        #expect(result.stdout.contains("\(expected.count) wiped from the volume, 0 kept"), "\(result.stdout)")
        let items = try fixture.itemsByPath()
        for (path, hash) in expected {
            #expect(items[path]?["sha256"] as? String == hash, "\(path)")
            #expect((items[path]?["source"] as? [String: Any])?["root"] as? String == device)
        }
        _ = try run("/usr/sbin/losetup", ["-d", device])
        #expect(try VolumeImages.mtoolsHashes(image, scratch: fixture.directory.path).isEmpty)
        #expect(try VolumeImages.fsck(image, exfat: false, scratch: fixture.directory.path).status == 0)
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
