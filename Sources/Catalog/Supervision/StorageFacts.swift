import CustodyCore
import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#endif

/// What the report's storage section counts from: the scope's stored items, what each of the last
/// weeks added, and the free space of the filesystem the state directory is on.
public struct SupervisionStorageFacts: Sendable, Equatable {
    /// Stored (not shredded) items, their plaintext bytes and their objects' bytes on disk.
    public var items: Int
    public var bytes: Int64
    public var ciphertextBytes: Int64
    /// Ciphertext bytes of the stored items ingested in each of the weeks before the report's time,
    /// the most recent first: `[now - 7 d, now)`, `[now - 14 d, now - 7 d)`, …
    public var addedByWeekAgo: [Int64]
    /// The state directory's filesystem, as `statvfs` says: bytes free to an unprivileged writer, and
    /// its size; absent when it could not be asked.
    public var freeBytes: Int64?
    public var filesystemBytes: Int64?

    public init(
        items: Int, bytes: Int64, ciphertextBytes: Int64, addedByWeekAgo: [Int64], freeBytes: Int64?,
        filesystemBytes: Int64?
    ) {
        self.items = items
        self.bytes = bytes
        self.ciphertextBytes = ciphertextBytes
        self.addedByWeekAgo = addedByWeekAgo
        self.freeBytes = freeBytes
        self.filesystemBytes = filesystemBytes
    }
}

extension EvidenceCatalog {
    /// The storage facts of `filter`'s scope and officer (whatever its period) over `weeks` weeks
    /// before `now`. A shredded item's object is gone, so it counts nowhere; the weeks count what the
    /// items stored now added then.
    public func supervisionStorageFacts(at now: Date, weeks: Int, matching filter: ItemFilter) throws
        -> SupervisionStorageFacts
    {
        var filter = filter
        filter.ingestedFrom = nil
        filter.ingestedBefore = nil
        let stored = try filter.matching().filter(sql: "item.wrapped_key <> zeroblob(60)")
        let week: Int64 = 7 * 86_400_000
        let end = now.catalogMilliseconds
        let totals = stored.select(sql: "count(*), coalesce(sum(size), 0), coalesce(sum(ciphertext_size), 0)")
            .asRequest(of: Row.self)
        let added = stored.filter(
            sql: "item.ingested_at >= ? AND item.ingested_at < ?", arguments: [end - Int64(weeks) * week, end]
        )
        .select(sql: "(? - 1 - ingested_at) / ? AS week, sum(ciphertext_size)", arguments: [end, week])
        .group(sql: "week").asRequest(of: Row.self)
        let space = Self.space(of: (path as NSString).deletingLastPathComponent)
        return try read { db in
            let row = try totals.fetchOne(db)
            var byWeek = [Int64](repeating: 0, count: weeks)
            for row in try added.fetchAll(db) {
                let index: Int = row[0]
                if byWeek.indices.contains(index) { byWeek[index] = row[1] }
            }
            return SupervisionStorageFacts(
                items: row?[0] ?? 0, bytes: row?[1] ?? 0, ciphertextBytes: row?[2] ?? 0, addedByWeekAgo: byWeek,
                freeBytes: space?.free, filesystemBytes: space?.size)
        }
    }

    /// `statvfs` of `directory`: bytes available to an unprivileged writer, and the filesystem's size.
    static func space(of directory: String) -> (free: Int64, size: Int64)? {
        var info = statvfs()
        guard statvfs(directory.isEmpty ? "." : directory, &info) == 0 else { return nil }
        return (Int64(info.f_bavail) * Int64(info.f_frsize), Int64(info.f_blocks) * Int64(info.f_frsize))
    }
}
