import Foundation
import SystemPackage

/// What in a directory shows that a Custody store is, was, or was being made there: `custodyd init`
/// refuses all of it, so a new store and key are never created over evidence, a half-finished restore
/// or a key that opens either (docs/operations.md, "Install and first run").
struct StoreTraces {
    /// Each trace found, naming its path.
    var found: [String] = []
    /// Whether a restore was interrupted there (a `catalog.sqlite.restoring` without the catalog).
    var interruptedRestore = false
    /// Whether the catalog is there.
    var catalog = false

    /// The catalog file's name beside its companions (SQLite's `-wal`, `-shm`, `-journal`).
    static let catalogName = "catalog.sqlite"
    /// The name a restore copies the catalog to before giving it its final name (`Restore`).
    static let restoringName = "catalog.sqlite.restoring"

    /// The traces in `root`, and the key file at `keyPath`; none when `root` does not exist.
    /// - Throws: `DaemonError.stateDirectory` when `root` exists but cannot be read: what is not
    ///   seen cannot be judged safe to initialise over.
    static func find(in root: FilePath, keyPath: FilePath) throws -> StoreTraces {
        var traces = StoreTraces()
        if FileManager.default.fileExists(atPath: keyPath.string) {
            traces.found.append("a key file \(keyPath)")
        }
        guard FileManager.default.fileExists(atPath: root.string) else { return traces }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: root.string)
        } catch {
            throw DaemonError(
                code: .stateDirectory,
                message:
                    "cannot read \(root) to check that it holds no store: \(error); give a directory this user can read, or an empty or new --state"
            )
        }
        for name in names.sorted() {
            let path = root.appending(name)
            switch name {
            case catalogName, catalogName + "-wal", catalogName + "-shm", catalogName + "-journal":
                traces.catalog = traces.catalog || name == catalogName
                traces.found.append("the catalog file \(path)")
            case restoringName, restoringName + "-wal", restoringName + "-shm", restoringName + "-journal":
                traces.interruptedRestore = true
                traces.found.append("a restore's catalog copy \(path)")
            case "objects", "tmp":
                let inside = (try? FileManager.default.contentsOfDirectory(atPath: path.string)) ?? []
                if !inside.isEmpty {
                    traces.found.append(
                        name == "objects"
                            ? "evidence objects in \(path)/" : "partial objects of an ingest or a restore in \(path)/")
                }
            case "lock":
                traces.found.append("the store lock \(path)")
            case "custody.kek" where path != keyPath:
                traces.found.append("a key file \(path)")
            default:
                continue
            }
        }
        // The catalog's final name is the last step of a restore: with it, the restore finished.
        traces.interruptedRestore = traces.interruptedRestore && !traces.catalog
        return traces
    }

    /// Why `custodyd init` refuses `root`, naming what it found and the fix; nil when nothing is there.
    func refusal(root: FilePath, keyPath: FilePath) -> DaemonError? {
        guard !found.isEmpty else { return nil }
        let list = found.joined(separator: "; ")
        if interruptedRestore {
            return DaemonError(
                code: .stateDirectory,
                message:
                    "\(root) holds an interrupted restore (\(list)); refusing to initialise over it. Finish the restore: remove \(root) and run `custodyd restore --from SNAPSHOT --state \(root)` again"
            )
        }
        if catalog {
            return DaemonError(
                code: .stateDirectory,
                message:
                    "\(root) is already a Custody state directory (\(list)); refusing to initialise it again. Open it with its key (--key-file), or give an empty or new --state"
            )
        }
        if found == ["a key file \(keyPath)"] {
            return DaemonError(
                code: .keyFile,
                message:
                    "a key file already exists at \(keyPath); refusing to overwrite it (a lost KEK makes every item unreadable)"
            )
        }
        return DaemonError(
            code: .stateDirectory,
            message:
                "\(root) holds traces of a Custody store (\(list)); refusing to initialise over them, since a new store and key would orphan the evidence they belong to. Restore its catalog from a backup (`custodyd restore` into a new directory, docs/operations.md), or, if they are surely not needed, move them aside; or give an empty or new --state"
        )
    }
}
