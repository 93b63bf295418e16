import ArgumentParser
import ControlProtocol
import CustodyCore
import Foundation

/// The item filters `list` takes, the same in `custodyd list` (on the catalog) and `custody list` (over
/// the control socket), so the two commands cannot drift apart.
public struct ItemFilterOptions: ParsableArguments {
    @Option(help: "Only items from this device id.")
    public var device: String?

    @Option(help: "Only items ingested at or after this time (2024-05-01 or 2024-05-01T10:00:00Z).")
    public var from: String?

    @Option(help: "Only items ingested before this time.")
    public var to: String?

    @Option(name: .customLong("sha256"), help: "Only items whose SHA-256 starts with these hex digits.")
    public var sha256Prefix: String?

    @Option(name: .customLong("item-state"), help: "Only items in this lifecycle state (stored, verified).")
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
        help: "Only items whose officer sources disagreed (or, with --no-flagged, agreed).")
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

    public init() {}

    /// The filters as a control-socket query returning at most `limit` items.
    public func query(limit: Int) -> ItemQuery {
        var query = ItemQuery(
            device: device, from: from, to: to, sha256: sha256Prefix, state: itemState, recordedFrom: recordedFrom,
            recordedTo: recordedTo, officer: officer, kind: kind, location: location, limit: limit,
            flagged: flagged)
        query.dueBefore = dueBefore
        query.dueAfter = dueAfter
        query.category = category
        query.reviewState = reviewState
        query.caseNumber = caseNumber
        query.held = held
        query.fixityFailed = fixityFailed
        return query
    }
}

/// How `list` prints items for people: one line each, then the count.
public enum ItemListing {
    /// The lines for `items`.
    public static func lines(_ items: [ItemView]) -> [String] {
        items.map { item in
            "\(item.id)  \(item.state.padding(toLength: 8, withPad: " ", startingAt: 0))  \((item.media?.kind ?? "-").padding(toLength: 5, withPad: " ", startingAt: 0))  \(item.media?.recordedAt ?? "-")  \(item.size)  \(item.sha256.prefix(16))  \(item.source.device ?? "-")  \(item.source.path)  [review \(item.reviewState ?? "-"), due \(item.dueAt.map { String($0.prefix(10)) } ?? "never")\(item.fixityFailedAt != nil ? ", FIXITY FAILED" : "")]"
        } + ["\(items.count) item\(items.count == 1 ? "" : "s")"]
    }
}

/// How `show` prints an item for people: its fields, its media section, its audit trail.
public enum ItemDetailText {
    /// The lines for `item`; `objectPath` where the caller can see the store (`custodyd`, not `custody`).
    public static func lines(
        _ item: ItemView, metadata: MediaMetadata?, audit: [AuditEntryView], objectPath: String? = nil,
        review: ItemReviewView? = nil
    ) -> [String] {
        var lines = [
            "id                 \(item.id)",
            "state              \(item.state)",
            "sha256             \(item.sha256)",
            "size               \(item.size)",
            "ciphertext sha256  \(item.ciphertextSHA256)",
        ]
        if let objectPath { lines.append("object             \(objectPath)") }
        lines += [
            "device             \(item.source.device ?? "-")",
            "source root        \(item.source.root)",
            "source path        \(item.source.path)",
            "source modified    \(item.source.modified)",
            "ingested at        \(item.ingestedAt)",
            "verified at        \(item.verifiedAt ?? "-")",
        ]
        for sighting in item.seen ?? [] {
            lines.append(
                "also seen          \(sighting.at)  \(sighting.source.device ?? "-")  \(sighting.source.root)  \(sighting.source.path)"
            )
        }
        if let dock = item.dock {
            lines.append("dock session       \(dock.session)")
            lines.append(
                "clock offset       "
                    + (dock.clockOffsetSeconds.map { "\(String(format: "%+g", $0)) s (\(dock.clockOffsetMethod ?? "?"))" }
                        ?? "not measured"))
        }
        if let metadata { lines.append(MediaDescription(metadata).text) }
        if let review { lines += ReviewText.lines(review) }
        lines.append("audit trail:")
        lines += audit.map { "  #\($0.seq)  \($0.at)  \($0.actor)  \($0.action)  \($0.detail)" }
        return lines
    }
}

/// Prints `value` as pretty, key-sorted JSON on standard output.
public func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
