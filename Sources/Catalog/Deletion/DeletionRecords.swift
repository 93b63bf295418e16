import CustodyCore
import Foundation
import GRDB

/// A deletion request (DESIGN §13): who asked, why, whether it reaches items that were not due, and
/// the second administrator's decision.
public struct DeletionRequestRecord: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var reason: String
    public var requestedBy: String
    public var requestedAt: Date
    /// Some item was not due when requested: a deletion for a stated special reason.
    public var notDue: Bool
    /// How long approved items stay in the trash, restorable, before the shred.
    public var grace: TimeInterval
    public var approvedBy: String?
    public var approvedAt: Date?
    public var rejectedBy: String?
    public var rejectedAt: Date?
    public var rejectionReason: String?
    /// The request's items and where each stands.
    public var items: [DeletionItemRecord] = []
    /// The live review claims its approval ended, its items going to the trash (set by
    /// `EvidenceCatalog.approveDeletion`, for its audit entries; empty otherwise).
    public var endedClaims: [ClaimRecord] = []

    /// Neither approved nor rejected yet.
    public var isOpen: Bool { approvedBy == nil && rejectedBy == nil }

    public init(row: Row) {
        id = row["id"]
        reason = row["reason"]
        requestedBy = row["requested_by"]
        requestedAt = Date(catalogMilliseconds: row["requested_at"])
        notDue = row["not_due"] as Int64 == 1
        grace = Double(row["grace_ms"] as Int64) / 1000
        approvedBy = row["approved_by"]
        approvedAt = (row["approved_at"] as Int64?).map(Date.init(catalogMilliseconds:))
        rejectedBy = row["rejected_by"]
        rejectedAt = (row["rejected_at"] as Int64?).map(Date.init(catalogMilliseconds:))
        rejectionReason = row["rejection_reason"]
    }
}

/// One item of a deletion request.
public struct DeletionItemRecord: Sendable, Equatable, FetchableRecord {
    /// Where an item of a request stands; the schema's triggers allow only the moves DESIGN §13 draws.
    public enum State: String, Sendable, Equatable {
        case requested, trashed, rejected, stopped, restored, shredded
    }

    public var requestID: Int64
    public var itemID: String
    /// Whether the item was marked due when it was requested.
    public var wasDue: Bool
    public var state: State
    public var trashedAt: Date?
    /// The end of the grace period: the shred comes no sooner.
    public var purgeAfter: Date?
    /// When a hold stopped it.
    public var stoppedAt: Date?
    public var restoredBy: String?
    public var restoredAt: Date?
    public var shreddedAt: Date?

    public init(row: Row) {
        requestID = row["request_id"]
        itemID = row["item_id"]
        wasDue = row["was_due"] as Int64 == 1
        state = State(rawValue: row["state"]) ?? .requested
        trashedAt = (row["trashed_at"] as Int64?).map(Date.init(catalogMilliseconds:))
        purgeAfter = (row["purge_after"] as Int64?).map(Date.init(catalogMilliseconds:))
        stoppedAt = (row["stopped_at"] as Int64?).map(Date.init(catalogMilliseconds:))
        restoredBy = row["restored_by"]
        restoredAt = (row["restored_at"] as Int64?).map(Date.init(catalogMilliseconds:))
        shreddedAt = (row["shredded_at"] as Int64?).map(Date.init(catalogMilliseconds:))
    }
}

/// What one retention pass did.
public struct RetentionPassResult: Sendable, Equatable {
    /// Items newly marked due.
    public var marked: Int
    /// Items that left `due`: held again, or their due date moved later.
    public var cleared: Int
    /// Items the pass would have marked or unmarked but left alone, because their stored due date is
    /// not the one their retention gives (a catalog edited outside Custody).
    public var skipped: [DueDateDisagreement]

    public init(marked: Int, cleared: Int, skipped: [DueDateDisagreement] = []) {
        self.marked = marked
        self.cleared = cleared
        self.skipped = skipped
    }
}

/// An item marked due and in no live deletion: what `deletion due` lists and a request by query takes.
public struct DueItemRecord: Sendable, Equatable, FetchableRecord {
    public var id: EvidenceID
    public var dueAt: Date?
    /// When a retention pass found it due.
    public var markedAt: Date
    public var category: String?
    public var officer: String?
    public var device: String?

    public init(row: Row) {
        id = EvidenceID(row["id"] as String) ?? EvidenceID()
        dueAt = (row["due_at"] as Int64?).map(Date.init(catalogMilliseconds:))
        markedAt = Date(catalogMilliseconds: row["due_marked_at"])
        category = row["retention_category"]
        officer = row["officer_id"]
        device = row["source_device"]
    }
}
