import Foundation
import GRDB

/// Consistent copies of the catalog for backups, made with SQLite's online backup API: the copy is
/// the catalog as of one read transaction, taken while writers (the daemon) carry on.
extension EvidenceCatalog {
    /// Copies the whole catalog, as of one instant, into a new file at `path` (mode 0600: it holds
    /// wrapped keys). The copy is switched to a rollback journal so it is one self-contained file.
    /// The caller makes it durable and gives it its final name. On failure nothing is left at `path`.
    /// - Throws: `CatalogError.unavailable` when `path` exists or cannot be created; `.database`
    ///   when the copy fails (the message says so when the disk is full).
    public func writeSnapshot(to path: String) throws {
        try CatalogFiles.createPrivate(path)
        do {
            let destination = try DatabaseQueue(path: path)
            try backUp(into: destination)
            try destination.writeWithoutTransaction { db in
                _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")
            }
            try destination.close()
        } catch {
            unlink(path)
            unlink(path + "-journal")
            if let error = error as? DatabaseError {
                if let full = CatalogFiles.diskFullMessage(for: error, path: path) {
                    throw CatalogError(code: .database, message: full, cause: error)
                }
                throw CatalogError(
                    code: .database, message: "cannot copy the catalog \(self.path) to \(path)", cause: error)
            }
            throw error
        }
    }

    /// Checks a snapshot file: it opens read-only, `PRAGMA integrity_check` finds nothing, and it is
    /// a Custody catalog (it records a key fingerprint).
    /// - Throws: `CatalogError.unavailable` when it cannot be opened or is not a catalog;
    ///   `.database` naming what the integrity check found.
    public static func checkSnapshot(at path: String) throws {
        let queue = try CatalogFiles.openReadOnly(path)
        let (problems, fingerprint): ([String], Data?) = try {
            do {
                return try queue.read { db in
                    (
                        try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                        try Data.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'kek_fingerprint'")
                    )
                }
            } catch let error as DatabaseError {
                throw CatalogError(code: .unavailable, message: "\(path) is not a Custody catalog", cause: error)
            }
        }()
        guard problems == ["ok"] else {
            throw CatalogError(
                code: .database,
                message: "the snapshot \(path) fails its integrity check: \(problems.prefix(5).joined(separator: "; "))"
            )
        }
        guard fingerprint?.count == 16 else {
            throw CatalogError(
                code: .unavailable, message: "\(path) is not a Custody catalog: it records no key fingerprint")
        }
    }
}
