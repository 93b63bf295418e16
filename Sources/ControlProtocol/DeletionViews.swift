/// The JSON shapes of deletion (docs/cli-json.md): due items, requests and their items. Instants are
/// RFC 3339 UTC text; absent fields do not apply.

/// An item the retention service marked due: past its due date, under no hold, in no deletion yet.
public struct DueItemView: Codable, Sendable, Equatable {
    public var item: String
    public var dueAt: String?
    public var markedAt: String?
    /// The category whose retention made it due.
    public var category: String?
    public var officer: String?

    public init(item: String, dueAt: String?, markedAt: String?, category: String?, officer: String?) {
        self.item = item
        self.dueAt = dueAt
        self.markedAt = markedAt
        self.category = category
        self.officer = officer
    }

    enum CodingKeys: String, CodingKey {
        case item, category, officer
        case dueAt = "due_at"
        case markedAt = "marked_at"
    }
}

/// One item of a deletion request and where it stands: `requested`, `trashed`, `rejected`, `stopped`
/// (a hold reached it), `restored` or `shredded`.
public struct DeletionItemView: Codable, Sendable, Equatable {
    public var item: String
    public var request: Int64
    /// Whether it was due when requested; false marks a special deletion.
    public var wasDue: Bool
    public var state: String
    public var trashedAt: String?
    /// The end of the grace period: the shred comes no sooner.
    public var purgeAfter: String?
    public var stoppedAt: String?
    public var restoredBy: String?
    public var restoredAt: String?
    public var shreddedAt: String?

    public init(
        item: String, request: Int64, wasDue: Bool, state: String, trashedAt: String?, purgeAfter: String?,
        stoppedAt: String?, restoredBy: String?, restoredAt: String?, shreddedAt: String?
    ) {
        self.item = item
        self.request = request
        self.wasDue = wasDue
        self.state = state
        self.trashedAt = trashedAt
        self.purgeAfter = purgeAfter
        self.stoppedAt = stoppedAt
        self.restoredBy = restoredBy
        self.restoredAt = restoredAt
        self.shreddedAt = shreddedAt
    }

    enum CodingKeys: String, CodingKey {
        case item, request, state
        case wasDue = "was_due"
        case trashedAt = "trashed_at"
        case purgeAfter = "purge_after"
        case stoppedAt = "stopped_at"
        case restoredBy = "restored_by"
        case restoredAt = "restored_at"
        case shreddedAt = "shredded_at"
    }
}

/// A deletion request: who asked and why, the second administrator's decision, its items.
public struct DeletionView: Codable, Sendable, Equatable {
    public var id: Int64
    public var reason: String
    public var requestedBy: String
    public var requestedAt: String
    /// Some item was not due: a special deletion.
    public var notDue: Bool
    /// The trash's grace period, in seconds.
    public var graceSeconds: Double
    public var approvedBy: String?
    public var approvedAt: String?
    public var rejectedBy: String?
    public var rejectedAt: String?
    public var rejectionReason: String?
    public var items: [DeletionItemView]

    public init(
        id: Int64, reason: String, requestedBy: String, requestedAt: String, notDue: Bool, graceSeconds: Double,
        approvedBy: String?, approvedAt: String?, rejectedBy: String?, rejectedAt: String?, rejectionReason: String?,
        items: [DeletionItemView]
    ) {
        self.id = id
        self.reason = reason
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.notDue = notDue
        self.graceSeconds = graceSeconds
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
        self.rejectedBy = rejectedBy
        self.rejectedAt = rejectedAt
        self.rejectionReason = rejectionReason
        self.items = items
    }

    enum CodingKeys: String, CodingKey {
        case id, reason, items
        case requestedBy = "requested_by"
        case requestedAt = "requested_at"
        case notDue = "not_due"
        case graceSeconds = "grace_seconds"
        case approvedBy = "approved_by"
        case approvedAt = "approved_at"
        case rejectedBy = "rejected_by"
        case rejectedAt = "rejected_at"
        case rejectionReason = "rejection_reason"
    }
}
