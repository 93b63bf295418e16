import CustodyCore
import CustodyTesting
import Foundation
import Testing

@testable import CameraVolumes

/// A GPT card whose primary table is damaged is read from its backup, and the damage is reported;
/// both copies damaged is refused with both reasons.
@Suite struct GPTBackupTests {
    /// A fresh GPT card in `directory`, and what reading it gives while intact.
    func image(in directory: TemporaryDirectory) throws -> (String, Reading) {
        let image = try VolumeImages.make("fat12-gpt", at: directory.file("card.img"))
        return (image, try read(try openVolume(image)))
    }

    var backupHeader: (String) throws -> Int64 {
        { path in Int64(try FileManager.default.attributesOfItem(atPath: path)[.size] as! UInt64) - 512 }
    }

    @Test func garbageInAnUnusedPrimaryEntryIsReadFromTheBackupAndReported() throws {
        let directory = try TemporaryDirectory("gptBackup-unusedEntry")
        let (image, intact) = try image(in: directory)
        #expect(!intact.hashes.isEmpty)
        #expect(!(try openVolume(image).summary.contains("damaged")))
        // Entry 2 of the primary array (LBA 2, 128 bytes an entry): a type GUID and an impossible range.
        try patch(image, at: 2 * 512 + 128, [UInt8](repeating: 0xa5, count: 48))
        let volume = try openVolume(image)
        #expect(volume.summary.contains("the primary GPT is damaged (partition entry array CRC-32"))
        #expect(volume.summary.contains("the backup at LBA"))
        let reading = try read(volume)
        #expect(reading.hashes == intact.hashes)
        #expect(reading.failures == intact.failures)
    }

    @Test func aPrimaryHeaderThatFailsItsCRCIsReplacedByTheBackup() throws {
        let directory = try TemporaryDirectory("gptBackup-primaryHeader")
        let (image, intact) = try image(in: directory)
        try patch(image, at: 512 + 40, [0x01])  // first usable LBA, covered by the header CRC
        let volume = try openVolume(image)
        #expect(volume.summary.contains("the primary GPT is damaged (header CRC-32"))
        #expect(try read(volume).hashes == intact.hashes)
    }

    @Test func aDamagedBackupIsReportedAndThePrimaryUsed() throws {
        let directory = try TemporaryDirectory("gptBackup-backupHeader")
        let (image, intact) = try image(in: directory)
        try patch(image, at: try backupHeader(image) + 40, [0x01])
        let volume = try openVolume(image)
        #expect(volume.summary.contains("the backup GPT at LBA"))
        #expect(volume.summary.contains("the primary was used"))
        #expect(try read(volume).hashes == intact.hashes)
    }

    @Test func bothCopiesDamagedIsRefusedWithBothReasons() throws {
        let directory = try TemporaryDirectory("gptBackup-both")
        let (image, _) = try image(in: directory)
        try patch(image, at: 512 + 40, [0x01])
        try patch(image, at: try backupHeader(image), Array("NOT PART".utf8))
        let error = #expect(throws: VolumeError.self) { _ = try openVolume(image) }
        #expect(error?.code == .corrupt)
        #expect(error?.description.contains("primary: header CRC-32") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("no GPT header") == true)
    }

    @Test func theCRCIsIEEE() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xcbf4_3926)
    }
}
