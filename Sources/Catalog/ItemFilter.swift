import CustodyCore
import Foundation
import GRDB

/// What `list` narrows items by. Every field is optional; all given fields must match.
public struct ItemFilter: Sendable, Equatable {
    /// Only items from this device.
    public var deviceID: String?
    /// Only items ingested at or after this instant.
    public var ingestedFrom: Date?
    /// Only items ingested before this instant.
    public var ingestedBefore: Date?
    /// Only items whose plaintext SHA-256 starts with these hex digits.
    public var sha256Prefix: String?
    /// Only items in this state (`ItemLifecycle`: a trashed item is `trashed`, not `verified`).
    public var state: ItemLifecycle.State?
    /// Only items recorded at or after this instant.
    public var recordedFrom: Date?
    /// Only items recorded before this instant.
    public var recordedBefore: Date?
    /// Only items of this officer (from the file name, or later the device registry).
    public var officerID: String?
    /// Only items of this media kind.
    public var kind: MediaMetadata.Kind?
    /// Only items with (true) or without (false) a location.
    public var hasLocation: Bool?
    /// At most this many items, newest first.
    public var limit: Int
    /// Only items flagged for a reviewer (true) — attribution sources disagreed, the media looks
    /// damaged, or the file could not be read as media — or none of these (false).
    public var flagged: Bool?
    /// Which items the caller may see at all: the access policy's answer, applied in the query.
    public var scope: ItemScope = .all
    /// Only items due before / at or after these instants (never-due items match neither); ordered by
    /// due date, soonest first.
    public var dueBefore: Date?
    public var dueAfter: Date?
    /// Only items in this category (`uncategorized`: items without categories).
    public var category: String?
    /// Only items in this review state: `pending`, `claimed`, `reviewed` (claimed: pending with a live claim).
    public var reviewState: String?
    /// Only items with this case number.
    public var caseNumber: String?
    /// Only items under an open hold (true) or under none (false).
    public var held: Bool?
    /// Only items whose object failed a fixity check (true) or never did (false).
    public var fixityFailed: Bool?
    /// The instant a claim's lease is judged at, for `reviewState` `claimed` and `pending`.
    public var now = Date()
    /// Only items listed after this item id in the filter's order: the cursor of the previous page's
    /// last item, so pages neither repeat nor skip an item however many arrive meanwhile (DESIGN §14).
    public var after: String?
    /// Only items whose notes or case numbers hold every word of this text (FTS5, case-insensitive).
    public var search: String?

    /// Creates a filter.
    public init(
        deviceID: String? = nil, ingestedFrom: Date? = nil, ingestedBefore: Date? = nil,
        sha256Prefix: String? = nil, state: ItemLifecycle.State? = nil, recordedFrom: Date? = nil,
        recordedBefore: Date? = nil,
        officerID: String? = nil, kind: MediaMetadata.Kind? = nil, hasLocation: Bool? = nil, limit: Int = 100,
        flagged: Bool? = nil
    ) {
        self.flagged = flagged
        self.recordedFrom = recordedFrom
        self.recordedBefore = recordedBefore
        self.officerID = officerID
        self.kind = kind
        self.hasLocation = hasLocation
        self.deviceID = deviceID
        self.ingestedFrom = ingestedFrom
        self.ingestedBefore = ingestedBefore
        self.sha256Prefix = sha256Prefix
        self.state = state
        self.limit = limit
    }

    /// The filter as a GRDB request, newest first.
    /// - Throws: `CatalogError.invalidQuery` for a malformed hash prefix or limit.
    func request() throws -> QueryInterfaceRequest<ItemRecord> {
        guard limit > 0 else {
            throw CatalogError(code: .invalidQuery, message: "--limit must be at least 1, not \(limit)")
        }
        var request = try matching()
        if let after {
            // Row values against the cursor item's own key: the same order `request()` uses below.
            let (column, comparison) = orderKey
            request = request.filter(
                sql: "(item.\(column), item.id) \(comparison) (SELECT c.\(column), c.id FROM item c WHERE c.id = ?)",
                arguments: [after.lowercased()])
        }
        if dueBefore != nil || dueAfter != nil {
            return request.order(ItemRecord.Columns.dueAt, ItemRecord.Columns.id).limit(limit)
        }
        // A recorded-at filter orders by recording time (its index); otherwise newest ingest first.
        if recordedFrom != nil || recordedBefore != nil {
            return request.order(ItemRecord.Columns.recordedAt.desc, ItemRecord.Columns.id.desc).limit(limit)
        }
        return request.order(ItemRecord.Columns.ingestedAt.desc, ItemRecord.Columns.id.desc).limit(limit)
    }

    /// The column the list is ordered by, and how an item after the cursor compares with it.
    private var orderKey: (column: String, comparison: String) {
        if dueBefore != nil || dueAfter != nil { return ("due_at", ">") }
        if recordedFrom != nil || recordedBefore != nil { return ("recorded_at", "<") }
        return ("ingested_at", "<")
    }

    /// Every item the filter matches, unordered and unlimited: what `count` counts.
    func matching() throws -> QueryInterfaceRequest<ItemRecord> {
        var request = ItemRecord.all()
        switch scope {
        case .all: break
        case .nothing: request = request.filter(sql: "0")
        case .officer(let officer):
            request = request.filter(ItemRecord.Columns.officerID == officer)
        case .units(let units, let officer):
            if let officer {
                request = request.filter(
                    Array(units).contains(ItemRecord.Columns.unitID) || ItemRecord.Columns.officerID == officer)
            } else {
                request = request.filter(Array(units).contains(ItemRecord.Columns.unitID))
            }
        }
        // Items of a restricted category are left out of every scope but an administrator's. The first
        // test is evaluated once: with no restricted category (the usual case) no row is read for it,
        // which keeps a reviewer's count on the indexes (171 ms -> 22 ms over 1,000,000 items).
        if scope != .all {
            request = request.filter(
                sql:
                    "(NOT EXISTS (SELECT 1 FROM category WHERE access_class = 'restricted') OR NOT EXISTS (\(EvidenceCatalog.restrictedCategorySQL)))"
            )
        }
        if let deviceID {
            // The docked device's serial, or the device id its file names carry (upper case).
            request = request.filter(
                ItemRecord.Columns.sourceDevice == deviceID || ItemRecord.Columns.nameDevice == deviceID.uppercased())
        }
        if let flagged {
            // The index item_flagged's own condition, so a flagged list reads only flagged rows.
            let anyFlag = "(attribution_flags IS NOT NULL OR media_damaged IS NOT NULL OR media_unreadable IS NOT NULL)"
            request = request.filter(sql: flagged ? anyFlag : "NOT \(anyFlag)")
        }
        if let ingestedFrom {
            request = request.filter(ItemRecord.Columns.ingestedAt >= ingestedFrom.catalogMilliseconds)
        }
        if let ingestedBefore {
            request = request.filter(ItemRecord.Columns.ingestedAt < ingestedBefore.catalogMilliseconds)
        }
        if let sha256Prefix {
            let bounds = try Self.hashBounds(forPrefix: sha256Prefix)
            request = request.filter(
                ItemRecord.Columns.sha256 >= bounds.lower && ItemRecord.Columns.sha256 <= bounds.upper)
        }
        if let state { request = request.filter(sql: Self.condition(for: state)) }
        if let officerID { request = request.filter(ItemRecord.Columns.officerID == officerID.uppercased()) }
        if let kind { request = request.filter(ItemRecord.Columns.mediaKind == kind.rawValue) }
        if let hasLocation { request = request.filter(ItemRecord.Columns.hasLocation == (hasLocation ? 1 : 0)) }
        if let recordedFrom {
            request = request.filter(ItemRecord.Columns.recordedAt >= recordedFrom.catalogMilliseconds)
        }
        if let recordedBefore {
            request = request.filter(ItemRecord.Columns.recordedAt < recordedBefore.catalogMilliseconds)
        }
        return try reviewFilters(request)
    }

    /// The review, retention and hold filters (DESIGN §12).
    private func reviewFilters(_ request: QueryInterfaceRequest<ItemRecord>) throws -> QueryInterfaceRequest<ItemRecord>
    {
        var request = request
        if let dueBefore { request = request.filter(ItemRecord.Columns.dueAt < dueBefore.catalogMilliseconds) }
        if let dueAfter { request = request.filter(ItemRecord.Columns.dueAt >= dueAfter.catalogMilliseconds) }
        // A tombstone's due date no longer applies: it is deleted.
        if dueBefore != nil || dueAfter != nil { request = request.filter(sql: ItemStateSchema.notShredded) }
        if let category {
            if category == "uncategorized" {
                request = request.filter(sql: "NOT EXISTS (SELECT 1 FROM item_category WHERE item_id = item.id)")
            } else {
                request = request.filter(
                    sql: "EXISTS (SELECT 1 FROM item_category WHERE item_id = item.id AND category = ?)",
                    arguments: [category])
            }
        }
        if let reviewState {
            let live = "EXISTS (SELECT 1 FROM review_claim WHERE item_id = item.id AND expires_at > ?)"
            let now = now.catalogMilliseconds
            switch reviewState {
            // Trashed and shredded items are pending nobody's review (the queue's indexes hold none).
            case "pending":
                request = request.filter(sql: "\(ItemStateSchema.queued) AND NOT \(live)", arguments: [now])
            case "claimed":
                request = request.filter(sql: "\(ItemStateSchema.queued) AND \(live)", arguments: [now])
            case "reviewed": request = request.filter(ItemRecord.Columns.reviewState == "reviewed")
            default:
                throw CatalogError(
                    code: .invalidQuery,
                    message: "review state '\(reviewState)' is not one of: pending, claimed, reviewed")
            }
        }
        // A case's items and held items are few: read them from their own tables, not by scanning items.
        if let caseNumber {
            request = request.filter(
                sql: "item.id IN (SELECT item_id FROM item_case WHERE case_number = ?)", arguments: [caseNumber])
        }
        if let held {
            let open =
                "SELECT hi.item_id FROM hold_item hi JOIN hold h ON h.id = hi.hold_id WHERE h.released_at IS NULL"
            request = request.filter(sql: held ? "item.id IN (\(open))" : "item.id NOT IN (\(open))")
        }
        if let search {
            guard let match = SearchSchema.query(search) else {
                throw CatalogError(code: .invalidQuery, message: "--search needs at least one word")
            }
            request = request.filter(
                sql: "item.id IN (SELECT item_id FROM item_search WHERE item_search MATCH ?)", arguments: [match])
        }
        if let fixityFailed {
            request = request.filter(
                fixityFailed ? ItemRecord.Columns.fixityFailedAt != nil : ItemRecord.Columns.fixityFailedAt == nil)
        }
        return request
    }

    /// The SQL condition of one item state: `ItemLifecycle`'s derivation, as the item row's columns say
    /// it (a deletion outranks a due mark, a due mark the ingest state).
    static func condition(for state: ItemLifecycle.State) -> String {
        switch state {
        case .stored: return "item.state = 'stored' AND deletion_state IS NULL"
        case .verified: return "item.state = 'verified' AND due_marked_at IS NULL AND deletion_state IS NULL"
        case .due: return "due_marked_at IS NOT NULL AND deletion_state IS NULL"
        case .deletionRequested: return "deletion_state = 'requested'"
        case .trashed: return "deletion_state = 'trashed'"
        case .shredded: return "deletion_state = 'shredded'"
        }
    }

    /// A scope of several units (and the caller's own items) as one filter per unit and one for the
    /// officer: each page then walks its own (unit, time) or (officer, time) index in order and stops
    /// at `limit`, and the pages merge in order. One query with `unit_id IN (…) OR officer_id = …`
    /// would have SQLite sort every item of the scope first (345 ms instead of a few for a reviewer of
    /// 100,000 items, `make bench`).
    func partitionedByScope() -> [ItemFilter] {
        guard case .units(let units, let officer) = scope, units.count + (officer == nil ? 0 : 1) > 1,
            units.count <= 256
        else { return [self] }
        var parts = units.sorted().map { unit -> ItemFilter in
            var part = self
            part.scope = .units([unit], officer: nil)
            return part
        }
        if let officer {
            var part = self
            part.scope = .officer(officer)
            parts.append(part)
        }
        return parts
    }

    /// Whether `a` lists before `b` in this filter's order (as `request()` orders); an item in two
    /// pages (the caller's own, in one of the units) is listed once.
    func comesBefore(_ a: ItemRecord, _ b: ItemRecord) -> Bool {
        if dueBefore != nil || dueAfter != nil {
            // Soonest due first, as `request()` orders a due-date filter (both sides are due).
            let left = a.review.dueAt ?? .distantFuture
            let right = b.review.dueAt ?? .distantFuture
            if left != right { return left < right }
            return a.id.description < b.id.description
        }
        if recordedFrom != nil || recordedBefore != nil {
            let left = a.media?.recordedAt ?? .distantPast
            let right = b.media?.recordedAt ?? .distantPast
            if left != right { return left > right }
        } else if a.ingestedAt != b.ingestedAt {
            return a.ingestedAt > b.ingestedAt
        }
        return a.id.description > b.id.description
    }

    /// A hex prefix as an inclusive range of 32-byte blobs, so the hash index serves it.
    static func hashBounds(forPrefix prefix: String) throws -> (lower: Data, upper: Data) {
        let digits = prefix.lowercased()
        guard !digits.isEmpty, digits.count <= 64, digits.allSatisfy(\.isHexDigit) else {
            throw CatalogError(
                code: .invalidQuery,
                message: "hash prefix '\(prefix)' is not 1 to 64 hexadecimal digits")
        }
        let lower = Hex.decode(digits.padding(toLength: 64, withPad: "0", startingAt: 0))!
        let upper = Hex.decode(digits.padding(toLength: 64, withPad: "f", startingAt: 0))!
        return (Data(lower), Data(upper))
    }
}

/// Which items a caller may see, as the access policy decided it, applied inside the catalog query so
/// a page is never filtered after the fact.
public enum ItemScope: Sendable, Equatable {
    /// Every item (administrators).
    case all
    /// No item (auditors and anyone without an evidence role).
    case nothing
    /// The officer's own items.
    case officer(String)
    /// Items attributed to these units, and the caller's own items when `officer` is set.
    case units(Set<String>, officer: String?)
}
