import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock` on `DIR/lock` of a backup directory, held by the one backup or prune working
/// on it, so two never interleave their objects and snapshots. Released when the process exits.
final class BackupLock {
    private let fd: FileDescriptor

    /// Takes the lock without waiting.
    /// - Throws: `BackupError.busy` when another process holds it; `.io` otherwise.
    init(_ backup: BackupDirectory) throws {
        let path = backup.root.appending("lock")
        do {
            fd = try FileDescriptor.open(
                path, .readWrite, options: [.create, .closeOnExec], permissions: [.ownerRead, .ownerWrite])
        } catch {
            throw BackupError(code: .io, message: "cannot open the backup lock \(path)", cause: error as? Errno)
        }
        guard flock(fd.rawValue, LOCK_EX | LOCK_NB) == 0 else {
            let error = Errno(rawValue: errno)
            try? fd.close()
            if error == .wouldBlock {
                throw BackupError(
                    code: .busy,
                    message: "another backup or prune is working on \(backup.root); wait for it to finish and retry")
            }
            throw BackupError(code: .io, message: "cannot lock \(path)", cause: error)
        }
    }

    deinit { try? fd.close() }
}
