import CustodyCore
import Foundation
import GRDB
import Retention

/// A category: what kind of recording an item is, and so how long it is kept (DESIGN §12).
public struct CategoryRecord: Sendable, Equatable, FetchableRecord {
    /// Lower-case name, e.g. `traffic-stop`.
    public var name: String
    public var retention: RetentionPeriod
    /// `normal`, or `restricted`: only people granted the item or category, and administrators.
    public var accessClass: String
    public var description: String?
    public var createdBy: String
    public var createdAt: Date

    /// The category every item without categories is in.
    public static let uncategorized = "uncategorized"

    public init(
        name: String, retention: RetentionPeriod, accessClass: String = "normal", description: String? = nil,
        createdBy: String, createdAt: Date
    ) {
        self.name = name
        self.retention = retention
        self.accessClass = accessClass
        self.description = description
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public init(row: Row) throws {
        let text: String = row["retention"]
        guard let retention = RetentionPeriod(text) else {
            throw CatalogError(code: .database, message: "category \(row["name"] as String) has a malformed retention '\(text)'")
        }
        self.init(
            name: row["name"], retention: retention, accessClass: row["access_class"], description: row["description"],
            createdBy: row["created_by"], createdAt: Date(catalogMilliseconds: row["created_at"]))
    }
}

/// A hold: items kept whatever their categories say, for a case or matter (DESIGN §12).
public struct HoldRecord: Sendable, Equatable, FetchableRecord {
    /// What a query hold catches: every field given must match; items attributed later are caught too.
    public struct Query: Sendable, Equatable {
        public var officer: String?
        public var device: String?
        /// The recorded time range (ingested-at when an item has no recorded-at), `[from, to)`.
        public var from: Date?
        public var to: Date?
        public var caseNumber: String?

        public init(officer: String? = nil, device: String? = nil, from: Date? = nil, to: Date? = nil, caseNumber: String? = nil) {
            self.officer = officer
            self.device = device
            self.from = from
            self.to = to
            self.caseNumber = caseNumber
        }

        public var isEmpty: Bool { officer == nil && device == nil && from == nil && to == nil && caseNumber == nil }
    }

    public var id: Int64
    /// The case or matter.
    public var matter: String
    /// Who ordered it (a court, a prosecutor, an internal inquiry).
    public var authority: String
    public var reason: String
    public var placedBy: String
    public var placedAt: Date
    /// Nil for a hold on listed items only.
    public var query: Query?
    public var releasedBy: String?
    public var releasedAt: Date?
    public var releaseReason: String?
    /// How many items it holds now.
    public var itemCount: Int

    public var isOpen: Bool { releasedAt == nil }

    public init(row: Row) {
        let query = Query(
            officer: row["query_officer"], device: row["query_device"],
            from: (row["query_from"] as Int64?).map(Date.init(catalogMilliseconds:)),
            to: (row["query_to"] as Int64?).map(Date.init(catalogMilliseconds:)), caseNumber: row["query_case"])
        id = row["id"]
        matter = row["matter"]
        authority = row["authority"]
        reason = row["reason"]
        placedBy = row["placed_by"]
        placedAt = Date(catalogMilliseconds: row["placed_at"])
        self.query = query.isEmpty ? nil : query
        releasedBy = row["released_by"]
        releasedAt = (row["released_at"] as Int64?).map(Date.init(catalogMilliseconds:))
        releaseReason = row["release_reason"]
        itemCount = row["item_count"] ?? 0
    }
}

/// A note on an item: append-only and attributed.
public struct NoteRecord: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var itemID: String
    public var author: String
    public var at: Date
    public var text: String

    public init(row: Row) {
        id = row["id"]
        itemID = row["item_id"]
        author = row["author"]
        at = Date(catalogMilliseconds: row["at"])
        text = row["text"]
    }
}

/// What a reviewer decided about an item.
public struct ReviewRecord: Sendable, Equatable, FetchableRecord {
    /// `ok`, `incomplete`, `non_compliant`, `important`.
    public static let outcomes = ["ok", "incomplete", "non_compliant", "important"]

    public var id: Int64
    public var itemID: String
    public var reviewer: String
    public var reviewedAt: Date
    public var outcome: String

    public init(row: Row) {
        id = row["id"]
        itemID = row["item_id"]
        reviewer = row["reviewer"]
        reviewedAt = Date(catalogMilliseconds: row["reviewed_at"])
        outcome = row["outcome"]
    }
}

/// A live claim: who reviews an item, until when.
public struct ClaimRecord: Sendable, Equatable, FetchableRecord {
    public var itemID: String
    public var reviewer: String
    public var claimedAt: Date
    public var expiresAt: Date
    /// The administrator who assigned it, when it was not claimed by the reviewer.
    public var assignedBy: String?

    public init(row: Row) {
        itemID = row["item_id"]
        reviewer = row["reviewer"]
        claimedAt = Date(catalogMilliseconds: row["claimed_at"])
        expiresAt = Date(catalogMilliseconds: row["expires_at"])
        assignedBy = row["assigned_by"]
    }
}

/// Everything review and retention record about one item, for `show`.
public struct ItemReviewFacts: Sendable, Equatable {
    /// `pending`, `reviewed`, or nil before verification.
    public var reviewState: String?
    public var claim: ClaimRecord?
    public var reviews: [ReviewRecord]
    public var categories: [CategoryRecord]
    public var cases: [String]
    public var notes: [NoteRecord]
    /// The open holds on the item.
    public var holds: [HoldRecord]
    /// The materialised due date (nil: never due), its clock and the winning category.
    public var dueAt: Date?
    public var retentionClock: String?
    public var retentionClockFlag: String?
    public var retentionCategory: String?
    public var fixityFailedAt: Date?
}
