import Catalog
import CustodyCore
import CustodyTesting
import EvidenceStore
import Foundation
import Logging
import SystemPackage
import Testing

@testable import Backups

/// The backup directory in-process: snapshot names sort by time, one backup or prune at a time, a
/// target inside the state directory is refused, and an interrupted backup's partial files go.
@Suite struct BackupDirectoryTests {
    let directory: TemporaryDirectory
    let store: EvidenceStore
    let catalog: EvidenceCatalog
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    init() throws {
        directory = try TemporaryDirectory("BackupDirectoryTests")
        store = try EvidenceStore.create(at: FilePath(directory.file("state")))
        catalog = try EvidenceCatalog.create(
            path: directory.file("state/catalog.sqlite"), actor: AuditActor(uid: 0, name: "root"),
            keyFingerprint: [UInt8](repeating: 7, count: 16))
    }

    @Test func snapshotNamesAreUTCToTheMillisecondAndSortByTime() {
        let date = Date(timeIntervalSince1970: 1_796_248_527.611)
        #expect(BackupDirectory.snapshotName(at: date) == "snapshot-20261202T215527.611Z.sqlite")
        let later = BackupDirectory.snapshotName(at: date.addingTimeInterval(0.5))
        #expect(BackupDirectory.snapshotName(at: date) < later)
        #expect(BackupDirectory.isSnapshotName(later) && !BackupDirectory.isSnapshotName("custody-backup"))
    }

    @Test func oneBackupAtATimeAndPartialsOfAnInterruptedOneGo() throws {
        let target = try BackupDirectory.prepare(at: FilePath(directory.file("backup")), outside: store.root)
        let backup = Backup(catalog: catalog, store: store, logger: logger)
        try {
            let held = try BackupLock(target)
            defer { withExtendedLifetime(held) {} }
            #expect {
                _ = try backup.make(into: target, lifetime: 86_400)
            } throws: { ($0 as? BackupError)?.code == .busy }
            #expect {
                _ = try Prune(catalog: catalog, logger: logger).run(target, at: Date())
            } throws: { ($0 as? BackupError)?.code == .busy }
        }()

        try directory.write([1, 2, 3], to: "backup/tmp/snapshot-20200101T000000.000Z.sqlite")
        let made = try backup.make(into: target, lifetime: 86_400)
        #expect(try BackupFiles.list(target.temporaryDirectory).isEmpty)
        #expect(try target.snapshotNames() == [(made.snapshot as NSString).lastPathComponent])
        #expect(made.items == 0 && made.objects == 0)
        // An existing backup directory is opened again as one.
        #expect(try BackupDirectory.prepare(at: target.root, outside: store.root).root == target.root)
        #expect(try BackupDirectory.open(at: target.root).root == target.root)
    }

    @Test func aTargetInsideTheStateDirectoryIsRefusedAndNotLeftBehind() throws {
        #expect {
            _ = try BackupDirectory.prepare(at: store.root.appending("backup"), outside: store.root)
        } throws: { ($0 as? BackupError)?.code == .unusableTarget }
        #expect(!FileManager.default.fileExists(atPath: store.root.appending("backup").string))
        #expect {
            _ = try BackupDirectory.prepare(at: store.root, outside: store.root)
        } throws: { ($0 as? BackupError)?.code == .unusableTarget }
    }
}
