import CustodyCore
import CustodyTesting
import Foundation
import Testing

@testable import CameraVolumes

/// A file whose directory entry changes after the walk read it is neither trusted nor deleted: its
/// reader reports it changed, and the wipe leaves it.
@Suite struct EntryRecheckTests {
    @Test func aDirectoryEntryChangedAfterTheWalkIsReportedAndNotWiped() throws {
        let directory = try TemporaryDirectory()
        let image = directory.file("card.img")
        try FATImages.make(
            at: image, megabytes: 8, label: "DEV0001", files: [("DCIM/A.MP4", testBytes(count: 5000, seed: 1))],
            scratch: directory.file("scratch"))
        let volume = try openVolume(image)
        var found: VolumeFile?
        try volume.walk { if case .file(let file) = $0 { found = file } }
        let file = try #require(found)

        // Another writer marks the file read-only: one byte of its directory entry changes.
        let attrib = try run(
            "/usr/bin/mattrib", ["-i", image, "+r", "::/DCIM/A.MP4"], environment: ["MTOOLS_SKIP_CHECK": "1"])
        #expect(attrib.status == 0, "\(attrib.stderr)")

        let reader = try volume.open(file)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 8192, alignment: 16)
        defer { buffer.deallocate() }
        while try reader.read(into: buffer) > 0 {}
        let error = #expect(throws: VolumeError.self) { try reader.checkUnchanged() }
        #expect(error?.code == .changed && error?.message.contains("DCIM/A.MP4") == true)

        let report = try volume.wipe([file])
        #expect(report.wiped.isEmpty)
        #expect(report.kept.map(\.path) == [file.path])
        #expect(try VolumeImages.mtoolsHashes(image, scratch: directory.path).keys.sorted() == ["DCIM/A.MP4"])
    }
}
