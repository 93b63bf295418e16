import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Resolves and checks the directory, image or device given to `import`.
public enum ImportRoot {
    /// The absolute, resolved path of `path`.
    /// - Throws: `DaemonError.invalidArgument` when it does not exist or is not a directory, image or device.
    public static func resolve(_ path: String) throws -> FilePath {
        guard let resolved = realpath(path, nil) else {
            let code = errno
            let message =
                switch code {
                case EACCES:
                    "import: \(path): permission denied on the way to it; run as a user who may read it (the custody user or root), or copy it somewhere readable"
                case ENOTDIR:
                    "import: \(path): a part of the path is not a folder; check the path"
                default:
                    "import: \(path) does not exist; give the camera's folder, an image file or a block device (is the card mounted, the path spelt right?)"
                }
            throw DaemonError(code: .invalidArgument, message: message)
        }
        defer { free(resolved) }
        let absolute = String(cString: resolved)
        var status = stat()
        let kind = stat(absolute, &status) == 0 ? status.st_mode & S_IFMT : 0
        guard kind == S_IFDIR || kind == S_IFREG || kind == S_IFBLK else {
            throw DaemonError(
                code: .invalidArgument,
                message:
                    "import: \(path) is not a directory, an image file or a block device; give the camera's folder or disk"
            )
        }
        return FilePath(absolute)
    }

    /// Refuses an import directory that holds the store or lies inside it: the walk would read the
    /// store's own files while writing them.
    public static func checkSeparate(_ root: FilePath, from state: FilePath) throws {
        guard let resolved = realpath(state.string, nil) else { return }
        defer { free(resolved) }
        let store = FilePath(String(cString: resolved))
        if store.starts(with: root) || root.starts(with: store) {
            throw DaemonError(
                code: .invalidArgument,
                message: "import: \(root) overlaps the state directory \(store); import the camera's own folder")
        }
    }
}
