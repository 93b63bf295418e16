import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one partial directory an export's bag is written in, beside its destination:
/// `.custody-export-N.partial`. Its writer holds an exclusive lock on it (`flock`) from creation to
/// rename, so a partial nobody holds was left by a writer that was killed: the next `custody export
/// write` into that directory removes it, and says so. Creating and sweeping happen under a lock on
/// the parent directory, so a sweep never removes a partial a live writer has just made.
public enum BagPartials {
    /// A partial bag no live writer held, found in the parent directory: removed, or why not.
    public struct Abandoned: Sendable, Equatable, CustomStringConvertible {
        public var path: String
        /// Why it could not be removed; nil when it was.
        public var failure: String?

        public var description: String {
            let what = "a partial bag a killed `custody export write` left (plaintext, never recorded)"
            guard let failure else { return "removed \(path), \(what)" }
            return "cannot remove \(path), \(what): \(failure); remove it by hand"
        }
    }

    /// The partial directory's name for export `export`.
    public static func name(of export: Int64) -> String { ".custody-export-\(export).partial" }

    /// Removes every partial bag in `parent` that no live writer holds, and returns each, removed or
    /// not: `.custody-export-N.partial`, and `.NAME.partial-HEX` that earlier versions wrote.
    /// - Throws: `BagError` when `parent` cannot be opened or read.
    public static func removeAbandoned(in parent: String) throws -> [Abandoned] {
        try withLock(on: parent) { try sweep(parent) }
    }

    /// Creates export `export`'s partial directory in `parent`, locked for this process (mode 0700:
    /// plaintext is being written). Abandoned partials there are removed first, and returned.
    /// - Throws: `BagError` when another writer holds export `export`'s partial, or on a file error.
    static func create(for export: Int64, in parent: String) throws -> (path: String, lock: Int32, removed: [Abandoned])
    {
        try withLock(on: parent) {
            let removed = try sweep(parent)
            let path = parent + "/" + name(of: export)
            guard mkdir(path, 0o700) == 0 else {
                if errno == EEXIST {
                    throw BagError(
                        message: "another `custody export write` of export \(export) is writing in \(path); "
                            + "wait for it to end (a killed one's partial is removed by the next write)")
                }
                throw BagError(message: "cannot create \(path): \(String(cString: strerror(errno)))")
            }
            let lock = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else {
                throw BagError(message: "cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            return (path, lock, removed)
        }
    }

    private static func sweep(_ parent: String) throws -> [Abandoned] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: parent)
        } catch {
            throw BagError(message: "cannot read \(parent): \(error.localizedDescription)")
        }
        var found: [Abandoned] = []
        for name in names.sorted() where isPartialName(name) {
            let path = parent + "/" + name
            // An earlier version's name is only taken for a bag's when it has a bag's insides.
            if !name.hasPrefix(".custody-export-"), !FileManager.default.fileExists(atPath: path + "/custody/items") {
                continue
            }
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            // Held: a live writer's. Free: its writer is gone.
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
            do {
                try FileManager.default.removeItem(atPath: path)
                found.append(Abandoned(path: path))
            } catch {
                // Named, not fatal: another person's leftover must not stop this write.
                found.append(Abandoned(path: path, failure: error.localizedDescription))
            }
        }
        return found
    }

    /// `.custody-export-N.partial`, or `.NAME.partial-HEX` (up to 8 hex digits) of earlier versions.
    static func isPartialName(_ name: String) -> Bool {
        if name.hasPrefix(".custody-export-"), name.hasSuffix(".partial") {
            let number = name.dropFirst(".custody-export-".count).dropLast(".partial".count)
            return !number.isEmpty && number.allSatisfy(\.isNumber)
        }
        guard name.hasPrefix("."), let range = name.range(of: ".partial-", options: .backwards) else { return false }
        let suffix = name[range.upperBound...]
        return range.lowerBound > name.index(after: name.startIndex) && (1...8).contains(suffix.count)
            && suffix.allSatisfy(\.isHexDigit)
    }

    private static func withLock<T>(on parent: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw BagError(message: "cannot open \(parent): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw BagError(message: "cannot lock \(parent): \(String(cString: strerror(errno)))")
        }
        return try body()
    }
}
