import CustodyCore
import CustodyTesting
import Foundation
import Testing

@testable import CameraVolumes

/// FAT images made by mkfs.vfat and mtools: Custody must list and read every file exactly as `mcopy`
/// extracts it, whatever the FAT width and partitioning.
@Suite struct FATReadTests {
    @Test(arguments: [
        ("fat32-tree", "FAT32", "none"), ("fat32-mbr", "FAT32", "MBR"), ("fat16-mbr", "FAT16", "MBR"),
        ("fat12-gpt", "FAT12", "GPT"),
    ])
    func everyFileHasTheHashMcopyGives(scenario: String, kind: String, scheme: String) throws {
        let directory = try TemporaryDirectory("fatRead-\(scenario)")
        let image = try VolumeImages.make(scenario, at: directory.file("volume.img"))
        let volume = try #require(try openVolume(image) as? FATVolume)
        #expect(volume.kind == kind)
        #expect(volume.partition.scheme == scheme)
        #expect(volume.root == image)

        let expected = try VolumeImages.mtoolsHashes(image, scratch: directory.path)
        let reading = try read(volume)
        #expect(reading.failures.isEmpty, "\(reading.failures)")
        #expect(reading.hashes.count == expected.count)
        for (path, hash) in expected {
            #expect(reading.hashes[path] == hash, "\(path)")
        }
        #expect(Set(reading.hashes.keys) == Set(expected.keys))
    }

    @Test func theFullTreeHasItsHardCases() throws {
        let directory = try TemporaryDirectory("fatHardCases")
        let image = try VolumeImages.make("fat32-tree", at: directory.file("volume.img"))
        let volume = try openVolume(image)
        let reading = try read(volume)
        // 1,100 files in one folder, each with a long name.
        #expect(reading.hashes.keys.filter { $0.hasPrefix("MANY/Clip") }.count == 1100)
        // Long, Chinese, mixed-case and 8.3 lower-case names, spelled as written.
        #expect(reading.hashes["录像/执法记录仪 2024年05月01日 视频.mp4"] != nil)
        #expect(reading.hashes["Mixed Case Folder/MiXeD.CaSe.Mp4"] != nil)
        #expect(reading.hashes["Mixed Case Folder/lower.txt"] != nil)
        #expect(reading.hashes["Mixed Case Folder/UPPER.TXT"] != nil)
        #expect(reading.hashes["a name that is much longer than eight point three and has spaces.mov"] != nil)
        // 24 levels deep.
        let deep = (1...24).map { "level\($0)" }.joined(separator: "/") + "/deep.bin"
        #expect(reading.hashes[deep] != nil)
        // Zero-length files read as empty.
        #expect(reading.hashes["zero length file.txt"] == sha256Hex([]))
        #expect(reading.files["DCIM/100MEDIA/EMPTY.DAT"]?.size == 0)
        // The file written into the holes of deleted files is in several runs, read in order.
        let fragmented = try #require(reading.files["FRAG/fragmented.bin"])
        let reader = try #require(try volume.open(fragmented) as? ClusterFileReader)
        #expect(reader.runs.count > 1)
    }

    @Test func fatTimesAreLocalTimeInTheAssumedZoneWithTheRawValueKept() {
        // 2024-05-01 10:30:02 local: date 0x58A1, time 0x53C1.
        let berlin = VolumeClock(zone: TimeZone(identifier: "Europe/Berlin")!)
        let stamp = berlin.fat(date: 0x58a1, time: 0x53c1)
        #expect(stamp.nanosecondsSinceEpoch == 1_714_552_202 * 1_000_000_000)  // 08:30:02Z (CEST)
        #expect(stamp.raw?.hasPrefix("2024-05-01T10:30:02") == true)
        #expect(stamp.raw?.contains("0x58a1") == true)
        #expect(stamp.zone == "Europe/Berlin (assumed; FAT stores local time)")
        let utc = VolumeClock(zone: TimeZone(identifier: "UTC")!).fat(date: 0x58a1, time: 0x53c1)
        #expect(utc.nanosecondsSinceEpoch == 1_714_559_402 * 1_000_000_000)
        // Creation times carry hundredths: 199 is one second and 990 ms more.
        let created = VolumeClock(zone: TimeZone(identifier: "UTC")!).fat(date: 0x58a1, time: 0x53c1, hundredths: 199)
        #expect(created.nanosecondsSinceEpoch == 1_714_559_403 * 1_000_000_000 + 990_000_000)
    }

    @Test func exfatTimesUseTheirRecordedOffset() {
        let clock = VolumeClock(zone: TimeZone(identifier: "Asia/Shanghai")!)
        let stamp: UInt32 = 0x58a1_53c1
        // +02:00 recorded (8 quarter hours, valid bit set): 08:30:02Z, whatever the assumed zone.
        let plusTwo = clock.exfat(stamp, tenMilliseconds: 0, utcOffset: 0x88)
        #expect(plusTwo.nanosecondsSinceEpoch == 1_714_552_202 * 1_000_000_000)
        #expect(plusTwo.zone == "+02:00 (recorded)")
        // -05:00 recorded (-20 quarter hours).
        let minusFive = clock.exfat(stamp, tenMilliseconds: 50, utcOffset: 0x80 | UInt8(bitPattern: -20) & 0x7f)
        #expect(minusFive.nanosecondsSinceEpoch == 1_714_577_402 * 1_000_000_000 + 500_000_000)
        #expect(minusFive.zone == "-05:00 (recorded)")
        // No valid offset: the assumed zone (UTC+8), said to be assumed.
        let none = clock.exfat(stamp, tenMilliseconds: 0, utcOffset: 0)
        #expect(none.nanosecondsSinceEpoch == 1_714_530_602 * 1_000_000_000)
        #expect(none.zone?.contains("assumed") == true)
    }
}
