import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import SystemPackage
import Testing

@testable import CustodyDaemon

/// The daemon's backup service: when the next backup is due, and one pass (a backup, then a prune of
/// what expired).
@Suite struct BackupServiceTests {
    let directory: TemporaryDirectory
    let state: StateDirectory
    var target: FilePath { FilePath(directory.file("backup")) }

    init() throws {
        directory = try TemporaryDirectory("BackupServiceTests")
        state = try StateDirectory.initialise(
            at: FilePath(directory.file("state")), keyPath: FilePath(directory.file("custody.kek")),
            actor: AuditActor(uid: 0, name: "root"))
    }

    @Test func theNextBackupIsDueAScheduleAfterTheLastIntoTheSameDirectory() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try FileManager.default.createDirectory(atPath: target.string, withIntermediateDirectories: true)
        #expect(BackupService.nextDue(records: [], into: target, every: 3600, lastFailure: nil, now: now) == now)
        for (name, into, at) in [("a", target.string, now - 100), ("b", "/elsewhere", now - 10)] {
            _ = try state.catalog.recordBackup(
                madeAt: at, lifetime: 86_400, target: into, snapshot: "snapshot-\(name).sqlite", items: 0,
                objectsCopied: 0, bytes: 0)
        }
        let records = try state.catalog.backupSnapshots()
        #expect(
            BackupService.nextDue(records: records, into: target, every: 3600, lastFailure: nil, now: now) == now + 3500
        )
        // After a failure, not again for an hour (or the schedule, if that is shorter).
        #expect(
            BackupService.nextDue(records: [], into: target, every: 86_400, lastFailure: now, now: now) == now + 3600)
        #expect(BackupService.nextDue(records: [], into: target, every: 600, lastFailure: now, now: now) == now + 600)
    }

    @Test func runCheckRefusesABackupDirectoryWithNoDiskOrInsideTheState() {
        var configuration = DaemonConfiguration(stateDirectory: FilePath(directory.file("state")))
        configuration.control.socketGroup = nil
        configuration.control.allowedGroups = []
        configuration.backup.directory = FilePath(directory.file("backup"))
        #expect(configuration.problemsOnThisMachine().isEmpty, "made at the first backup")
        configuration.backup.directory = FilePath(directory.file("no-disk/backup"))
        #expect(configuration.problemsOnThisMachine().contains { $0.contains("neither") })
        configuration.backup.directory = FilePath(directory.file("state/backup"))
        #expect(configuration.problemsOnThisMachine().contains { $0.contains("inside the state directory") })
    }

    @Test func aPassBacksUpThenPrunesWhatExpired() throws {
        var configuration = DaemonConfiguration.Backup()
        configuration.lifetimeSeconds = 86_400
        #expect(
            BackupService.pass(
                configuration: configuration, directory: target, catalog: state.catalog, store: state.store,
                logger: quietLogger, stop: StopSignal()))
        let first = try #require(try state.catalog.backupSnapshots().first)
        #expect(FileManager.default.fileExists(atPath: first.target + "/" + first.snapshot))

        // A snapshot whose lifetime ended long ago, as an older backup left it.
        let old = try state.catalog.recordBackup(
            madeAt: Date() - 10 * 86_400, lifetime: 86_400, target: first.target, snapshot: "snapshot-old.sqlite",
            items: 0, objectsCopied: 0, bytes: 0)
        try FileManager.default.copyItem(
            atPath: first.target + "/" + first.snapshot, toPath: first.target + "/snapshot-old.sqlite")
        #expect(
            BackupService.pass(
                configuration: configuration, directory: target, catalog: state.catalog, store: state.store,
                logger: quietLogger, stop: StopSignal()))
        let records = try state.catalog.backupSnapshots()
        #expect(records.count == 3)
        #expect(records.first { $0.id == old.id }?.prunedAt != nil)
        #expect(records.filter { $0.prunedAt == nil }.count == 2)
        #expect(!FileManager.default.fileExists(atPath: first.target + "/snapshot-old.sqlite"))

        // A target it cannot use: the pass fails (logged), nothing is recorded.
        try directory.write([1], to: "occupied/file")
        #expect(
            !BackupService.pass(
                configuration: configuration, directory: FilePath(directory.file("occupied")), catalog: state.catalog,
                store: state.store, logger: quietLogger, stop: StopSignal()))
        #expect(try state.catalog.backupSnapshots().count == 3)
    }
}
