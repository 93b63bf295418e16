import CustodyCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A path a person gave a command to write to could not be used: a sentence naming the path and the
/// fix (a missing folder, no permission, a full disk). The CLIs print it alone and exit with status 2.
public struct OutputPathError: CustodyError {
    public let message: String

    public init(message: String) { self.message = message }
}

/// Files and folders the CLIs write where a person said (`report --html/--csv`, `export write --to`,
/// `backup --to`): checked before any work, so a mistyped path costs nothing, and written so that
/// what goes wrong is said in words, not as a Foundation error code.
public enum OutputPath {
    /// Checks that the folder `path` goes in exists, is a folder and this process may create files in
    /// it; with `mustNotExist`, that `path` itself does not exist yet. With `isFolder`, `path` is a
    /// folder the command writes into (`backup --to`): when it exists, it must be writable itself.
    /// - Throws: `OutputPathError` naming `option`, the path and the fix.
    public static func checkWritable(
        _ path: String, option: String, mustNotExist: Bool = false, isFolder: Bool = false
    ) throws {
        let folder = parent(of: path)
        var info = stat()
        guard stat(folder, &info) == 0 else {
            throw OutputPathError(message: message(errno, path: path, option: option))
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw OutputPathError(message: message(ENOTDIR, path: path, option: option))
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw OutputPathError(message: message(errno, path: path, option: option))
        }
        if stat(path, &info) == 0 {
            if mustNotExist {
                throw OutputPathError(
                    message: "\(option) \(path): it exists already; give a new path (nothing is overwritten)")
            }
            let existsAsFolder = info.st_mode & S_IFMT == S_IFDIR
            if isFolder && !existsAsFolder {
                throw OutputPathError(message: "\(option) \(path): it is a file, not a folder; give a folder")
            }
            if isFolder, access(path, W_OK | X_OK) != 0 {
                throw OutputPathError(message: message(errno, path: path + "/", option: option))
            }
            if !isFolder && existsAsFolder {
                throw OutputPathError(message: message(EISDIR, path: path, option: option))
            }
        }
    }

    /// Writes `data` to `path`: a new file beside it, flushed to disk, renamed over `path`, so an
    /// earlier file there is replaced whole or not at all.
    /// - Throws: `OutputPathError` naming `option`, the path and the fix.
    public static func write(_ data: Data, to path: String, option: String) throws {
        try checkWritable(path, option: option)
        let temporary = parent(of: path) + "/." + ((path as NSString).lastPathComponent) + ".partial-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw OutputPathError(message: message(errno, path: path, option: option)) }
        var failure: Int32?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0, failure == nil { failure = errno }
        if failure == nil, rename(temporary, path) != 0 { failure = errno }
        if let failure {
            unlink(temporary)
            throw OutputPathError(message: message(failure, path: path, option: option))
        }
    }

    /// The sentence for `code` met writing `path`.
    public static func message(_ code: Int32, path: String, option: String) -> String {
        let folder = parent(of: path)
        let subject = "\(option) \(path)"
        switch code {
        case ENOENT:
            return
                "\(subject): the folder \(folder) does not exist; create it (`mkdir -p \(folder)`) or give a path in an existing folder"
        case ENOTDIR:
            return "\(subject): \(folder) is not a folder; give a path in an existing folder"
        case EACCES, EPERM:
            return
                "\(subject): no permission to write in \(folder) as \(userName()); choose a folder you may write to, or ask its owner for access"
        case EROFS:
            return "\(subject): \(folder) is on a read-only file system; write somewhere else"
        case ENOSPC, EDQUOT:
            return
                "\(subject): the disk holding \(folder) is full (or your quota is used up); free space there or write somewhere else"
        case EISDIR:
            return "\(subject): it is a folder; give a file name in it, e.g. \(path)/report"
        default:
            return "\(subject): cannot write there: \(String(cString: strerror(code)))"
        }
    }

    /// The folder `path` is in (`.` for a bare name).
    static func parent(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// This process's user, for a permission message.
    static func userName() -> String {
        guard let entry = getpwuid(geteuid()) else { return "uid \(geteuid())" }
        return String(cString: entry.pointee.pw_name)
    }
}
