import CustodyCore
import CustodyTesting
import Foundation
import Testing

@testable import CameraVolumes

/// The wipe deletes exactly the files it is given: afterwards the filesystem checkers find nothing
/// wrong, every other file is listed and byte-identical through mtools or the FUSE mount, and every
/// byte of the image outside the structures a delete must touch is unchanged.
@Suite(.serialized) struct WipeTests {
    /// Byte ranges a wipe may change.
    struct Allowed {
        var ranges: [Range<Int64>] = []
        func contains(_ offset: Int64) -> Bool { ranges.contains { $0.contains(offset) } }
    }

    /// The offsets at which two equally long files differ.
    func differences(_ a: String, _ b: String) throws -> [Int64] {
        let left = try FileHandle(forReadingFrom: URL(fileURLWithPath: a))
        let right = try FileHandle(forReadingFrom: URL(fileURLWithPath: b))
        var offset: Int64 = 0
        var out: [Int64] = []
        while true {
            let x = left.readData(ofLength: 1 << 20)
            let y = right.readData(ofLength: 1 << 20)
            #expect(x.count == y.count)
            if x.isEmpty { break }
            if x != y {
                for index in 0..<x.count where x[x.startIndex + index] != y[y.startIndex + index] {
                    out.append(offset + Int64(index))
                }
            }
            offset += Int64(x.count)
        }
        return out
    }

    /// Which files of a walk to wipe: a spread of the hard cases, and most of the rest kept.
    func chosen(_ files: [String: VolumeFile]) -> [VolumeFile] {
        files.filter { path, _ in
            path.hasPrefix("DCIM/") || path.hasPrefix("FRAG/fragmented") || path.hasPrefix("录像/")
                || path.hasSuffix("0007.mp4") || path.hasSuffix("5.mp4") || path.hasSuffix("deep.bin")
                || path.hasPrefix("音频/") || path.hasPrefix("zero length")
        }.map(\.value)
    }

    @Test(arguments: ["fat32-mbr", "fat16-mbr", "fat12-gpt"])
    func wipingFATFilesLeavesACleanVolumeAndEverythingElseIdentical(scenario: String) throws {
        let directory = try TemporaryDirectory("wipeFAT-\(scenario)")
        let image = try VolumeImages.make(scenario, at: directory.file("volume.img"))
        let original = directory.file("original.img")
        try FileManager.default.copyItem(atPath: image, toPath: original)
        let before = try VolumeImages.mtoolsHashes(image, scratch: directory.path)

        let volume = try #require(try openVolume(image) as? FATVolume)
        let files = try read(volume).files
        let wipe = chosen(files)
        #expect(wipe.count >= 4)
        let report = try volume.wipe(wipe)
        #expect(report.kept.isEmpty, "\(report.kept)")
        #expect(Set(report.wiped) == Set(wipe.map(\.path)))
        #expect(report.clustersFreed > 0)

        let fsck = try VolumeImages.fsck(image, exfat: false, scratch: directory.path)
        #expect(fsck.status == 0, "\(fsck.stdout)\(fsck.stderr)")
        let wiped = Set(wipe.map(\.path.displayString))
        let after = try VolumeImages.mtoolsHashes(image, scratch: directory.path)
        #expect(after == before.filter { !wiped.contains($0.key) })
        // Custody's own reading agrees with mtools after the wipe too.
        let reread = try read(try openVolume(image))
        #expect(reread.failures.isEmpty)
        #expect(reread.hashes == after)

        // Only the wiped files' directory slots (their first byte), the FATs and FSInfo changed.
        let boot = volume.boot
        let start = volume.partition.start
        var allowed = Allowed()
        allowed.ranges.append((start + boot.fatOffset(0))..<(start + boot.fatOffset(boot.fatCount)))
        if boot.kind == .fat32 {
            let fsInfo = start + Int64(boot.fsInfoSector * boot.bytesPerSector)
            allowed.ranges.append(fsInfo..<(fsInfo + 512))
        }
        for file in wipe {
            guard case .fat(let location) = file.location else { continue }
            for slot in location.slots { allowed.ranges.append(slot..<(slot + 1)) }
        }
        let changed = try differences(original, image)
        #expect(!changed.isEmpty)
        #expect(changed.filter { !allowed.contains($0) }.isEmpty)
    }

    @Test(.enabled(if: isRoot, "exFAT fixtures are written through exfat-fuse on a loop device (root)"))
    func wipingExFATFilesLeavesACleanVolumeAndEverythingElseIdentical() throws {
        let directory = try TemporaryDirectory("wipeExFAT")
        let image = try VolumeImages.make("exfat-tree", at: directory.file("volume.img"))
        let original = directory.file("original.img")
        try FileManager.default.copyItem(atPath: image, toPath: original)
        let before = try VolumeImages.fuseHashes(image, scratch: directory.path)

        let volume = try #require(try openVolume(image) as? ExFATVolume)
        let files = try read(volume).files
        let wipe = chosen(files)
        #expect(wipe.count >= 4)
        let streams = wipe.compactMap { file -> ExFATVolume.Stream? in
            if case .exfat(let location) = file.location { return location.stream }
            return nil
        }
        // Both contiguous and FAT-chained files are among those wiped.
        #expect(streams.contains { $0.noFatChain && $0.dataLength > 0 })
        #expect(streams.contains { !$0.noFatChain && $0.dataLength > 0 })
        let report = try volume.wipe(wipe)
        #expect(report.kept.isEmpty, "\(report.kept)")
        #expect(report.wiped.count == wipe.count)

        let fsck = try VolumeImages.fsck(image, exfat: true, scratch: directory.path)
        #expect(fsck.status == 0, "\(fsck.stdout)\(fsck.stderr)")
        #expect(!fsck.stdout.contains("corrupt"), "\(fsck.stdout)")
        let wiped = Set(wipe.map(\.path.displayString))
        let after = try VolumeImages.fuseHashes(image, scratch: directory.path)
        #expect(after == before.filter { !wiped.contains($0.key) })
        let reread = try read(try openVolume(image))
        #expect(reread.failures.isEmpty)
        #expect(reread.hashes == after)

        // Only the entry sets' type bytes, the allocation bitmap and the FATs changed.
        let boot = volume.boot
        let start = volume.partition.start
        var allowed = Allowed()
        allowed.ranges.append((start + boot.fatByteOffset(0))..<(start + boot.fatByteOffset(boot.fatCount)))
        if let bitmap = volume.bitmap {
            let runs = try volume.table.runs(
                from: bitmap.firstCluster,
                needed: (bitmap.length + Int64(boot.clusterSize) - 1) / Int64(boot.clusterSize), what: "bitmap")
            for run in runs {
                let offset = volume.clusterOffset(run.first)
                allowed.ranges.append(offset..<(offset + Int64(run.count) * Int64(boot.clusterSize)))
            }
        }
        for file in wipe {
            guard case .exfat(let location) = file.location else { continue }
            for slot in location.slots { allowed.ranges.append(slot..<(slot + 1)) }
        }
        let changed = try differences(original, image)
        #expect(!changed.isEmpty)
        #expect(changed.filter { !allowed.contains($0) }.isEmpty)
    }

    @Test func aFileWhoseEntryChangedSinceTheWalkIsKept() throws {
        let directory = try TemporaryDirectory("wipeChanged")
        let image = try VolumeImages.make("fat16-mbr", at: directory.file("volume.img"))
        let volume = try openVolume(image)
        let files = try read(volume).files
        let target = try #require(files["DCIM/100MEDIA/a long name for a short file.txt"])
        let other = try #require(files["音频/录音 01.wav"])
        // Someone changes the file's attributes (its directory entry) between the read and the wipe.
        let offset = try VolumeImages.firstPartitionOffset(image)
        let change = try run(
            "/usr/bin/mattrib",
            ["-i", "\(image)@@\(offset)", "+r", "::/DCIM/100MEDIA/a long name for a short file.txt"],
            environment: ["MTOOLS_SKIP_CHECK": "1", "LC_ALL": "C.UTF-8"])
        #expect(change.status == 0, "\(change.stderr)")

        let report = try volume.wipe([target, other])
        #expect(report.wiped == [other.path])
        #expect(report.kept.map(\.path) == [target.path])
        #expect(report.kept.first?.reason.contains("changed") == true)
        let after = try VolumeImages.mtoolsHashes(image, scratch: directory.path)
        #expect(after["DCIM/100MEDIA/a long name for a short file.txt"] != nil)
        #expect(after["音频/录音 01.wav"] == nil)
        #expect(try VolumeImages.fsck(image, exfat: false, scratch: directory.path).status == 0)
    }

    @Test func aVerifiedFileCrossLinkedWithAnotherIsKeptSoTheOtherLosesNothing() throws {
        let directory = try TemporaryDirectory("wipeCrossLinked")
        let image = directory.file("volume.img")
        try FileManager.default.copyItem(atPath: VolumeImages.corpus + "/fat-cross-link.img", toPath: image)
        let volume = try openVolume(image)
        let reading = try read(volume)
        // A.BIN reads; B.BIN starts inside A.BIN's chain and fails as a cross-link.
        #expect(reading.hashes["A.BIN"] != nil)
        #expect(reading.failures["B.BIN"]?.contains("cross-link") == true)
        let before = try sha256Hex(ofFile: image)
        let report = try volume.wipe([try #require(reading.files["A.BIN"])])
        #expect(report.wiped.isEmpty)
        #expect(report.kept.first?.reason.contains("cross-link") == true, "\(report.kept)")
        #expect(try sha256Hex(ofFile: image) == before)
        // Files that share nothing are still wiped from the same volume.
        let other = try volume.wipe([try #require(reading.files["LAST.BIN"])])
        #expect(other.wiped.map(\.displayString) == ["LAST.BIN"])
    }

    @Test func filesOfAnotherVolumeAreNeverOpenedOrWiped() throws {
        let directory = try TemporaryDirectory("wipeOtherVolume")
        let first = try VolumeImages.make("fat12-gpt", at: directory.file("first.img"))
        let second = directory.file("second.img")
        try FileManager.default.copyItem(atPath: first, toPath: second)
        let files = try read(try openVolume(first)).files
        let file = try #require(files["音频/录音 01.wav"])
        let other = try openVolume(second)
        #expect(throws: VolumeError.self) { _ = try other.open(file) }
        let before = try sha256Hex(ofFile: second)
        let report = try other.wipe([file])
        #expect(report.wiped.isEmpty)
        #expect(report.kept.map(\.path) == [file.path])
        #expect(try sha256Hex(ofFile: second) == before)
    }

    @Test func aDirectoryVolumeRefusesToWipe() throws {
        let directory = try TemporaryDirectory("wipeDirectory")
        let volume = DirectoryVolume(root: .init(directory.path))
        #expect(throws: VolumeError.self) { try volume.wipe([]) }
    }
}
