import ArgumentParser
import Backups
import Catalog
import CustodyCommandLine
import CustodyCore
import CustodyDaemon
import Foundation
import SystemPackage

/// `custodyd backup`, `backup prune`, `backup list`: the Backups library, run by the administrator
/// on the dock (docs/operations.md, "Backups").
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the catalog and the encrypted objects into a backup directory (see `backup make`).",
        subcommands: [BackupMakeCommand.self, BackupPruneCommand.self, BackupListCommand.self],
        defaultSubcommand: BackupMakeCommand.self)
}

/// Where a backup goes.
struct BackupTargetOptions: ParsableArguments {
    @Option(name: .customLong("to"), help: "The backup directory: empty, absent, or an earlier backup's.")
    var target: String
}

struct BackupMakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make",
        abstract: "Snapshot the catalog and copy the objects it needs that the backup lacks; verify both.",
        discussion:
            "Works while the daemon runs. Copies only ciphertext and the catalog (no key needed; the KEK is never copied). The snapshot is kept for [backup] lifetime_days of the configuration (default 90), then `backup prune` removes it. Exit status: 0 made and verified; 2 not made (a missing parent folder, a file in the way, no permission, a full backup disk: the message names the path and the fix); 64 bad usage."
    )

    @OptionGroup var options: StateOptions
    @OptionGroup var target: BackupTargetOptions

    @Option(
        help: "The configuration file with [backup] lifetime_days (default: /etc/custody/custodyd.toml, if present).")
    var config: String?

    @Option(
        name: .customLong("lifetime-days"), help: "Keep this snapshot this many days (overrides the configuration).")
    var lifetimeDays: Int?

    @Flag(
        name: .customLong("verify-all"),
        help:
            "Also read back and hash every object already in the backup, copying damaged ones again (reads the whole backup disk)."
    )
    var verifyAll = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let lifetimeDays, !(0...36_500).contains(lifetimeDays) {
            throw ValidationError("--lifetime-days must be from 0 to 36500, not \(lifetimeDays)")
        }
    }

    func run() throws {
        let lifetime = try lifetimeDays.map { Double($0) * 86_400 } ?? configuredLifetime()
        let state = try options.open(needsKey: false)
        let backup = try BackupDirectory.prepare(
            at: FilePath(options.absolute(target.target)), outside: state.root)
        let bar = ProgressBar.forStandardError(enabled: !json)
        // The bar's line ends before any message, the error's included.
        defer { bar?.finish() }
        let summary = try Backup(catalog: state.catalog, store: state.store, logger: commandLogger)
            .make(into: backup, lifetime: lifetime, verifyExisting: verifyAll, progress: bar.map(Self.feed) ?? { _ in })
        bar?.finish()
        if json { return try printJSON(summary) }
        print("snapshot  \(summary.snapshot)")
        print(
            "items     \(summary.items) (\(summary.objects) objects: \(summary.objectsCopied) copied, \(summary.objects - summary.objectsCopied) already there\(summary.objectsRepaired > 0 ? ", \(summary.objectsRepaired) of them damaged and copied again" : ""))"
        )
        print(
            "bytes     \(summary.bytes) written, every copy verified\(verifyAll ? ", and every object already there" : "")"
        )
        print("expires   \(RFC3339.string(summary.expiresAt)) (record \(summary.record))")
    }

    /// Moves `bar` with a backup's or a restore's counts.
    static func feed(_ bar: ProgressBar) -> (BackupProgress) -> Void {
        { progress in
            bar.setTotal(progress.total)
            // The id's first 8 characters, as `custody show` takes it: room for it beside the bar.
            bar.update(done: progress.bytes, current: "item " + progress.item.prefix(8))
        }
    }

    private func configuredLifetime() throws -> Double {
        let path = config.map { FilePath(options.absolute($0)) } ?? ConfigurationFile.defaultPath
        // The default file is optional here: a dock without one backs up with the defaults.
        if config == nil, !FileManager.default.fileExists(atPath: path.string) {
            return DaemonConfiguration.Backup().lifetimeSeconds
        }
        return try ConfigurationFile.load(path: path, environment: options.environment).backup.lifetimeSeconds
    }
}

struct BackupPruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove the snapshots whose lifetime ended, and the objects no remaining snapshot needs.",
        discussion:
            "Uses the state directory's records of the backups made into the directory. Each removed snapshot is overwritten first (it holds wrapped keys), then its record is marked pruned and audited."
    )

    @OptionGroup var options: StateOptions
    @OptionGroup var target: BackupTargetOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let state = try options.open(needsKey: false)
        let backup = try BackupDirectory.open(at: FilePath(options.absolute(target.target)))
        let summary = try Prune(catalog: state.catalog, logger: commandLogger).run(backup, at: Date())
        if json { return try printJSON(summary) }
        for name in summary.pruned { print("pruned  \(name)") }
        print(
            "\(summary.pruned.count) snapshots pruned, \(summary.objectsRemoved) objects removed, \(summary.kept.count) snapshots kept"
        )
    }
}

struct BackupListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the backups this state directory has made, oldest first.")

    @OptionGroup var options: StateOptions

    @Option(name: .customLong("to"), help: "Only the backups made into this directory.")
    var target: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let state = try options.open(needsKey: false, readOnly: true)
        let root = try target.map { try BackupDirectory.open(at: FilePath(options.absolute($0))).root.string }
        let records = try state.catalog.backupSnapshots().filter { root == nil || $0.target == root }
        if json { return try printJSON(records.map(BackupRecordView.init)) }
        for record in records {
            let status =
                record.prunedAt.map { "pruned \(RFC3339.string($0))" } ?? "expires \(RFC3339.string(record.expiresAt))"
            print("\(record.id)  \(record.target)/\(record.snapshot)  \(record.items) items  \(status)")
        }
        print("\(records.count) backups")
    }
}

/// A backup record as `backup list --json` prints it.
struct BackupRecordView: Encodable {
    var id: Int64
    var madeAt: String
    var expiresAt: String
    var target: String
    var snapshot: String
    var items: Int64
    var objectsCopied: Int64
    var bytes: Int64
    var prunedAt: String?

    init(_ record: BackupSnapshotRecord) {
        id = record.id
        madeAt = RFC3339.string(record.madeAt)
        expiresAt = RFC3339.string(record.expiresAt)
        target = record.target
        snapshot = record.snapshot
        items = record.items
        objectsCopied = record.objectsCopied
        bytes = record.bytes
        prunedAt = record.prunedAt.map(RFC3339.string)
    }

    enum CodingKeys: String, CodingKey {
        case id, target, snapshot, items, bytes
        case madeAt = "made_at"
        case expiresAt = "expires_at"
        case objectsCopied = "objects_copied"
        case prunedAt = "pruned_at"
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Make a new state directory from a backup snapshot and the objects it names.",
        discussion:
            "Writes only into an empty or absent --state. The KEK is not in the backup: put it at STATE/custody.kek (mode 0600) afterwards, or pass --key-file to every command; with --key-file here, it is checked against the snapshot first. Then run `custodyd verify --deep` and `custodyd audit verify`."
    )

    @Option(name: .customLong("from"), help: "The snapshot: DIR/snapshot-....sqlite of a backup directory.")
    var snapshot: String

    @Option(help: "The new state directory (empty or absent).")
    var state: String

    @Option(name: .customLong("key-file"), help: "A key file to check against the snapshot before restoring.")
    var keyFile: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let snapshotPath = FilePath(absolute(snapshot))
        if let keyFile {
            try checkKey(FilePath(absolute(keyFile)), against: snapshotPath)
        }
        let bar = ProgressBar.forStandardError(enabled: !json)
        defer { bar?.finish() }
        let summary = try Restore.run(
            snapshot: snapshotPath, into: FilePath(absolute(state)), actor: .currentProcess, logger: commandLogger,
            progress: bar.map(BackupMakeCommand.feed) ?? { _ in })
        bar?.finish()
        if json { return try printJSON(summary) }
        print("restored  \(summary.state) from \(summary.snapshot)")
        print("items     \(summary.items) (\(summary.objects) objects copied and verified, \(summary.bytes) bytes)")
        print(
            "next      custodyd verify --deep --state \(summary.state); custodyd audit verify --state \(summary.state)")
    }

    private func checkKey(_ path: FilePath, against snapshot: FilePath) throws {
        let key = try KeyFile.load(from: path)
        let expected = try EvidenceCatalog(readingOnly: snapshot.string, actor: .currentProcess).keyFingerprint()
        guard key.fingerprint == expected else {
            throw DaemonError(
                code: .wrongKey,
                message:
                    "the key at \(path) (fingerprint \(Hex.encode(key.fingerprint))) is not the key of the snapshot \(snapshot) (fingerprint \(Hex.encode(expected))); give the store's key (or the old one, if the snapshot predates a key rotation)"
            )
        }
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
