import CustodyCore
import CustodyTesting
import Foundation
import Testing

@testable import CameraVolumes

/// A wipe stopped at each of its writes to the card, as a crash or a pulled cable would stop it, and
/// then run again, finishes freeing what it started: fsck finds nothing wrong, every other file is
/// as it was, and the journal is gone.
@Suite(.serialized) struct WipeJournalTests {
    struct Card {
        let scenario: String
        let exfat: Bool
        /// How many of the card's files to wipe (the first ones, in path order).
        let files: Int
    }

    /// Every file of an independent reading (mtools for FAT, the FUSE mount for exFAT).
    func listing(_ card: Card, _ image: String, scratch: String) throws -> [String: String] {
        card.exfat
            ? try VolumeImages.fuseHashes(image, scratch: scratch)
            : try VolumeImages.mtoolsHashes(image, scratch: scratch)
    }

    func open(_ image: String, journal: String, fault: Int? = nil, overwrite: Bool = false) throws
        -> any CameraVolume
    {
        var options = WipeOptions(journal: WipeJournal(directory: journal), overwrite: overwrite)
        options.fault = fault.map(WriteFault.init(after:))
        return try VolumeOpener.open(image, timeZone: TimeZone(identifier: "UTC")!, wipe: options)
    }

    func stoppedAtEachWriteThenRunAgain(_ card: Card, overwrite: Bool = false) throws {
        let directory = try TemporaryDirectory("wipeJournal-\(card.scenario)\(overwrite ? "-overwrite" : "")")
        let pristine = try VolumeImages.make(card.scenario, at: directory.file("pristine.img"))
        let before = try listing(card, pristine, scratch: directory.path)
        let chosen = try read(try openVolume(pristine)).files.filter { $0.value.size > 0 }.keys.sorted()
            .prefix(card.files)
        #expect(chosen.count == card.files)
        let expected = before.filter { !chosen.contains($0.key) }
        let image = directory.file("card.img")
        var fault = 0
        while true {
            try? FileManager.default.removeItem(atPath: image)
            try FileManager.default.copyItem(atPath: pristine, toPath: image)
            let journal = directory.file("journal-\(fault)")
            let first = try open(image, journal: journal, fault: fault, overwrite: overwrite)
            let files = try read(first).files.filter { chosen.contains($0.key) }.map(\.value)
            let stopped: Bool
            do {
                let report = try first.wipe(files)
                #expect(report.wiped.count == card.files)
                stopped = false
            } catch let error as VolumeError where error.message.hasPrefix("injected fault") {
                stopped = true
            }
            if stopped {
                // Run again as the next dock would: with the chosen files still listed, when they are.
                let again = try open(image, journal: journal, overwrite: overwrite)
                #expect(again.hasInterruptedWipe, "fault \(fault)")
                let listed = try read(again).files.filter { chosen.contains($0.key) }.map(\.value)
                let report = try again.wipe(fault % 2 == 0 ? [] : listed)
                let done = Set((report.wiped + report.completed).map(\.displayString))
                #expect(report.kept.isEmpty, "fault \(fault): \(report.kept)")
                #expect(done.isSuperset(of: fault % 2 == 0 ? [] : Set(listed.map(\.path.displayString))))
                #expect(!(try open(image, journal: journal).hasInterruptedWipe))
            }
            let fsck = try VolumeImages.fsck(image, exfat: card.exfat, scratch: directory.path)
            #expect(fsck.status == 0, "fault \(fault): \(fsck.stdout)\(fsck.stderr)")
            #expect(try listing(card, image, scratch: directory.path) == expected, "fault \(fault)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: journal).isEmpty, "fault \(fault)")
            guard stopped else { break }
            fault += 1
            try #require(fault < 400, "the wipe never finished")
        }
        #expect(fault >= card.files + 2, "a wipe writes at least an entry per file, the FAT and a flush")
    }

    @Test func fat12InAGPT() throws {
        try stoppedAtEachWriteThenRunAgain(Card(scenario: "fat12-gpt", exfat: false, files: 3))
    }

    @Test func fat32WithItsFSInfoCount() throws {
        try stoppedAtEachWriteThenRunAgain(Card(scenario: "fat32-tree", exfat: false, files: 3))
    }

    @Test(.enabled(if: isRoot, "exFAT fixtures are written through exfat-fuse on a loop device (root)"))
    func exFAT() throws {
        try stoppedAtEachWriteThenRunAgain(Card(scenario: "exfat-gpt", exfat: true, files: 3))
    }

    @Test func overwritingStoppedAtEachWriteFinishesToo() throws {
        try stoppedAtEachWriteThenRunAgain(Card(scenario: "fat12-gpt", exfat: false, files: 2), overwrite: true)
    }
}

/// `wipe = "overwrite"` zeroes the freed clusters of wiped files; the default only unlinks them.
@Suite struct WipeOverwriteTests {
    /// The bytes of each wiped file's clusters after the wipe.
    func clusterBytes(overwrite: Bool) throws -> (before: [[UInt8]], after: [[UInt8]], fsck: Int32) {
        let directory = try TemporaryDirectory("wipeOverwrite-\(overwrite)")
        let image = try VolumeImages.make("fat12-gpt", at: directory.file("card.img"))
        let volume = try #require(
            try VolumeOpener.open(
                image, timeZone: TimeZone(identifier: "UTC")!,
                wipe: WipeOptions(journal: WipeJournal(directory: directory.file("journal")), overwrite: overwrite))
                as? FATVolume)
        let files = try read(volume).files.values.filter { $0.size > 0 }
        #expect(files.count >= 2)
        let ranges = try files.map { file -> [Range<Int64>] in
            guard case .fat(let location) = file.location else { return [] }
            return try volume.table.chain(from: location.firstCluster, maxClusters: 1 << 20, what: "").map {
                volume.clusterOffset($0)..<(volume.clusterOffset($0) + Int64(volume.boot.clusterSize))
            }
        }
        func contents() throws -> [[UInt8]] {
            let data = try Data(contentsOf: URL(fileURLWithPath: image))
            return ranges.map { $0.flatMap { Array(data[Int($0.lowerBound)..<Int($0.upperBound)]) } }
        }
        let before = try contents()
        let report = try volume.wipe(Array(files))
        #expect(report.wiped.count == files.count)
        let fsck = try VolumeImages.fsck(image, exfat: false, scratch: directory.path)
        return (before, try contents(), fsck.status)
    }

    @Test func overwriteZeroesTheFreedClusters() throws {
        let result = try clusterBytes(overwrite: true)
        #expect(result.fsck == 0)
        #expect(result.before.contains { $0.contains { $0 != 0 } })
        #expect(result.after.allSatisfy { $0.allSatisfy { $0 == 0 } })
    }

    @Test func theDefaultLeavesTheDataWhereItWas() throws {
        let result = try clusterBytes(overwrite: false)
        #expect(result.fsck == 0)
        #expect(result.after == result.before)
    }
}
