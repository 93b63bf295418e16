import CustodyCore
import CustodyTesting
import Foundation
import Testing

@testable import CameraVolumes

/// exFAT images made by mkfs.exfat and filled through exfat-fuse: Custody must list and read every
/// file exactly as the FUSE mount shows it. Mounting needs root (CI runs as root).
@Suite(.serialized) struct ExFATReadTests {
    @Test(
        .enabled(if: isRoot, "exFAT fixtures are written through exfat-fuse on a loop device (root)"),
        arguments: [("exfat-tree", "none"), ("exfat-gpt", "GPT")])
    func everyFileHasTheHashTheFUSEMountGives(scenario: String, scheme: String) throws {
        let directory = try TemporaryDirectory("exfatRead-\(scenario)")
        let image = try VolumeImages.make(scenario, at: directory.file("volume.img"))
        let volume = try #require(try openVolume(image) as? ExFATVolume)
        #expect(volume.partition.scheme == scheme)

        let expected = try VolumeImages.fuseHashes(image, scratch: directory.path)
        let reading = try read(volume)
        #expect(reading.failures.isEmpty, "\(reading.failures)")
        #expect(reading.hashes.count == expected.count)
        for (path, hash) in expected {
            #expect(reading.hashes[path] == hash, "\(path)")
        }
        #expect(Set(reading.hashes.keys) == Set(expected.keys))
    }

    @Test(.enabled(if: isRoot, "exFAT fixtures are written through exfat-fuse on a loop device (root)"))
    func theFullTreeHasItsHardCases() throws {
        let directory = try TemporaryDirectory("exfatHardCases")
        let image = try VolumeImages.make("exfat-tree", at: directory.file("volume.img"))
        let volume = try #require(try openVolume(image) as? ExFATVolume)
        let reading = try read(volume)
        #expect(reading.hashes.keys.filter { $0.hasPrefix("MANY/Clip") }.count == 1100)
        #expect(reading.hashes["录像/执法记录仪 2024年05月01日 视频.mp4"] != nil)
        #expect(reading.hashes["Mixed Case Folder/MiXeD.CaSe.Mp4"] != nil)
        #expect(reading.hashes["Mixed Case Folder/lower.txt"] != nil)
        let deep = (1...24).map { "level\($0)" }.joined(separator: "/") + "/deep.bin"
        #expect(reading.hashes[deep] != nil)
        #expect(reading.hashes["zero length file.txt"] == sha256Hex([]))
        // exfat-fuse writes contiguous files without a FAT chain, and falls back to a chain when a
        // file cannot stay contiguous: both kinds are on this volume, and both read right.
        let files = reading.files.values.compactMap { file -> ExFATVolume.Stream? in
            if case .exfat(let location) = file.location { return location.stream }
            return nil
        }
        #expect(files.contains { $0.noFatChain && $0.dataLength > 0 })
        #expect(files.contains { !$0.noFatChain && $0.dataLength > 0 })
        let fragmented = try #require(reading.files["FRAG/fragmented.bin"])
        let reader = try #require(try volume.open(fragmented) as? ClusterFileReader)
        #expect(reader.runs.count > 1)
        // The up-case table maps ASCII and beyond (Latin-1 é to É).
        #expect(volume.upcase[0x61] == 0x41)
        #expect(volume.upcase[0xe9] == 0xc9)
    }

    @Test(.enabled(if: isRoot, "exFAT fixtures are written through exfat-fuse on a loop device (root)"))
    func aFileOverFourGiBReadsWholeWithItsTailPastTheBoundary() throws {
        let directory = try TemporaryDirectory("exfatHuge")
        let image = try VolumeImages.make("exfat-big", at: directory.file("volume.img"))
        let volume = try openVolume(image)
        let reading = try read(volume, buffer: 8 << 20)
        #expect(reading.failures.isEmpty, "\(reading.failures)")
        #expect(reading.files["huge.bin"]?.size == 4608 << 20)
        let expected = try VolumeImages.fuseHashes(image, scratch: directory.path)
        #expect(reading.hashes["huge.bin"] == expected["huge.bin"])
    }
}
