import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

extension DaemonConfiguration {
    /// What `run` would reject on this machine that the file's syntax cannot show: groups that do
    /// not exist, watched folders, an anchor file's or a backup directory's directory that are not
    /// there, a backup directory inside the state directory. `run --check`
    /// reports them, and `run` refuses to start with any of them before it takes the store lock or
    /// writes anything. Empty when the configuration can run.
    public func problemsOnThisMachine() -> [String] {
        var problems: [String] = []
        if let group = control.socketGroup, UserDatabase.groupID(named: group) == nil {
            problems.append(
                "[control] group: there is no group \"\(group)\" on this machine; create it (systemd/custody.sysusers.conf) or set group = \"\""
            )
        }
        for group in control.allowedGroups where UserDatabase.groupID(named: group) == nil {
            problems.append(
                "[control] allowed_groups: there is no group \"\(group)\" on this machine; create it or remove it from the list"
            )
        }
        for folder in watchedFolders where !Self.isDirectory(folder.path) {
            problems.append(
                "[[watch]] path: \(folder.path) is not a directory custodyd can see; create it (or mount it) first")
        }
        if let anchorFile = audit.anchorFile, !Self.isDirectory(anchorFile.removingLastComponent()) {
            problems.append(
                "[audit] anchor_file: the directory \(anchorFile.removingLastComponent()) does not exist; create it (or mount it) first"
            )
        }
        if let directory = backup.directory {
            // The backup directory itself may be made at the first backup, but not its disk.
            if !Self.isDirectory(directory) && !Self.isDirectory(directory.removingLastComponent()) {
                problems.append(
                    "[backup] directory: neither \(directory) nor its parent exists; create it (or mount its disk) first"
                )
            }
            if directory == stateDirectory || directory.starts(with: stateDirectory) {
                problems.append(
                    "[backup] directory: \(directory) is inside the state directory \(stateDirectory); put backups on another disk"
                )
            }
        }
        if let metrics, !Self.isDirectory(metrics.textfileDirectory) {
            problems.append(
                "[metrics] textfile_dir: \(metrics.textfileDirectory) is not a directory; create it (node_exporter's --collector.textfile.directory) first"
            )
        }
        return problems
    }

    /// Throws when `problemsOnThisMachine()` is not empty.
    /// - Throws: `ConfigurationError.invalidValue` listing every problem.
    public func checkOnThisMachine(path: FilePath?) throws {
        let problems = problemsOnThisMachine()
        guard problems.isEmpty else {
            throw ConfigurationError(
                code: .invalidValue, line: nil, detail: problems.joined(separator: "; "), path: path?.string)
        }
    }

    private static func isDirectory(_ path: FilePath) -> Bool {
        var info = stat()
        return stat(path.string, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
