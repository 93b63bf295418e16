import CustodyCore
import CustodyTesting
import Foundation
import Testing

@testable import CameraVolumes

/// An exFAT card whose main boot region fails its checksum is read through the backup boot region,
/// the damage is reported, and nothing is written to it.
@Suite struct ExFATBackupBootTests {
    @Test func oneByteOfBootCodeSendsTheReaderToTheBackupRegion() throws {
        let directory = try TemporaryDirectory("exfatBackupBoot")
        let image = try VolumeImages.make("exfat-tree", at: directory.file("card.img"))
        let intact = try read(try openVolume(image))
        #expect(!intact.hashes.isEmpty)
        let original = try Data(contentsOf: URL(fileURLWithPath: image))
        try patch(image, at: 300, [original[300] ^ 0xff])  // boot code, covered by the checksum

        let volume = try #require(try openVolume(image) as? ExFATVolume)
        #expect(volume.summary.contains("the main exFAT boot region is damaged"))
        #expect(volume.summary.contains("boot checksum"))
        #expect(volume.summary.contains("backup boot region (sectors 12 to 23) was used"))
        let reading = try read(volume)
        #expect(reading.hashes == intact.hashes)
        #expect(reading.failures == intact.failures)

        let damaged = try Data(contentsOf: URL(fileURLWithPath: image))
        let report = try volume.wipe(Array(reading.files.values))
        #expect(report.wiped.isEmpty)
        #expect(report.kept.count == reading.files.count)
        #expect(report.kept.allSatisfy { $0.reason.contains("not written to") })
        #expect(try Data(contentsOf: URL(fileURLWithPath: image)) == damaged)
    }

    @Test func bothBootRegionsDamagedIsRefusedWithTheMainRegionsReason() throws {
        let directory = try TemporaryDirectory("exfatBothBoot")
        let image = try VolumeImages.make("exfat-tree", at: directory.file("card.img"))
        let original = try Data(contentsOf: URL(fileURLWithPath: image))
        try patch(image, at: 300, [original[300] ^ 0xff])
        try patch(image, at: 12 * 512 + 300, [original[12 * 512 + 300] ^ 0xff])
        let error = #expect(throws: VolumeError.self) { _ = try openVolume(image) }
        #expect(error?.code == .corrupt)
        #expect(error?.description.contains("boot checksum") == true, "\(error?.description ?? "")")
    }
}
