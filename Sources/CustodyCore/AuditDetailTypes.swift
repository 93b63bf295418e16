/// The type of each audit detail key's value (docs/audit-log.md). The log stores every detail as
/// canonical JSON text whose values are all strings — that text is what the hash chain covers, so it
/// never changes. Readers that want numbers (`custody audit log --json`) convert through this one table
/// next to the audit vocabulary (`AuditAction`), by key, never by guessing from the text: a value of
/// a numeric key that does not read as its type stays a string.
public enum AuditDetailTypes {
    /// What a detail value is.
    public enum ValueType: Sendable {
        case integer, decimal, boolean
    }

    /// Keys whose values are whole numbers: counts, sizes, ids of numbered records, process and user
    /// ids, instants in milliseconds since the epoch (`since`, `ingested_at`).
    public static let integers: Set<String> = [
        "attempt", "bytes", "checked", "ciphertext_size", "cleared", "clock_offset_ms", "count", "deletion",
        "discarded", "due", "due_within_30_days", "duplicates", "examined", "export", "failed", "files", "gid",
        "grant", "held_items", "hold", "ingested_at", "items", "lease", "lease_minutes", "length", "limit",
        "marked", "moved", "not_due", "offset", "passed", "pid", "problems", "recovered_discarded",
        "recovered_verified", "refusals", "results", "since", "size", "skipped", "sooner", "source_mtime_ns",
        "source_size",
        "temporary_removed", "text_length", "trashed", "uid", "verified", "wiped",
    ]

    /// Keys whose values are decimals (seconds).
    public static let decimals: Set<String> = ["clock_offset_seconds", "seconds"]

    /// Keys whose values are `true` or `false`.
    public static let booleans: Set<String> = [
        "confirm", "fixity_failed", "flagged", "held", "location", "notDue", "open", "wipe",
    ]

    /// The type of `key`'s value; nil: text.
    public static func type(of key: String) -> ValueType? {
        if integers.contains(key) { return .integer }
        if decimals.contains(key) { return .decimal }
        if booleans.contains(key) { return .boolean }
        return nil
    }
}
