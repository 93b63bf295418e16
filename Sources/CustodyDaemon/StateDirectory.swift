import Catalog
import CustodyCore
import EvidenceCrypto
import EvidenceStore
import Foundation
import Ingest
import Logging
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// An opened Custody state directory: the store, the catalog and the KEK, checked to belong together.
///
/// Reading commands use it directly; writing commands go through `withWriteAccess`, which takes the
/// store lock and runs recovery first.
public struct StateDirectory: Sendable {
    /// The directory.
    public let root: FilePath
    /// The object store.
    public let store: EvidenceStore
    /// The catalog.
    public let catalog: EvidenceCatalog
    /// The key-encryption key, when the command needed it (reading the catalog and checking object
    /// hashes does not).
    public let keyEncryptionKey: KeyEncryptionKey?

    /// The default state directory: `$STATE_DIRECTORY` (set by systemd's `StateDirectory=`), else
    /// `/var/lib/custody`.
    public static func defaultRoot(environment: [String: String]) -> FilePath {
        if let fromSystemd = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !fromSystemd.isEmpty {
            return FilePath(String(fromSystemd))
        }
        return "/var/lib/custody"
    }

    /// The catalog file of a state directory.
    public static func catalogPath(in root: FilePath) -> FilePath { root.appending("catalog.sqlite") }

    /// Creates a state directory: `objects/`, `tmp/`, a new KEK at `keyPath` and an empty catalog,
    /// in an empty or absent directory (empty `objects/` and `tmp/` may be there: they hold nothing).
    /// - Throws: `DaemonError.stateDirectory` when the directory holds any trace of a store (a
    ///   catalog or its companions, a restore's catalog copy, objects, partial objects, the store
    ///   lock, a key file), naming each; `.keyFile` when the only trace is a key file at `keyPath`.
    ///   Nothing is created or changed then.
    public static func initialise(at root: FilePath, keyPath: FilePath, actor: AuditActor) throws -> StateDirectory {
        let catalogPath = Self.catalogPath(in: root)
        if let refusal = try StoreTraces.find(in: root, keyPath: keyPath).refusal(root: root, keyPath: keyPath) {
            throw refusal
        }
        let store = try EvidenceStore.create(at: root)
        let key = try KeyFile.create(at: keyPath)
        let catalog = try EvidenceCatalog.create(
            path: catalogPath.string, actor: actor, keyFingerprint: key.fingerprint)
        return StateDirectory(root: root, store: store, catalog: catalog, keyEncryptionKey: key)
    }

    private init(root: FilePath, store: EvidenceStore, catalog: EvidenceCatalog, keyEncryptionKey: KeyEncryptionKey?) {
        self.root = root
        self.store = store
        self.catalog = catalog
        self.keyEncryptionKey = keyEncryptionKey
    }

    /// Opens an existing state directory, with the KEK at `keyPath` when one is given.
    ///
    /// `readOnly` opens the catalog without migrating or writing anything (`EvidenceCatalog
    /// .init(readingOnly:)`), for checks run on a read-only copy or as a user who may only read it.
    /// - Throws: `StoreError.notAStore`, `CatalogError.unavailable`, `DaemonError.keyFile`, or
    ///   `DaemonError.wrongKey` when the KEK's fingerprint is not the store's. Nothing is written.
    public static func open(
        at root: FilePath, keyPath: FilePath?, actor: AuditActor, readOnly: Bool = false
    ) throws -> StateDirectory {
        try requireNoHalfStore(root)
        let store = try EvidenceStore(root: root)
        let path = catalogPath(in: root).string
        let catalog =
            readOnly
            ? try EvidenceCatalog(readingOnly: path, actor: actor) : try EvidenceCatalog(path: path, actor: actor)
        guard let keyPath else {
            return StateDirectory(root: root, store: store, catalog: catalog, keyEncryptionKey: nil)
        }
        if let pending = try catalog.pendingKeyRotation() {
            // Mid-rotation some items are under the old key and some under the new: no single key
            // reads them all, so nothing that needs one runs until the rotation is finished.
            throw DaemonError(
                code: .wrongKey,
                message:
                    "a key rotation of \(root) to the key with fingerprint \(Hex.encode(pending)) is unfinished; finish it with `custodyd key rotate --key-file OLD --new-key-file NEW` (the same files again)"
            )
        }
        let key = try KeyFile.load(from: keyPath)
        let expected = try catalog.keyFingerprint()
        guard key.fingerprint == expected else {
            throw DaemonError(
                code: .wrongKey,
                message:
                    "the key at \(keyPath) (fingerprint \(Hex.encode(key.fingerprint))) is not this store's key (fingerprint \(Hex.encode(expected))); give the right one with --key-file"
            )
        }
        return StateDirectory(root: root, store: store, catalog: catalog, keyEncryptionKey: key)
    }

    /// A restore interrupted before it gave the catalog its name leaves objects and the catalog's copy
    /// but no catalog: never a store to open, nor one to initialise over (that would put a new key
    /// over restored evidence); the fix is to run the restore again. Objects without any catalog are
    /// evidence whose catalog is lost: the fix is a restore, never `init`.
    /// - Throws: `DaemonError.stateDirectory` naming what is there and the fix.
    static func requireNoHalfStore(_ root: FilePath) throws {
        guard !FileManager.default.fileExists(atPath: catalogPath(in: root).string) else { return }
        let restoring = root.appending(StoreTraces.restoringName)
        if FileManager.default.fileExists(atPath: restoring.string) {
            throw DaemonError(
                code: .stateDirectory,
                message:
                    "\(root) holds an interrupted restore (\(restoring), no catalog.sqlite): it is not a usable store yet. Finish the restore: remove \(root) and run `custodyd restore --from SNAPSHOT --state \(root)` again (never `custodyd init` there)"
            )
        }
        let objects = (try? FileManager.default.contentsOfDirectory(atPath: root.appending("objects").string)) ?? []
        if !objects.isEmpty {
            throw DaemonError(
                code: .stateDirectory,
                message:
                    "\(root) holds evidence objects but no catalog.sqlite: its catalog is lost or was moved. Put the catalog back, or restore the newest backup into a new directory (`custodyd restore --from SNAPSHOT --state NEW`, docs/operations.md); never `custodyd init` there"
            )
        }
    }

    /// Takes the store lock, runs recovery, then calls `body`. The lock is released when it returns.
    /// - Throws: `StoreError.locked` when another process writes; recovery's errors; `body`'s.
    public func withWriteAccess<T>(logger: Logger, _ body: (Recovery.Report) throws -> T) throws -> T {
        let key = try requireKey()
        let lock = try StoreLock(store: store)
        defer { withExtendedLifetime(lock) {} }
        let report = try Recovery(store: store, catalog: catalog, keyEncryptionKey: key, logger: logger).run()
        return try body(report)
    }

    /// The KEK.
    /// - Throws: `DaemonError.keyFile` when the state was opened without one.
    public func requireKey() throws -> KeyEncryptionKey {
        guard let keyEncryptionKey else {
            throw DaemonError(code: .keyFile, message: "this operation needs the store's key-encryption key")
        }
        return keyEncryptionKey
    }
}
