import Foundation
import SystemPackage

/// Writes node_exporter's textfile collector file atomically: the text goes to a temporary file in
/// the same directory (which the collector ignores: it reads `*.prom` only), is flushed with
/// `fsync`, then renamed over the file, so a scrape never reads half a file, and after a crash the
/// file is the old whole one or the new whole one.
struct TextfileWriter: Sendable {
    /// The directory (`[metrics] textfile_dir`).
    let directory: FilePath
    /// The file's name in it.
    static let fileName = "custody.prom"

    var path: FilePath { directory.appending(Self.fileName) }

    /// Replaces the file with `text`, mode 0644 (the collector runs as another user; the file holds
    /// counts only, no evidence, names or secrets).
    /// - Throws: `Errno` of the failing call; the temporary file is removed then.
    func write(_ text: String) throws {
        let temporary = directory.appending(".\(Self.fileName).\(getpid()).tmp")
        let descriptor = try FileDescriptor.open(
            temporary, .writeOnly, options: [.create, .truncate, .closeOnExec],
            permissions: [.ownerReadWrite, .groupRead, .otherRead])
        do {
            try descriptor.closeAfter {
                // The umask (0077 under the unit) would otherwise leave it unreadable to the collector.
                guard fchmod(descriptor.rawValue, 0o644) == 0 else { throw Errno(rawValue: errno) }
                _ = try descriptor.writeAll(Array(text.utf8))
                guard fsync(descriptor.rawValue) == 0 else { throw Errno(rawValue: errno) }
            }
            guard rename(temporary.string, path.string) == 0 else { throw Errno(rawValue: errno) }
        } catch {
            unlink(temporary.string)
            throw error
        }
        // The rename itself survives a power cut once the directory is flushed.
        if let directoryDescriptor = try? FileDescriptor.open(
            directory, .readOnly, options: [.directory, .closeOnExec])
        {
            fsync(directoryDescriptor.rawValue)
            try? directoryDescriptor.close()
        }
    }
}
