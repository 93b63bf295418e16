import CustodyCore
import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Where a FAT or exFAT wipe writes down what it is about to do, before it writes to the card: a
/// crash (or a pulled cable) between deleting the directory entries and freeing the clusters would
/// otherwise leave those clusters lost — allocated, unreferenced, reported by fsck — and nothing
/// would ever free them, since the entries that named them are gone. The next wipe of the same volume
/// reads the journal and finishes freeing what the interrupted one started, after checking that the
/// card still looks as the journal left it.
///
/// One small JSON file per volume, named by the volume (its boot sector's CRC, partition offset and
/// size): written to a temporary name, `fsync`ed, renamed, the directory `fsync`ed; removed the same
/// way once the wipe is on the card. It holds directory-entry bytes (names, sizes, times) and cluster
/// numbers, never file content.
public struct WipeJournal: Sendable {
    /// The directory the journals live in (created when first needed, mode 0700).
    public let directory: String

    /// A journal kept in `directory` (the daemon uses `wipe-journal` in its state directory).
    public init(directory: String) { self.directory = directory }

    func path(_ key: String) -> String { directory + "/" + key + ".json" }

    /// The journal of the volume `key`, if an interrupted wipe left one.
    /// - Throws: `VolumeError.wipeFailed` when it exists but cannot be read or parsed.
    func load<Entry: Decodable>(_ type: Entry.Type, key: String) throws -> Entry? {
        guard let data = FileManager.default.contents(atPath: path(key)) else { return nil }
        do {
            return try JSONDecoder().decode(Entry.self, from: data)
        } catch {
            throw VolumeError(
                code: .wipeFailed,
                message:
                    "the wipe journal \(path(key)) cannot be read (\(error)); nothing was written to the card. Move it aside and run fsck on the card to reclaim what an interrupted wipe left",
                cause: error)
        }
    }

    /// Writes the journal of volume `key` durably.
    /// - Throws: `VolumeError.wipeRefused`: without a journal the wipe does not start.
    func save(_ entry: some Encodable, key: String) throws {
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let data = try JSONEncoder().encode(entry)
            let temporary = path(key) + ".tmp"
            let fd = try FileDescriptor.open(
                FilePath(temporary), .writeOnly, options: [.create, .truncate, .closeOnExec],
                permissions: [.ownerReadWrite])
            try fd.closeAfter {
                _ = try fd.writeAll(data)
                guard fsync(fd.rawValue) == 0 else { throw Errno(rawValue: errno) }
            }
            guard rename(temporary, path(key)) == 0 else { throw Errno(rawValue: errno) }
            try syncDirectory()
        } catch {
            throw VolumeError(
                code: .wipeRefused,
                message: "cannot write the wipe journal \(path(key)) (\(error)); nothing was deleted",
                cause: error)
        }
    }

    /// Removes the journal of volume `key`: its wipe is complete on the card.
    /// - Throws: `VolumeError.wipeFailed`.
    func remove(key: String) throws {
        guard unlink(path(key)) == 0 || errno == ENOENT else {
            throw VolumeError(
                code: .wipeFailed, message: "cannot remove the wipe journal \(path(key)): \(Errno(rawValue: errno))")
        }
        try? syncDirectory()
    }

    private func syncDirectory() throws {
        let fd = try FileDescriptor.open(FilePath(directory), .readOnly, options: [.directory, .closeOnExec])
        try fd.closeAfter {
            guard fsync(fd.rawValue) == 0 else { throw Errno(rawValue: errno) }
        }
    }
}

/// Test hook: makes a wipe stop as a crash would, after a number of writes to the card.
struct WriteFault {
    /// Writes that succeed before the next one fails.
    var after: Int
}
