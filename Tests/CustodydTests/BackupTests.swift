import Catalog
import CustodyCore
import CustodyTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `custodyd backup`, `backup prune` and `restore` as the administrator runs them (docs/operations.md,
/// "Backups"): a restore deep-verifies; a second backup copies only what is new; a backup made after a
/// shred holds no byte of the shredded key nor its object; prune removes what expired and keeps the
/// rest; bad targets and a full disk are refused clearly, leaving no snapshot named as complete.
@Suite struct BackupTests {
    /// A state directory holding `count` small items, and the backup directory's path beside it.
    func stateWithItems(_ name: String, count: Int, seed: UInt64 = 1) throws -> CLIFixture {
        let fixture = try CLIFixture(name)
        for index in 0..<count {
            try fixture.put(
                "card/clip\(index).mp4", testBytes(count: 5_000 + index * 1_000, seed: seed + UInt64(index)))
        }
        let imported = try fixture.run("import", fixture.source + "/card")
        try #require(imported.status == 0, "\(imported.stderr)")
        return fixture
    }

    func backup(_ fixture: CLIFixture, to target: String, _ extra: String...) throws -> [String: Any] {
        try fixture.json(arguments: ["backup", "--to", target] + extra)
    }

    func snapshots(in target: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: target).filter { $0.hasPrefix("snapshot-") }.sorted()
    }

    func objects(in root: String) throws -> Set<String> {
        var names = Set<String>()
        let objects = root + "/objects"
        for shard in try FileManager.default.contentsOfDirectory(atPath: objects) {
            names.formUnion(try FileManager.default.contentsOfDirectory(atPath: objects + "/" + shard))
        }
        return names
    }

    @Test func aRestoredBackupDeepVerifiesAndItsChainHolds() throws {
        let fixture = try stateWithItems("backupRestore", count: 3)
        let target = fixture.directory.file("backup")
        let made = try backup(fixture, to: target)
        #expect(made["items"] as? Int == 3 && made["objects_copied"] as? Int == 3, "\(made)")
        let snapshot = try #require(made["snapshot"] as? String)
        #expect(try snapshots(in: target) == [(snapshot as NSString).lastPathComponent])

        let restoredState = fixture.directory.file("restored")
        let restored = try custodyd(
            "restore", "--from", snapshot, "--state", restoredState, "--key-file", fixture.key, "--json")
        #expect(restored.status == 0, "\(restored.stderr)")
        // The key is the operator's to bring: the backup never holds it.
        #expect(!FileManager.default.fileExists(atPath: restoredState + "/custody.kek"))
        #expect(try objects(in: target).allSatisfy { !$0.contains("kek") })
        let deep = try custodyd("verify", "--deep", "--state", restoredState, "--key-file", fixture.key, "--json")
        let report = try JSONSerialization.jsonObject(with: Data(deep.stdout.utf8)) as? [String: Any]
        #expect(deep.status == 0 && report?["ok"] as? Bool == true && report?["checked"] as? Int == 3, "\(deep.stdout)")
        let chain = try custodyd("audit", "verify", "--state", restoredState)
        #expect(chain.status == 0 && chain.stdout.contains("catalog agrees with the chain"), "\(chain.stdout)")
        let catalog = try EvidenceCatalog(
            readingOnly: restoredState + "/catalog.sqlite", actor: AuditActor(uid: 0, name: nil))
        #expect(try catalog.lastAudited(.backupRestored) != nil)

        // The live catalog recorded the backup, with its lifetime (the default, 90 days).
        let live = try EvidenceCatalog(
            readingOnly: fixture.state + "/catalog.sqlite", actor: AuditActor(uid: 0, name: nil))
        let records = try live.backupSnapshots()
        #expect(records.count == 1 && records.first?.items == 3 && records.first?.objectsCopied == 3)
        if let record = records.first {
            #expect(abs(record.expiresAt.timeIntervalSince(record.madeAt) - 90 * 86_400) < 1)
            #expect(record.target + "/" + record.snapshot == snapshot)
        }
        #expect(try live.lastAudited(.backupMade) != nil)

        // Restoring again over the restored store, or from something that is not a snapshot, is refused.
        let again = try custodyd("restore", "--from", snapshot, "--state", restoredState)
        #expect(again.status == 2 && again.stderr.contains("only into an empty or new directory"), "\(again.stderr)")
        let notSnapshot = try custodyd(
            "restore", "--from", target + "/custody-backup", "--state", fixture.directory.file("x"))
        #expect(
            notSnapshot.status == 2 && notSnapshot.stderr.contains("is not a backup snapshot"), "\(notSnapshot.stderr)")
        let wrongKey = fixture.directory.file("other.kek")
        try fixture.directory.write(testBytes(count: 32, seed: 99), to: "other.kek")
        chmod(wrongKey, 0o600)
        let keyRefused = try custodyd(
            "restore", "--from", snapshot, "--state", fixture.directory.file("y"), "--key-file", wrongKey)
        #expect(
            keyRefused.status == 2 && keyRefused.stderr.contains("is not the key of the snapshot"),
            "\(keyRefused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.file("y")))
    }

    @Test func aSecondBackupCopiesOnlyNewObjectsAndRepairsADamagedOne() throws {
        let fixture = try stateWithItems("backupIncremental", count: 3)
        let target = fixture.directory.file("backup")
        #expect(try backup(fixture, to: target)["objects_copied"] as? Int == 3)
        try fixture.put("more/clip9.mp4", testBytes(count: 7_777, seed: 42))
        #expect(try fixture.run("import", fixture.source + "/more").status == 0)

        let second = try backup(fixture, to: target)
        #expect(second["objects"] as? Int == 4 && second["objects_copied"] as? Int == 1, "\(second)")
        #expect(try snapshots(in: target).count == 2)
        #expect(try objects(in: target) == objects(in: fixture.state))

        // A copy damaged on the backup disk (its size unchanged) is not read back by an ordinary run,
        // which trusts what is there by size; --verify-all finds it by its hash and copies it again.
        let victim = try #require(try objects(in: target).sorted().first)
        let path = target + "/objects/" + victim.prefix(2) + "/" + victim
        chmod(path, 0o600)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data([0xFF, 0x00, 0xFF]))
        try handle.close()
        let third = try backup(fixture, to: target)
        #expect(third["objects_copied"] as? Int == 0 && third["objects_repaired"] as? Int == 0, "\(third)")
        #expect(try sha256Hex(ofFile: path) != victim)
        let fourth = try backup(fixture, to: target, "--verify-all")
        #expect(fourth["objects_copied"] as? Int == 1 && fourth["objects_repaired"] as? Int == 1, "\(fourth)")
        #expect(try sha256Hex(ofFile: path) == victim)
    }

    @Test func aBackupAfterAShredHoldsNoTraceOfTheKeyNorTheObject() throws {
        let fixture = try stateWithItems("backupShred", count: 2, seed: 10)
        let target = fixture.directory.file("backup")
        let root = AuditActor(uid: 0, name: "root")
        let catalog = try EvidenceCatalog(path: fixture.state + "/catalog.sqlite", actor: root)
        var items: [ItemRecord] = []
        try catalog.forEachItem { items += $0 }
        let (doomed, kept) = (items[0], items[1])

        let before = try #require(try backup(fixture, to: target)["snapshot"] as? String)
        #expect(try keyTraceRemains(doomed.wrappedKey, in: before), "the scan finds a key that is there")

        // The shred as the daemon's shred service does it: two administrators, the grace period over.
        let request = try catalog.requestDeletion(
            of: [doomed.id], reason: "recorded by mistake", notDue: true, grace: 0, who: "account:alice", at: Date(),
            events: { _ in [] }, by: root)
        _ = try catalog.approveDeletion(request.id, who: "account:bob", at: Date(), events: { _ in [] }, by: root)
        let shreddedAt = Date()
        let shredded = try catalog.shred(try catalog.itemsToShred(at: shreddedAt), at: shreddedAt) { item, request in
            [.itemShredded(item, request: request)]
        }
        #expect(shredded.map(\.id) == [doomed.id])
        #expect(try catalog.checkpointTruncating(), "no reader is in the way of the WAL's truncation")
        // Its object is deliberately left in the store (a shred interrupted before the unlink): the
        // backup must not copy a tombstone's object even when it is there. Removed from the backup
        // directory too, so a copy would show.
        let doomedObject = doomed.ciphertextSHA256.hex
        #expect(
            FileManager.default.fileExists(
                atPath: fixture.state + "/objects/" + doomedObject.prefix(2) + "/" + doomedObject))
        try FileManager.default.removeItem(atPath: target + "/objects/" + doomedObject.prefix(2) + "/" + doomedObject)

        let after = try backup(fixture, to: target)
        let snapshot = try #require(after["snapshot"] as? String)
        #expect(after["items"] as? Int == 2 && after["objects"] as? Int == 1, "\(after)")
        #expect(try !keyTraceRemains(doomed.wrappedKey, in: snapshot))
        #expect(try keyTraceRemains(kept.wrappedKey, in: snapshot), "an item not shredded keeps its key")
        #expect(try !objects(in: target).contains(doomedObject))

        // What a deletion receipt reads: the first backup still holds the key, until it expires.
        let records = try catalog.backupSnapshots()
        #expect(records.map { $0.mayHoldKey(ofItemShreddedAt: shreddedAt) } == [true, false])

        // Restored, the later snapshot is a working store whose tombstone stays a tombstone.
        let restoredState = fixture.directory.file("restored")
        let restored = try custodyd("restore", "--from", snapshot, "--state", restoredState)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try !objects(in: restoredState).contains(doomedObject))
        let deep = try custodyd("verify", "--deep", "--state", restoredState, "--key-file", fixture.key)
        #expect(deep.status == 0 && deep.stdout.contains("1 items checked (deep), 1 passed"), "\(deep.stdout)")
        let chain = try custodyd("audit", "verify", "--state", restoredState)
        #expect(chain.status == 0, "\(chain.stdout)")
    }

    /// Whether any 16-byte window of `key` occurs in the file.
    func keyTraceRemains(_ key: [UInt8], in path: String) throws -> Bool {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return (0...(key.count - 16)).contains { data.range(of: Data(key[$0..<($0 + 16)])) != nil }
    }

    @Test func pruneRemovesAnExpiredSnapshotAndKeepsALiveOne() throws {
        let fixture = try stateWithItems("backupPrune", count: 2, seed: 20)
        let target = fixture.directory.file("backup")
        let live = try #require(try backup(fixture, to: target, "--lifetime-days", "30")["snapshot"] as? String)
        try fixture.put("more/late.mp4", testBytes(count: 6_543, seed: 77))
        #expect(try fixture.run("import", fixture.source + "/more").status == 0)
        let expired = try #require(try backup(fixture, to: target, "--lifetime-days", "0")["snapshot"] as? String)
        #expect(try objects(in: target).count == 3)

        let pruned = try fixture.json("backup", "prune", "--to", target)
        #expect(pruned["pruned"] as? [String] == [(expired as NSString).lastPathComponent], "\(pruned)")
        #expect(pruned["kept"] as? [String] == [(live as NSString).lastPathComponent])
        // The late item's object was only in the expired snapshot.
        #expect(pruned["objects_removed"] as? Int == 1)
        #expect(!FileManager.default.fileExists(atPath: expired) && FileManager.default.fileExists(atPath: live))
        #expect(try objects(in: target).count == 2)

        let catalog = try EvidenceCatalog(
            readingOnly: fixture.state + "/catalog.sqlite", actor: AuditActor(uid: 0, name: nil))
        let records = try catalog.backupSnapshots()
        #expect(records.map { $0.prunedAt != nil } == [false, true])
        #expect(try catalog.lastAudited(.backupPruned) != nil)
        let again = try fixture.json("backup", "prune", "--to", target)
        #expect((again["pruned"] as? [String])?.isEmpty == true)
        // The live snapshot still restores whole.
        let restored = try custodyd("restore", "--from", live, "--state", fixture.directory.file("restored"))
        #expect(restored.status == 0, "\(restored.stderr)")
        let deep = try custodyd(
            "verify", "--deep", "--state", fixture.directory.file("restored"), "--key-file", fixture.key)
        #expect(deep.status == 0 && deep.stdout.contains("2 passed"), "\(deep.stdout)")
    }

    @Test func badTargetsAndAMissingObjectAreRefusedClearly() throws {
        let fixture = try stateWithItems("backupBadTargets", count: 2, seed: 30)
        let file = try fixture.directory.write([1, 2, 3], to: "a-file")
        let notADirectory = try fixture.run("backup", "--to", file)
        #expect(
            notADirectory.status == 2 && notADirectory.stderr.contains("is not a directory"), "\(notADirectory.stderr)")
        try fixture.directory.write([1], to: "busy/notes.txt")
        let notEmpty = try fixture.run("backup", "--to", fixture.directory.file("busy"))
        #expect(
            notEmpty.status == 2 && notEmpty.stderr.contains("neither empty nor a Custody backup directory"),
            "\(notEmpty.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.file("busy")) == ["notes.txt"])
        let inside = try fixture.run("backup", "--to", fixture.state + "/backup")
        #expect(inside.status == 2 && inside.stderr.contains("is inside the state directory"), "\(inside.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.state + "/backup"))
        let noParent = try fixture.run("backup", "--to", fixture.directory.file("missing/deeper"))
        #expect(
            noParent.status == 2 && noParent.stderr.contains("cannot create the backup directory"), "\(noParent.stderr)"
        )
        let pruneElsewhere = try fixture.run("backup", "prune", "--to", fixture.directory.file("busy"))
        #expect(pruneElsewhere.status == 2 && pruneElsewhere.stderr.contains("is not a Custody backup directory"))

        // An object gone from the store: the backup stops, names it, and leaves no snapshot.
        let object = try #require(try objects(in: fixture.state).sorted().first)
        try FileManager.default.removeItem(atPath: fixture.state + "/objects/" + object.prefix(2) + "/" + object)
        let target = fixture.directory.file("backup")
        let missing = try fixture.run("backup", "--to", target)
        #expect(missing.status == 2 && missing.stderr.contains("is missing from the store"), "\(missing.stderr)")
        #expect(try snapshots(in: target).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target + "/tmp").isEmpty)
        let catalog = try EvidenceCatalog(
            readingOnly: fixture.state + "/catalog.sqlite", actor: AuditActor(uid: 0, name: nil))
        #expect(try catalog.backupSnapshots().isEmpty, "a failed backup is not recorded")
    }

    @Test func aRestoreFromABackupLackingAnObjectNeverLooksLikeAStore() throws {
        let fixture = try stateWithItems("restoreMissingObject", count: 2, seed: 50)
        let target = fixture.directory.file("backup")
        let snapshot = try #require(try backup(fixture, to: target)["snapshot"] as? String)
        let object = try #require(try objects(in: target).sorted().first)
        try FileManager.default.removeItem(atPath: target + "/objects/" + object.prefix(2) + "/" + object)
        let restoredState = fixture.directory.file("restored")
        let restored = try custodyd("restore", "--from", snapshot, "--state", restoredState)
        #expect(restored.status == 2 && restored.stderr.contains("has no object for item"), "\(restored.stderr)")
        #expect(restored.stderr.contains("remove \(restoredState)"), "\(restored.stderr)")
        #expect(!FileManager.default.fileExists(atPath: restoredState + "/catalog.sqlite"))
        let opened = try custodyd("verify", "--state", restoredState)
        #expect(opened.status == 2, "an interrupted restore is not a state directory: \(opened.stdout)")
    }

    @Test(.enabled(if: geteuid() == 0, "mounting a size-limited tmpfs needs root (CI runs as root)"))
    func aReadOnlyOrFullBackupDiskLeavesNoSnapshotNamedComplete() throws {
        let fixture = try CLIFixture("backupDiskFull")
        try fixture.put("card/big.mp4", testBytes(count: 1_500_000, seed: 5))
        #expect(try fixture.run("import", fixture.source + "/card").status == 0)
        let target = fixture.directory.file("small-disk")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let mount = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", target])
        try #require(mount.status == 0, "mount: \(mount.stderr)")
        defer { _ = try? run("/bin/umount", ["-l", target]) }

        // A read-only filesystem first: root may write anywhere else, so only a real write tells.
        let readOnly = fixture.directory.file("read-only")
        try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
        let roMount = try run("/bin/mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", readOnly])
        try #require(roMount.status == 0, "mount: \(roMount.stderr)")
        defer { _ = try? run("/bin/umount", ["-l", readOnly]) }
        let notWritable = try fixture.run("backup", "--to", readOnly)
        #expect(
            notWritable.status == 2 && notWritable.stderr.contains("cannot write to the backup directory"),
            "\(notWritable.stderr)")

        let full = try fixture.run("backup", "--to", target)
        #expect(full.status == 2 && full.stderr.contains("is full"), "\(full.stderr)")
        #expect(full.stderr.contains("no snapshot was completed"), "\(full.stderr)")
        #expect(try snapshots(in: target).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target + "/tmp").isEmpty)
        let catalog = try EvidenceCatalog(
            readingOnly: fixture.state + "/catalog.sqlite", actor: AuditActor(uid: 0, name: nil))
        #expect(try catalog.backupSnapshots().isEmpty)
    }

    @Test func aBackupWhileTheDaemonRunsRestoresWhole() throws {
        let fixture = try stateWithItems("backupDaemonRuns", count: 2, seed: 40)
        let config = fixture.directory.file("custodyd.toml")
        try Data(
            """
            [store]
            state_directory = "\(fixture.state)"
            [control]
            socket = "\(fixture.directory.file("control.sock"))"
            group = ""
            allowed_groups = []
            [devices]
            enabled = false
            [fixity]
            enabled = false
            [backup]
            lifetime_days = 7
            """.utf8
        ).write(to: URL(fileURLWithPath: config))
        let notify = try NotifyListener(path: fixture.directory.file("notify.sock"))
        let daemon = try DaemonProcess(
            config: config, environment: ["NOTIFY_SOCKET": notify.path], logPath: fixture.directory.file("daemon.log"))
        defer {
            daemon.signal(SIGTERM)
            _ = daemon.wait()
        }
        try #require(notify.waitFor("READY=1"), "the daemon never said READY=1")
        // The daemon holds the store lock: a writing command is refused, a backup is not.
        let locked = try fixture.run("import", fixture.source + "/card")
        #expect(locked.status == 2 && locked.stderr.contains("another custodyd process"), "\(locked.stderr)")

        let target = fixture.directory.file("backup")
        let made = try fixture.json(arguments: ["backup", "--to", target, "--config", config])
        let snapshot = try #require(made["snapshot"] as? String, "\(made)")
        let catalog = try EvidenceCatalog(
            readingOnly: fixture.state + "/catalog.sqlite", actor: AuditActor(uid: 0, name: nil))
        let record = try #require(try catalog.backupSnapshots().first)
        #expect(abs(record.expiresAt.timeIntervalSince(record.madeAt) - 7 * 86_400) < 1, "the configured lifetime")

        let restoredState = fixture.directory.file("restored")
        #expect(try custodyd("restore", "--from", snapshot, "--state", restoredState).status == 0)
        let deep = try custodyd("verify", "--deep", "--state", restoredState, "--key-file", fixture.key)
        #expect(deep.status == 0 && deep.stdout.contains("2 passed"), "\(deep.stdout)")
    }
}
