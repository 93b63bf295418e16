import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

/// How the catalog file is created and opened read-only: the parts that depend on file modes.
enum CatalogFiles {
    /// Creates an empty catalog file with mode 0600, so SQLite (which gives `-wal` and `-shm` the mode
    /// of the database file) never makes a world-readable copy of wrapped keys, whatever the umask.
    /// - Throws: `CatalogError.unavailable` naming the reason.
    static func createPrivate(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw CatalogError(code: .unavailable, message: "cannot create the catalog at \(path): \(errnoText())")
        }
        defer { close(fd) }
        // The umask can only remove bits; set the mode explicitly anyway, so it is exactly 0600.
        guard fchmod(fd, 0o600) == 0 else {
            throw CatalogError(code: .unavailable, message: "cannot set the mode of \(path): \(errnoText())")
        }
    }

    /// Opens the catalog without writing anything, for a user who may only read it or a read-only
    /// copy. SQLite reads a WAL database read-only when its `-wal` and `-shm` exist or can be made; a
    /// copy without them (a catalog closed cleanly has none) is opened as immutable, which is exact
    /// because then there is no log to miss.
    /// - Throws: `CatalogError.unavailable`: missing, not readable (naming the permission), or a
    ///   write-ahead log that cannot be read without write access.
    static func openReadOnly(_ path: String) throws -> DatabaseQueue {
        guard access(path, F_OK) == 0 else {
            throw CatalogError(
                code: .unavailable,
                message: "no catalog at \(path): \(errnoText()); name the state directory with --state")
        }
        guard access(path, R_OK) == 0 else {
            throw CatalogError(
                code: .unavailable,
                message:
                    "cannot read the catalog at \(path): \(errnoText()); run as the custody user, or give this user read access to a copy of the state directory"
            )
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return queue
        } catch let error as DatabaseError {
            let wal = path + "-wal"
            var info = stat()
            let hasLog = stat(wal, &info) == 0 && info.st_size > 0
            guard !hasLog else {
                throw CatalogError(
                    code: .unavailable,
                    message:
                        "cannot read the catalog at \(path) read-only: its write-ahead log \(wal) needs a -shm file this user cannot create; give write access to the directory of the copy, or copy the state directory while custodyd is stopped",
                    cause: error)
            }
            do {
                let queue = try DatabaseQueue(path: immutableURI(path), configuration: configuration)
                try queue.read { db in _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
                return queue
            } catch let error as DatabaseError {
                throw CatalogError(
                    code: .unavailable, message: "cannot open the catalog at \(path) read-only", cause: error)
            }
        }
    }

    /// Below this much free space, SQLite's I/O errors are taken for what they almost always are: a
    /// full disk (a WAL or shared-memory file that could not grow reports "disk I/O error").
    static let nearlyFullBytes: Int64 = 16 << 20

    /// The disk-full message for the catalog at `path`, when its filesystem has less than
    /// `nearlyFullBytes` free and `error` is one a full disk causes; else nil.
    static func diskFullMessage(for error: DatabaseError, path: String) -> String? {
        guard error.resultCode == .SQLITE_FULL || error.resultCode == .SQLITE_IOERR else { return nil }
        var info = statvfs()
        let directory = (path as NSString).deletingLastPathComponent
        guard statvfs(directory.isEmpty ? "." : directory, &info) == 0 else { return nil }
        let free = Int64(info.f_bavail) * Int64(info.f_frsize)
        guard error.resultCode == .SQLITE_FULL || free < nearlyFullBytes else { return nil }
        return
            "the catalog at \(path) cannot grow: its disk is full (\(free) bytes free); free space on that filesystem, then retry — nothing already recorded was lost"
    }

    /// `file:PATH?immutable=1`, with the characters a URI path cannot hold percent-encoded.
    private static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path) + "?immutable=1"
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
