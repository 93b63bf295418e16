/// The JSON shapes of review, categories, retention and holds (docs/cli-json.md). Instants are RFC 3339
/// UTC text; absent fields do not apply.

/// A live claim on an item: who reviews it, until when.
public struct ClaimView: Codable, Sendable, Equatable {
    public var item: String
    public var reviewer: String
    public var claimedAt: String
    public var expiresAt: String
    /// The administrator who assigned it, when it was assigned rather than claimed.
    public var assignedBy: String?

    public init(item: String, reviewer: String, claimedAt: String, expiresAt: String, assignedBy: String?) {
        self.item = item
        self.reviewer = reviewer
        self.claimedAt = claimedAt
        self.expiresAt = expiresAt
        self.assignedBy = assignedBy
    }

    enum CodingKeys: String, CodingKey {
        case item, reviewer
        case claimedAt = "claimed_at"
        case expiresAt = "expires_at"
        case assignedBy = "assigned_by"
    }
}

/// One entry of the review queue: the item and its live claim, if any.
public struct QueueEntryView: Codable, Sendable, Equatable {
    public var item: ItemView
    public var claim: ClaimView?

    public init(item: ItemView, claim: ClaimView?) {
        self.item = item
        self.claim = claim
    }
}

/// A finished review.
public struct ReviewView: Codable, Sendable, Equatable {
    public var reviewer: String
    public var reviewedAt: String
    /// `ok`, `incomplete`, `non_compliant`, `important`.
    public var outcome: String

    public init(reviewer: String, reviewedAt: String, outcome: String) {
        self.reviewer = reviewer
        self.reviewedAt = reviewedAt
        self.outcome = outcome
    }

    enum CodingKeys: String, CodingKey {
        case reviewer, outcome
        case reviewedAt = "reviewed_at"
    }
}

/// A note on an item: append-only, attributed.
public struct NoteView: Codable, Sendable, Equatable {
    public var id: Int64
    public var item: String
    public var author: String
    public var at: String
    public var text: String

    public init(id: Int64, item: String, author: String, at: String, text: String) {
        self.id = id
        self.item = item
        self.author = author
        self.at = at
        self.text = text
    }
}

/// A category.
public struct CategoryView: Codable, Sendable, Equatable {
    public var name: String
    /// `90d`, `6m`, `10y` or `permanent`.
    public var retention: String
    /// `normal` or `restricted`.
    public var access: String
    public var description: String?

    public init(name: String, retention: String, access: String, description: String?) {
        self.name = name
        self.retention = retention
        self.access = access
        self.description = description
    }
}

/// An item's retention: when it becomes due, and why.
public struct RetentionView: Codable, Sendable, Equatable {
    /// Absent when the item is never due (permanent, or held).
    public var dueAt: String?
    /// The category whose retention won.
    public var category: String?
    /// `recorded_at` or `ingested_at`.
    public var clock: String?
    /// Why recorded-at was not trusted, when it was not.
    public var clockFlag: String?
    /// Why, in a sentence.
    public var reason: String

    public init(dueAt: String?, category: String?, clock: String?, clockFlag: String?, reason: String) {
        self.dueAt = dueAt
        self.category = category
        self.clock = clock
        self.clockFlag = clockFlag
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case category, clock, reason
        case dueAt = "due_at"
        case clockFlag = "clock_flag"
    }
}

/// A hold.
public struct HoldView: Codable, Sendable, Equatable {
    public var id: Int64
    public var matter: String
    public var authority: String
    public var reason: String
    public var placedBy: String
    public var placedAt: String
    /// The query it also catches later items by; absent for a hold on listed items only.
    public var officer: String?
    public var device: String?
    public var from: String?
    public var to: String?
    public var caseNumber: String?
    public var releasedBy: String?
    public var releasedAt: String?
    public var releaseReason: String?
    /// How many items it holds.
    public var items: Int
    /// `hold show`: the first items it holds.
    public var itemIDs: [String]?

    public init(
        id: Int64, matter: String, authority: String, reason: String, placedBy: String, placedAt: String,
        officer: String?, device: String?, from: String?, to: String?, caseNumber: String?, releasedBy: String?,
        releasedAt: String?, releaseReason: String?, items: Int, itemIDs: [String]? = nil
    ) {
        self.id = id
        self.matter = matter
        self.authority = authority
        self.reason = reason
        self.placedBy = placedBy
        self.placedAt = placedAt
        self.officer = officer
        self.device = device
        self.from = from
        self.to = to
        self.caseNumber = caseNumber
        self.releasedBy = releasedBy
        self.releasedAt = releasedAt
        self.releaseReason = releaseReason
        self.items = items
        self.itemIDs = itemIDs
    }

    enum CodingKeys: String, CodingKey {
        case id, matter, authority, reason, officer, device, from, to, items
        case placedBy = "placed_by"
        case placedAt = "placed_at"
        case caseNumber = "case"
        case releasedBy = "released_by"
        case releasedAt = "released_at"
        case releaseReason = "release_reason"
        case itemIDs = "item_ids"
    }
}

/// Everything review and retention record about one item (`show`).
public struct ItemReviewView: Codable, Sendable, Equatable {
    /// `pending`, `claimed`, `reviewed`; absent before verification.
    public var state: String?
    public var claim: ClaimView?
    public var reviews: [ReviewView]
    /// The item's categories; empty means `uncategorized`.
    public var categories: [String]
    public var cases: [String]
    public var notes: [NoteView]
    /// The open holds on it.
    public var holds: [HoldView]
    public var retention: RetentionView
    /// When its object first failed a fixity check.
    public var fixityFailedAt: String?

    public init(
        state: String?, claim: ClaimView?, reviews: [ReviewView], categories: [String], cases: [String],
        notes: [NoteView], holds: [HoldView], retention: RetentionView, fixityFailedAt: String?
    ) {
        self.state = state
        self.claim = claim
        self.reviews = reviews
        self.categories = categories
        self.cases = cases
        self.notes = notes
        self.holds = holds
        self.retention = retention
        self.fixityFailedAt = fixityFailedAt
    }

    enum CodingKeys: String, CodingKey {
        case state, claim, reviews, categories, cases, notes, holds, retention
        case fixityFailedAt = "fixity_failed_at"
    }
}

/// What a policy change does (or, in a dry run, would do) to due dates.
public struct PolicyPreviewView: Codable, Sendable, Equatable {
    /// One item whose due date moves.
    public struct Move: Codable, Sendable, Equatable {
        public var item: String
        /// Absent: never due.
        public var before: String?
        public var after: String?
        public var reason: String

        public init(item: String, before: String?, after: String?, reason: String) {
            self.item = item
            self.before = before
            self.after = after
            self.reason = reason
        }
    }

    /// Whether the change was made (`--confirm`) or only previewed.
    public var applied: Bool
    /// How many items the change touches.
    public var examined: Int
    /// How many would have their due date moved, and how many of those sooner.
    public var moved: Int
    public var sooner: Int
    /// How many would be due within 30 days of the change.
    public var dueWithin30Days: Int
    /// The first moved items, soonest new due date first.
    public var first: [Move]

    public init(applied: Bool, examined: Int, moved: Int, sooner: Int, dueWithin30Days: Int, first: [Move]) {
        self.applied = applied
        self.examined = examined
        self.moved = moved
        self.sooner = sooner
        self.dueWithin30Days = dueWithin30Days
        self.first = first
    }

    enum CodingKeys: String, CodingKey {
        case applied, examined, moved, sooner, first
        case dueWithin30Days = "due_within_30_days"
    }
}
