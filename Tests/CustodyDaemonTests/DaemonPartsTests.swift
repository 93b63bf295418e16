import CameraVolumes
import ControlProtocol
import CustodyCore
import CustodyTesting
import Devices
import Foundation
import Ingest
import Testing

@testable import CustodyDaemon

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct SystemdNotifierTests {
    @Test func messagesArriveAtThePathAndAbstractSockets() throws {
        let directory = try TemporaryDirectory()
        let listener = try NotifyListener(path: directory.file("notify.sock"))
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": listener.path]))
        #expect(notifier.watchdogInterval == nil)
        #expect(notifier.send("READY=1\nSTATUS=ready; idle"))
        #expect(listener.next(timeout: 5) == "READY=1\nSTATUS=ready; idle")
    }

    @Test func theWatchdogIsOnlyOursWhenItsPidIsOurs() {
        let mine = SystemdNotifier(
            environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "\(getpid())"])
        #expect(mine?.watchdogInterval == .seconds(30))
        let other = SystemdNotifier(
            environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"])
        #expect(other?.watchdogInterval == nil)
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative"]) == nil)
    }

    @Test func statusTextIsOneBoundedLine() {
        #expect(SystemdNotifier.statusText("a\nb\u{7}c") == "abc")
        #expect(SystemdNotifier.statusText(String(repeating: "x", count: 500)).count == 200)
    }
}

@Suite struct PartitionChoiceTests {
    func device(_ node: String, _ type: String, fs: String?, label: String? = nil) -> BlockPartition {
        BlockPartition(devnode: node, syspath: "/sys/x" + node, devtype: type, label: label, filesystem: fs)
    }

    @Test func aFATPartitionWinsOverItsDiskAndOtherFilesystems() {
        let found = [
            device("/dev/sdb", "disk", fs: nil), device("/dev/sdb1", "partition", fs: "ext4"),
            device("/dev/sdb2", "partition", fs: "vfat"),
        ]
        #expect(BlockPartition.evidenceVolume(among: found, label: nil)?.devnode == "/dev/sdb2")
    }

    @Test func theLabelTheDriverNamedWins() {
        let found = [
            device("/dev/sdb1", "partition", fs: "vfat", label: "OTHER"),
            device("/dev/sdb2", "partition", fs: "exfat", label: "DEV0001"),
        ]
        #expect(BlockPartition.evidenceVolume(among: found, label: "DEV0001")?.devnode == "/dev/sdb2")
    }

    @Test func anUnpartitionedDiskIsTakenAndNothingElseIsNot() {
        #expect(
            BlockPartition.evidenceVolume(among: [device("/dev/sdb", "disk", fs: "vfat")], label: nil)?.devnode
                == "/dev/sdb")
        #expect(BlockPartition.evidenceVolume(among: [device("/dev/sdb", "disk", fs: "ntfs")], label: nil) == nil)
    }
}

@Suite struct BayProgressTests {
    @Test func eventsBecomeFilesBytesOutcomesAndAnETA() throws {
        let board = BayBoard(version: "test")
        let progress = BayProgress(board: board, bay: "usb:1-1", kind: .device)
        let card = try TemporaryDirectory()
        for name in ["A", "B", "C"] { try card.write([UInt8](repeating: 1, count: 100), to: "DCIM/\(name).MP4") }
        let totals = try progress.start(counting: DirectoryVolume(root: .init(card.path)))
        #expect(totals.files == 3 && totals.bytes == 300)
        progress.record(.reading(path: RawPath("DCIM/A.MP4"), size: 100))
        progress.record(.progress(path: RawPath("DCIM/A.MP4"), bytes: 100))
        progress.record(.reading(path: RawPath("DCIM/B.MP4"), size: 100))
        var bay = try #require(board.bay("usb:1-1"))
        #expect(bay.phase == .ingesting && bay.currentFile == "DCIM/B.MP4" && bay.bytesDone == 100)
        progress.record(
            .verified(
                path: RawPath("DCIM/A.MP4"), id: EvidenceID(), sha256: .init(bytes: [UInt8](repeating: 0, count: 32))!,
                size: 100))
        progress.record(.duplicate(path: RawPath("DCIM/B.MP4"), existing: EvidenceID()))
        progress.record(.reading(path: RawPath("DCIM/C.MP4"), size: 100))
        progress.record(.failed(path: RawPath("DCIM/C.MP4"), reason: "unreadable cluster"))
        progress.allRead()
        bay = try #require(board.bay("usb:1-1"))
        #expect(bay.filesDone == 3 && bay.verified == 1 && bay.duplicates == 1 && bay.failed == 1)
        #expect(bay.bytesDone == 300 && bay.phase == .verifying && bay.currentFile == nil)
        #expect(bay.lastError == "DCIM/C.MP4: unreadable cluster")
        #expect(bay.etaSeconds == 0)
    }

    @Test func watchersSeeTheNewestStatus() async throws {
        let board = BayBoard(version: "test")
        var changes = board.changes().makeAsyncIterator()
        #expect(await changes.next()?.state == .starting)
        board.setDaemonState(.ready)
        board.update("folder:/srv/drop", kind: .folder) { $0.phase = .ingesting }
        // Only the newest is kept for a slow watcher.
        let latest = await changes.next()
        #expect(latest?.state == .ready && latest?.bays.first?.phase == .ingesting)
    }
}

@Suite struct DropFolderVolumeTests {
    @Test func onlySettledFilesAreWalkedAndOnlyUnchangedOnesRemoved() throws {
        let directory = try TemporaryDirectory()
        try directory.write([1, 2, 3], to: "drop/a.mp4")
        try directory.write([4, 5], to: "drop/b.mp4")
        try directory.write([6], to: "drop/c.mp4")
        let volume = DropFolderVolume(
            root: .init(directory.file("drop")), settled: [RawPath("a.mp4"), RawPath("b.mp4")])
        var files: [VolumeFile] = []
        try volume.walk { if case .file(let file) = $0 { files.append(file) } }
        #expect(files.map(\.path.displayString) == ["a.mp4", "b.mp4"])
        // b.mp4 is written again after it was read: it stays.
        try directory.write([4, 5, 9], to: "drop/b.mp4")
        let report = try volume.wipe(files)
        #expect(report.wiped.map(\.displayString) == ["a.mp4"])
        #expect(report.kept.map(\.path.displayString) == ["b.mp4"])
        #expect(!FileManager.default.fileExists(atPath: directory.file("drop/a.mp4")))
        #expect(FileManager.default.fileExists(atPath: directory.file("drop/b.mp4")))
        #expect(FileManager.default.fileExists(atPath: directory.file("drop/c.mp4")))
    }

    @Test func mediaFoldersFilterByFirstComponentIgnoringCase() throws {
        let directory = try TemporaryDirectory()
        try directory.write([1], to: "card/DCIM/100MEDIA/A.MP4")
        try directory.write([1], to: "card/dcim/B.MP4")
        try directory.write([1], to: "card/SYSTEM/LOG.TXT")
        try directory.write([1], to: "card/DCIMX/C.MP4")
        let volume = FilteredVolume.mediaFolders(DirectoryVolume(root: .init(directory.file("card"))), ["DCIM"])
        var paths: [String] = []
        try volume.walk { if case .file(let file) = $0 { paths.append(file.path.displayString) } }
        #expect(paths.sorted() == ["DCIM/100MEDIA/A.MP4", "dcim/B.MP4"])
    }
}
