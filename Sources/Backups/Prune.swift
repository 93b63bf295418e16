import Catalog
import CustodyCore
import Foundation
import Logging
import SystemPackage

/// `custodyd backup prune`: removes from a backup directory the snapshots whose lifetime ended, as
/// the live catalog records them, and the objects no remaining snapshot needs.
///
/// A snapshot holds the wrapped keys of items shredded after it was made, so it is overwritten
/// before it is unlinked, and its record is marked pruned only after the unlink is durable: a
/// record never says a key is gone while a snapshot still holds it. Snapshots in the directory that
/// this catalog has no record of (another store's, say) are kept, and their objects with them.
public struct Prune {
    /// What a prune removed and kept.
    public struct Summary: Sendable, Codable, Equatable {
        /// Snapshots removed.
        public var pruned: [String]
        /// Snapshots kept (their lifetime has not ended, or this catalog has no record of them).
        public var kept: [String]
        /// Objects removed because no kept snapshot needs them.
        public var objectsRemoved: Int

        enum CodingKeys: String, CodingKey {
            case pruned, kept
            case objectsRemoved = "objects_removed"
        }
    }

    private let catalog: EvidenceCatalog
    private let logger: Logger

    /// A prune of backups recorded in `catalog`.
    public init(catalog: EvidenceCatalog, logger: Logger) {
        self.catalog = catalog
        self.logger = logger
    }

    /// Prunes `target` as of `now`.
    /// - Throws: `BackupError.busy`, `.io`; `CatalogError` when a record cannot be updated (the
    ///   snapshot is then gone and its record still open: the next prune closes it).
    public func run(_ target: BackupDirectory, at now: Date) throws -> Summary {
        let lock = try BackupLock(target)
        defer { withExtendedLifetime(lock) {} }
        let due = try catalog.backupSnapshots().filter {
            $0.target == target.root.string && $0.prunedAt == nil && $0.expiresAt <= now
        }
        var summary = Summary(pruned: [], kept: [], objectsRemoved: 0)
        for record in due {
            try BackupFiles.overwriteAndRemove(target.snapshotPath(record.snapshot))
            try BackupFiles.sync(target.root)
            let removed = try removeUnneededObjects(target)
            try catalog.recordBackupPruned(record.id, objectsRemoved: removed, at: now)
            summary.pruned.append(record.snapshot)
            summary.objectsRemoved += removed
            logger.notice(
                "backup pruned",
                metadata: ["backup.snapshot": "\(record.snapshot)", "backup.objects_removed": "\(removed)"])
        }
        summary.kept = try target.snapshotNames()
        return summary
    }

    /// Removes every object that no snapshot left in the directory names, and makes it durable.
    private func removeUnneededObjects(_ target: BackupDirectory) throws -> Int {
        var needed = Set<SHA256Digest>()
        for name in try target.snapshotNames() {
            let contents = try SnapshotContents(snapshot: target.snapshotPath(name), actor: catalog.actor)
            needed.formUnion(contents.objects.map(\.hash))
        }
        var removed = 0
        for hash in try target.objectHashes() where !needed.contains(hash) {
            try BackupFiles.remove(target.objectPath(for: hash))
            removed += 1
        }
        if removed > 0 { try target.objects.makeDurable() }
        return removed
    }
}
