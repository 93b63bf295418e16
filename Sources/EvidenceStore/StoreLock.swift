import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The store's write lock: an exclusive `flock` on `STATE/lock`, held by the one process that may
/// write objects, run recovery or change lifecycle state. Released when the process exits, however
/// it exits, so a crash never leaves the store locked.
public final class StoreLock: Sendable {
    private let fd: FileDescriptor

    /// Takes the lock without waiting.
    /// - Throws: `StoreError.locked` when another process holds it; `.io` otherwise.
    public init(store: EvidenceStore) throws {
        let path = store.root.appending("lock")
        do {
            fd = try FileDescriptor.open(
                path, .readWrite, options: [.create, .closeOnExec], permissions: [.ownerRead, .ownerWrite])
        } catch {
            throw StoreError(code: .io, message: "cannot open the store lock \(path)", cause: error as? Errno)
        }
        guard flock(fd.rawValue, LOCK_EX | LOCK_NB) == 0 else {
            let error = Errno(rawValue: errno)
            try? fd.close()
            if error == .wouldBlock {
                throw StoreError(
                    code: .locked,
                    message:
                        "another custodyd process is writing to \(store.root); wait for it to finish (or stop the daemon) and retry"
                )
            }
            throw StoreError(code: .io, message: "cannot lock \(path)", cause: error)
        }
    }

    deinit { try? fd.close() }
}
