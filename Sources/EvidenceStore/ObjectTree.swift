import CustodyCore
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// One entry under `objects/` that is not where a committed object belongs, or is a well-placed
/// object file (`hash` set) for the caller to match against the catalog.
public struct ObjectTreeEntry: Sendable, Equatable {
    /// The entry's path.
    public var path: FilePath
    /// The object's hash, when the entry is a regular file at `objects/XY/HASH` with `XY` the first
    /// two digits of `HASH`; nil for anything else (a misplaced file, a link, a nested directory).
    public var hash: SHA256Digest?
    /// Why a misplaced entry is not an object; nil for an object.
    public var misplaced: String?
}

extension EvidenceStore {
    /// Every entry in the object tree, wherever it is: objects where they belong, and anything else
    /// (files beside the shards, files in a shard that does not match their name, directories or links
    /// deeper down) as misplaced, so a fixity check finds a stray file hidden anywhere.
    /// - Throws: `StoreError.io` when a directory cannot be listed.
    public func objectTree() throws -> [ObjectTreeEntry] {
        var entries: [ObjectTreeEntry] = []
        for shard in try listDirectory(objectsDirectory).sorted() {
            let shardPath = objectsDirectory.appending(shard)
            let kind = Self.kind(of: shardPath)
            guard kind == S_IFDIR else {
                entries.append(
                    ObjectTreeEntry(path: shardPath, hash: nil, misplaced: "a file in objects/ outside any shard"))
                continue
            }
            let shardIsValid = shard.count == 2 && shard.allSatisfy { "0123456789abcdef".contains($0) }
            for name in try listDirectory(shardPath).sorted() {
                entries.append(entry(shard: shard, shardIsValid: shardIsValid, name: name))
            }
        }
        return entries
    }

    private func entry(shard: String, shardIsValid: Bool, name: String) -> ObjectTreeEntry {
        let path = objectsDirectory.appending(shard).appending(name)
        func misplaced(_ why: String) -> ObjectTreeEntry { ObjectTreeEntry(path: path, hash: nil, misplaced: why) }
        switch Self.kind(of: path) {
        case S_IFREG: break
        case S_IFDIR: return misplaced("a directory inside a shard of objects/ (objects are files)")
        case S_IFLNK: return misplaced("a symbolic link in objects/ (objects are regular files)")
        default: return misplaced("a special file in objects/")
        }
        guard shardIsValid else { return misplaced("a file in objects/\(shard)/, which is not a shard name") }
        guard let hash = SHA256Digest(hex: name), hash.hex == name else {
            return misplaced("a file in objects/ that is not a Custody object name")
        }
        guard name.hasPrefix(shard) else {
            return misplaced("an object in the wrong shard (objects/\(shard)/ instead of objects/\(name.prefix(2))/)")
        }
        return ObjectTreeEntry(path: path, hash: hash, misplaced: nil)
    }

    /// The file type bits of `path`, not following a link; 0 when it cannot be read.
    private static func kind(of path: FilePath) -> mode_t {
        var info = stat()
        guard lstat(path.string, &info) == 0 else { return 0 }
        return info.st_mode & S_IFMT
    }
}
