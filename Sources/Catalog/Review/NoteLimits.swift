import CustodyCore
import Foundation
import GRDB

/// How large a note may be and how many one person may add (docs/configuration.md, `[notes]`).
/// Notes are append-only and never deleted, so without a bound one person could grow the catalog
/// without end (an officer once added 78 MB of notes in 10 s).
///
/// Counted from the catalog, inside the transaction that adds the note: a restart does not reset
/// the count, and two connections of one person cannot both slip under the limit.
public struct NoteLimits: Sendable, Equatable {
    /// The largest note, in UTF-8 bytes.
    public var maxBytes: Int = 4096
    /// Notes one person may add in any minute, and in any hour.
    public var perMinute: Int = 10
    public var perHour: Int = 120
    /// Bytes of notes one person may add in any 24 hours.
    public var bytesPerDay: Int = 256 * 1024

    /// The defaults.
    public init() {}

    /// Refuses `text` by `author` at `now` when it is too large or would exceed a rate.
    /// - Throws: `CatalogError.limitReached` naming the limit, its key and when the author may add again.
    func check(_ text: String, by author: String, at now: Date, in db: Database) throws {
        let bytes = text.utf8.count
        guard bytes <= maxBytes else {
            throw CatalogError(
                code: .limitReached,
                message:
                    "the note is \(bytes) bytes; a note is at most \(maxBytes) bytes (notes.max_bytes): shorten it or split it into several notes"
            )
        }
        for (limit, seconds, key, span) in [
            (perMinute, Int64(60), "notes.per_minute", "minute"), (perHour, Int64(3600), "notes.per_hour", "hour"),
        ] {
            let times = try Int64.fetchAll(
                db, sql: "SELECT at FROM note WHERE author = ? AND at > ? ORDER BY at",
                arguments: [author, now.catalogMilliseconds - seconds * 1000])
            guard times.count >= limit else { continue }
            // The next note fits once enough of these are older than the span.
            let next = Date(catalogMilliseconds: times[times.count - limit] + seconds * 1000)
            throw CatalogError(
                code: .limitReached,
                message:
                    "\(author) added \(times.count) notes in the last \(span), the most one person may (\(key) = \(limit)); add the next at or after \(RFC3339.string(next))"
            )
        }
        let day = Int64(86_400)
        let rows = try Row.fetchAll(
            db, sql: "SELECT at, length(CAST(text AS BLOB)) AS bytes FROM note WHERE author = ? AND at > ? ORDER BY at",
            arguments: [author, now.catalogMilliseconds - day * 1000])
        var total = rows.reduce(0) { $0 + ($1["bytes"] as Int) }
        guard total + bytes > bytesPerDay else { return }
        var next = now
        for row in rows where total + bytes > bytesPerDay {
            total -= row["bytes"] as Int
            next = Date(catalogMilliseconds: (row["at"] as Int64) + day * 1000)
        }
        let when =
            total + bytes > bytesPerDay
            ? "this note is larger than the whole day's allowance: shorten it"
            : "add it at or after \(RFC3339.string(next))"
        throw CatalogError(
            code: .limitReached,
            message:
                "\(author) added \(rows.reduce(0) { $0 + ($1["bytes"] as Int) }) bytes of notes in the last 24 hours; with this note's \(bytes) that is more than one person may add a day (notes.bytes_per_day = \(bytesPerDay)); \(when)"
        )
    }
}
