import CustodyCore
import Foundation
import GRDB

/// An organisational unit: reviewers' scopes are units and their sub-units.
public struct UnitRecord: Sendable, Equatable, FetchableRecord {
    public var id: String
    public var name: String
    public var parentID: String?
    /// The badge id of the unit's head, who gives grants of the unit their first approval.
    public var head: String?
    public var createdAt: Date

    public init(id: String, name: String, parentID: String?, head: String?, createdAt: Date) {
        self.id = id
        self.name = name
        self.parentID = parentID
        self.head = head
        self.createdAt = createdAt
    }

    public init(row: Row) {
        self.init(
            id: row["id"], name: row["name"], parentID: row["parent_id"], head: row["head"],
            createdAt: Date(catalogMilliseconds: row["created_at"]))
    }
}

/// A registered person: badge id, name, unit and the Unix account the kernel identity maps to.
public struct PersonRecord: Sendable, Equatable, FetchableRecord {
    public var id: String
    public var name: String
    public var unitID: String
    public var account: String?
    /// `active` or `left`.
    public var status: String
    public var leftAt: Date?
    public var leftReason: String?
    public var createdAt: Date

    public var isActive: Bool { status == "active" }

    public init(
        id: String, name: String, unitID: String, account: String?, status: String = "active", leftAt: Date? = nil,
        leftReason: String? = nil, createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.unitID = unitID
        self.account = account
        self.status = status
        self.leftAt = leftAt
        self.leftReason = leftReason
        self.createdAt = createdAt
    }

    public init(row: Row) {
        self.init(
            id: row["id"], name: row["name"], unitID: row["unit_id"], account: row["account"], status: row["status"],
            leftAt: (row["left_at"] as Int64?).map(Date.init(catalogMilliseconds:)), leftReason: row["left_reason"],
            createdAt: Date(catalogMilliseconds: row["created_at"]))
    }
}

/// A role grant and every decision taken on it.
public struct GrantRecord: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var personID: String
    public var role: Role
    public var scopeUnitID: String?
    public var reason: String
    public var validFrom: Date
    public var validUntil: Date
    public var requestedBy: String
    public var requestedAt: Date
    public var firstApprovedBy: String?
    public var firstApprovedAt: Date?
    public var secondApprovedBy: String?
    public var secondApprovedAt: Date?
    public var rejectedBy: String?
    public var rejectedAt: Date?
    public var rejectReason: String?
    public var revokedBy: String?
    public var revokedAt: Date?
    public var revokeReason: String?
    public var lastUsedAt: Date?

    /// Where the grant stands at `now`.
    public func state(at now: Date) -> GrantState {
        if revokedAt != nil { return .revoked }
        if rejectedAt != nil { return .rejected }
        if secondApprovedAt == nil { return firstApprovedAt == nil ? .requested : .firstApproved }
        if now >= validUntil { return .expired }
        if now < validFrom { return .approved }
        return .active
    }

    public init(row: Row) throws {
        func date(_ column: String) -> Date? { (row[column] as Int64?).map(Date.init(catalogMilliseconds:)) }
        guard let role = Role(rawValue: row["role"]) else {
            throw CatalogError(code: .database, message: "grant \(row["id"] as Int64) has an unknown role")
        }
        id = row["id"]
        personID = row["person_id"]
        self.role = role
        scopeUnitID = row["scope_unit_id"]
        reason = row["reason"]
        validFrom = Date(catalogMilliseconds: row["valid_from"])
        validUntil = Date(catalogMilliseconds: row["valid_until"])
        requestedBy = row["requested_by"]
        requestedAt = Date(catalogMilliseconds: row["requested_at"])
        firstApprovedBy = row["first_approved_by"]
        firstApprovedAt = date("first_approved_at")
        secondApprovedBy = row["second_approved_by"]
        secondApprovedAt = date("second_approved_at")
        rejectedBy = row["rejected_by"]
        rejectedAt = date("rejected_at")
        rejectReason = row["reject_reason"]
        revokedBy = row["revoked_by"]
        revokedAt = date("revoked_at")
        revokeReason = row["revoke_reason"]
        lastUsedAt = date("last_used_at")
    }
}

/// Where a grant stands.
public enum GrantState: String, Sendable, Codable, CaseIterable {
    /// Waiting for its first approval (the unit head or an administrator).
    case requested
    /// Waiting for its second approval (another administrator).
    case firstApproved = "first_approved"
    /// Approved twice; its validity starts later.
    case approved
    /// In force now.
    case active
    case expired
    case rejected
    case revoked
}

/// A device in the registry.
public struct DeviceRecord: Sendable, Equatable, FetchableRecord {
    public var serial: String
    public var model: String?
    public var family: String
    /// `in_service`, `in_maintenance` or `retired`.
    public var status: String
    public var retiredAt: Date?
    public var retireReason: String?
    public var createdAt: Date

    public init(row: Row) {
        serial = row["serial"]
        model = row["model"]
        family = row["family"]
        status = row["status"]
        retiredAt = (row["retired_at"] as Int64?).map(Date.init(catalogMilliseconds:))
        retireReason = row["retire_reason"]
        createdAt = Date(catalogMilliseconds: row["created_at"])
    }
}

/// One period in which a device was issued to a person.
public struct AssignmentRecord: Sendable, Equatable, FetchableRecord {
    public var serial: String
    public var personID: String
    public var from: Date
    public var until: Date?
    public var assignedBy: String
    public var returnedBy: String?

    public init(row: Row) {
        serial = row["serial"]
        personID = row["person_id"]
        from = Date(catalogMilliseconds: row["assigned_from"])
        until = (row["assigned_until"] as Int64?).map(Date.init(catalogMilliseconds:))
        assignedBy = row["assigned_by"]
        returnedBy = row["returned_by"]
    }
}

/// One maintenance record: when, what, the result, by whom.
public struct MaintenanceRecord: Sendable, Equatable, FetchableRecord {
    public var serial: String
    public var at: Date
    public var what: String
    public var result: String
    public var recordedBy: String

    public init(row: Row) {
        serial = row["serial"]
        at = Date(catalogMilliseconds: row["at"])
        what = row["what"]
        result = row["result"]
        recordedBy = row["recorded_by"]
    }
}
