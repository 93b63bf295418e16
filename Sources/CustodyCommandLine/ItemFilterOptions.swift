import ArgumentParser
import ControlProtocol
import CustodyCore
import Foundation

/// The item filters `list` takes, the same in `custodyd list` (on the catalog) and `custody list` (over
/// the control socket), so the two commands cannot drift apart.
public struct ItemFilterOptions: ParsableArguments {
    @Option(help: "Only items from this device id.")
    public var device: String?

    @Option(
        help: "Only items ingested at or after this time (2024-05-01 local, 2024-05-01T10:00:00Z, today, yesterday, 7d, last tuesday)."
    )
    public var from: String?

    @Option(help: "Only items ingested before this time.")
    public var to: String?

    @Option(name: .customLong("sha256"), help: "Only items whose SHA-256 starts with these hex digits.")
    public var sha256Prefix: String?

    @Option(
        name: .customLong("item-state"),
        help: "Only items in this state (stored, verified, due, deletion-requested, trashed, shredded).")
    public var itemState: String?

    @Option(name: .customLong("recorded-from"), help: "Only items recorded at or after this time.")
    public var recordedFrom: String?

    @Option(name: .customLong("recorded-to"), help: "Only items recorded before this time.")
    public var recordedTo: String?

    @Option(help: "Only items of this officer id.")
    public var officer: String?

    @Option(help: "Only items of this media kind (video, audio, photo, other).")
    public var kind: String?

    @Flag(inversion: .prefixedNo, help: "Only items with (or, with --no-location, without) a recorded location.")
    public var location: Bool?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Only flagged items: unreadable or damaged media, or officer sources that disagreed (or, with --no-flagged, none of these)."
    )
    public var flagged: Bool?

    @Option(name: .customLong("due-before"), help: "Only items due before this time (soonest due first).")
    public var dueBefore: String?

    @Option(name: .customLong("due-after"), help: "Only items due at or after this time.")
    public var dueAfter: String?

    @Option(help: "Only items in this category (uncategorized: items without one).")
    public var category: String?

    @Option(name: .customLong("review-state"), help: "Only items in this review state (pending, claimed, reviewed).")
    public var reviewState: String?

    @Option(name: .customLong("case"), help: "Only items with this case number.")
    public var caseNumber: String?

    @Flag(inversion: .prefixedNo, help: "Only items under an open hold (or, with --no-held, under none).")
    public var held: Bool?

    @Flag(
        name: .customLong("fixity-failed"), inversion: .prefixedNo,
        help: "Only items whose object failed a fixity check (or, with --no-fixity-failed, never did).")
    public var fixityFailed: Bool?

    @Option(help: "Only items whose notes or case numbers contain every word of this text (any case).")
    public var search: String?

    public init() {}

    /// The filters as a control-socket query returning at most `limit` items; the dates resolved here
    /// (local dates, relative forms: `DateArgument`) at `now` in `timeZone`.
    /// - Throws: `ValidationError` for a date that is none of `DateArgument.forms`.
    public func query(limit: Int, now: Date = Date(), timeZone: TimeZone = .current) throws -> ItemQuery {
        func resolve(_ text: String?, _ option: String) throws -> String? {
            try text.map { try DateArgument.resolve($0, option: option, now: now, timeZone: timeZone) }
        }
        var query = ItemQuery(
            device: device, from: try resolve(from, "from"), to: try resolve(to, "to"), sha256: sha256Prefix,
            state: itemState, recordedFrom: try resolve(recordedFrom, "recorded-from"),
            recordedTo: try resolve(recordedTo, "recorded-to"), officer: officer, kind: kind, location: location,
            limit: limit, flagged: flagged)
        query.dueBefore = try resolve(dueBefore, "due-before")
        query.dueAfter = try resolve(dueAfter, "due-after")
        query.category = category
        query.reviewState = reviewState
        query.caseNumber = caseNumber
        query.held = held
        query.fixityFailed = fixityFailed
        query.search = search
        return query
    }
}

/// How `list` prints items for people: a header row, aligned columns, then the count.
public enum ItemListing {
    /// The column titles, in order.
    public static let header = [
        "ID", "STATE", "RECORDED", "OFFICER", "DEVICE", "KIND", "DURATION", "REVIEW", "CATEGORY", "DUE",
    ]

    /// The lines for one page of `items`, times shown by `time`.
    public static func lines(_ items: [ItemView], time: TimeDisplay = .chosen(utc: false)) -> [String] {
        var table = Table(time: time)
        return table.lines(items) + [footer(count: items.count, total: nil, next: nil)]
    }

    /// `3 items`, or `1000 of 2500 items; more with --after ID`.
    public static func footer(count: Int, total: Int?, next: String?) -> String {
        let noun = (total ?? count) == 1 ? "item" : "items"
        let counted = total.map { $0 == count ? "\(count) \(noun)" : "\(count) of \($0) \(noun)" } ?? "\(count) \(noun)"
        return counted + (next.map { "; more with --after \($0)" } ?? "")
    }

    /// Rows printed page by page under one header: the columns widen to the first page's widest
    /// cells (and an id's length) and only grow, so a streamed listing stays aligned.
    public struct Table {
        let time: TimeDisplay
        var widths = ItemListing.header.map(\.count)
        var headed = false

        /// A table showing times by `time`.
        public init(time: TimeDisplay) { self.time = time }

        /// The lines for the next `items`: the header before the first row.
        public mutating func lines(_ items: [ItemView]) -> [String] {
            let rows = items.map { ItemListing.row($0, time: time) }
            for row in rows {
                for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
            }
            var lines: [String] = []
            if !headed, !rows.isEmpty {
                lines.append(line(ItemListing.header))
                headed = true
            }
            for (item, cells) in zip(items, rows) {
                lines.append(line(cells) + (item.fixityFailedAt != nil ? "  FIXITY FAILED" : ""))
            }
            return lines
        }

        private func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }

    /// One item's cells, in `header`'s order.
    static func row(_ item: ItemView, time: TimeDisplay) -> [String] {
        [
            item.id,
            ItemStateText.short(item, time: time),
            item.media?.recordedAt.map(time.text) ?? "-",
            item.attribution?.officer ?? item.media?.officer ?? "-",
            item.source.device ?? item.attribution?.fileNameDevice ?? "-",
            (item.media?.kind ?? "-") + (item.flags.map { $0.isEmpty ? "" : " !" + $0.joined(separator: ",") } ?? ""),
            item.media?.durationSeconds.map(duration) ?? "-",
            item.reviewState ?? "-",
            item.retentionCategory ?? "-",
            item.state == "shredded" ? "-" : item.dueAt.map(time.day) ?? "never",
        ]
    }

    /// `1:02:03` or `2:03` for a recording's length.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, rest) = (total / 3_600, total / 60 % 60, total % 60)
        return hours > 0
            ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// How `show` prints an item for people: its fields, its media section, its audit trail.
public enum ItemDetailText {
    /// The lines for `item`; `objectPath` where the caller can see the store (`custodyd`, not `custody`).
    public static func lines(
        _ item: ItemView, metadata: MediaMetadata?, audit: [AuditEntryView], objectPath: String? = nil,
        review: ItemReviewView? = nil, tombstone: TombstoneView? = nil, time: TimeDisplay = .chosen(utc: false)
    ) -> [String] {
        var lines = [
            "id                 \(item.id)",
            "state              \(ItemStateText.long(item, time: time))",
            "sha256             \(item.sha256)",
            "size               \(item.size)",
            "ciphertext sha256  \(item.ciphertextSHA256)",
        ]
        // A tombstone's object is gone: no path pretends otherwise.
        if let objectPath, item.state != "shredded" { lines.append("object             \(objectPath)") }
        lines += [
            "device             \(item.source.device ?? "-")",
            "source root        \(item.source.root)",
            "source path        \(item.source.path)",
            "source modified    \(item.source.modified)",
            "ingested at        \(time.text(item.ingestedAt))",
            "verified at        \(item.verifiedAt.map(time.text) ?? "-")",
        ]
        for sighting in item.seen ?? [] {
            lines.append(
                "also seen          \(time.text(sighting.at))  \(sighting.source.device ?? "-")  \(sighting.source.root)  \(sighting.source.path)"
            )
        }
        if let dock = item.dock {
            lines.append("dock session       \(dock.session)")
            lines.append(
                "clock offset       "
                    + (dock.clockOffsetSeconds.map { "\(String(format: "%+g", $0)) s (\(dock.clockOffsetMethod ?? "?"))" }
                        ?? "not measured"))
        }
        if let metadata { lines.append(MediaDescription(metadata, time: time).text) }
        if let tombstone { lines += tombstoneLines(tombstone, time: time) }
        if let review { lines += ReviewText.lines(review, time: time) }
        lines.append("audit trail:")
        lines += audit.map { "  #\($0.seq)  \(time.text($0.at))  \($0.actor)  \($0.action)  \($0.detail)" }
        return lines
    }
}

/// `--utc`: the human views' times in UTC instead of the local time zone.
public struct TimeOptions: ParsableArguments {
    @Flag(help: "Show times in UTC instead of the local time zone.")
    public var utc = false

    public init() {}

    /// The display the flag chose.
    public var display: TimeDisplay { .chosen(utc: utc) }
}

/// Prints `value` as pretty, key-sorted JSON on standard output.
public func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

extension ItemDetailText {
    /// Who deleted a tombstone's item, when and why.
    static func tombstoneLines(_ tombstone: TombstoneView, time: TimeDisplay) -> [String] {
        [
            "shredded at        \(time.text(tombstone.shreddedAt))",
            "deletion           #\(tombstone.deletion)\(tombstone.wasDue ? "" : "  NOT DUE (special deletion)")",
            "  reason           \(tombstone.reason)",
            "  requested by     \(tombstone.requestedBy) at \(time.text(tombstone.requestedAt))",
            "  approved by      \(tombstone.approvedBy ?? "-")\(tombstone.approvedAt.map { " at \(time.text($0))" } ?? "")",
            "  categories       \(tombstone.categories.isEmpty ? "-" : tombstone.categories.joined(separator: ", "))",
            "  receipt          custody deletion receipt \(tombstone.item)",
        ]
    }
}

/// An item's state as people read it (`ItemLifecycle`), with the date that matters to it.
public enum ItemStateText {
    /// For a column: `verified`, `due`, `deletion requested`, `trashed (shred after 2026-12-22)`,
    /// `shredded 2026-12-22`.
    public static func short(_ item: ItemView, time: TimeDisplay) -> String {
        switch item.state {
        case "deletion_requested": return "deletion requested"
        case "trashed": return "trashed" + (item.shredAfter.map { " (shred after \(time.day($0)))" } ?? "")
        case "shredded": return "shredded" + (item.shreddedAt.map { " \(time.day($0))" } ?? "")
        default: return item.state
        }
    }

    /// For `show`: the state and what it means for the item's content.
    public static func long(_ item: ItemView, time: TimeDisplay) -> String {
        switch item.state {
        case "trashed":
            return "trashed (shred after \(item.shredAfter.map(time.text) ?? "?")): unreadable by everyone; "
                + "an administrator may restore it until then (custody deletion restore \(item.id))"
        case "shredded":
            return "shredded\(item.shreddedAt.map { " at \(time.text($0))" } ?? "") (a tombstone: no key, no content)"
        default: return short(item, time: time)
        }
    }
}
