/// A registered person (docs/cli-json.md).
public struct PersonView: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var unit: String
    public var account: String?
    /// `active` or `left`.
    public var status: String
    public var leftAt: String?
    public var leftReason: String?
    /// Their grants, newest first (in `person show`).
    public var grants: [GrantView]?
    /// The devices they hold now.
    public var devices: [String]?

    public init(
        id: String, name: String, unit: String, account: String?, status: String, leftAt: String? = nil,
        leftReason: String? = nil, grants: [GrantView]? = nil, devices: [String]? = nil
    ) {
        self.id = id
        self.name = name
        self.unit = unit
        self.account = account
        self.status = status
        self.leftAt = leftAt
        self.leftReason = leftReason
        self.grants = grants
        self.devices = devices
    }

    enum CodingKeys: String, CodingKey {
        case id, name, unit, account, status, grants, devices
        case leftAt = "left_at"
        case leftReason = "left_reason"
    }
}

/// A unit.
public struct UnitView: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var parent: String?
    public var head: String?

    public init(id: String, name: String, parent: String?, head: String?) {
        self.id = id
        self.name = name
        self.parent = parent
        self.head = head
    }
}

/// A role grant and the decisions taken on it.
public struct GrantView: Codable, Sendable, Equatable {
    public var id: Int64
    public var person: String
    public var role: String
    public var scope: String?
    public var reason: String
    public var validFrom: String
    public var validUntil: String
    /// `requested`, `first_approved`, `approved`, `active`, `expired`, `rejected` or `revoked`.
    public var state: String
    public var requestedBy: String
    public var requestedAt: String
    public var firstApprovedBy: String?
    public var firstApprovedAt: String?
    public var secondApprovedBy: String?
    public var secondApprovedAt: String?
    public var rejectedBy: String?
    public var rejectReason: String?
    public var revokedBy: String?
    public var revokedAt: String?
    public var revokeReason: String?
    public var lastUsedAt: String?

    public init(
        id: Int64, person: String, role: String, scope: String?, reason: String, validFrom: String,
        validUntil: String, state: String, requestedBy: String, requestedAt: String
    ) {
        self.id = id
        self.person = person
        self.role = role
        self.scope = scope
        self.reason = reason
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.state = state
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, person, role, scope, reason, state
        case validFrom = "valid_from"
        case validUntil = "valid_until"
        case requestedBy = "requested_by"
        case requestedAt = "requested_at"
        case firstApprovedBy = "first_approved_by"
        case firstApprovedAt = "first_approved_at"
        case secondApprovedBy = "second_approved_by"
        case secondApprovedAt = "second_approved_at"
        case rejectedBy = "rejected_by"
        case rejectReason = "reject_reason"
        case revokedBy = "revoked_by"
        case revokedAt = "revoked_at"
        case revokeReason = "revoke_reason"
        case lastUsedAt = "last_used_at"
    }
}

/// A device in the registry, with its history in `device show`.
public struct DeviceView: Codable, Sendable, Equatable {
    public struct Assignment: Codable, Sendable, Equatable {
        public var person: String
        public var from: String
        public var until: String?
        public var assignedBy: String

        public init(person: String, from: String, until: String?, assignedBy: String) {
            self.person = person
            self.from = from
            self.until = until
            self.assignedBy = assignedBy
        }

        enum CodingKeys: String, CodingKey {
            case person, from, until
            case assignedBy = "assigned_by"
        }
    }

    public struct Maintenance: Codable, Sendable, Equatable {
        public var at: String
        public var what: String
        public var result: String
        public var by: String

        public init(at: String, what: String, result: String, by: String) {
            self.at = at
            self.what = what
            self.result = result
            self.by = by
        }
    }

    public var serial: String
    public var model: String?
    public var family: String
    /// `in_service`, `in_maintenance` or `retired`.
    public var status: String
    /// Who holds it now.
    public var holder: String?
    public var retiredAt: String?
    public var retireReason: String?
    public var assignments: [Assignment]?
    public var maintenance: [Maintenance]?

    public init(
        serial: String, model: String?, family: String, status: String, holder: String?, retiredAt: String? = nil,
        retireReason: String? = nil, assignments: [Assignment]? = nil, maintenance: [Maintenance]? = nil
    ) {
        self.serial = serial
        self.model = model
        self.family = family
        self.status = status
        self.holder = holder
        self.retiredAt = retiredAt
        self.retireReason = retireReason
        self.assignments = assignments
        self.maintenance = maintenance
    }

    enum CodingKeys: String, CodingKey {
        case serial, model, family, status, holder, assignments, maintenance
        case retiredAt = "retired_at"
        case retireReason = "retire_reason"
    }
}

/// Who the daemon thinks the caller is (`whoami`).
public struct WhoAmIView: Codable, Sendable, Equatable {
    /// The kernel's view of the caller.
    public var uid: UInt32
    public var account: String?
    /// The principal the audit log and grants name: a badge id, `account:NAME` or `uid:N`.
    public var principal: String
    /// The registered person, when there is one.
    public var person: PersonView?
    /// The roles in force now, with where each comes from.
    public var roles: [RoleView]
    /// When the caller is not registered: how to be.
    public var hint: String?

    public init(uid: UInt32, account: String?, principal: String, person: PersonView?, roles: [RoleView], hint: String?) {
        self.uid = uid
        self.account = account
        self.principal = principal
        self.person = person
        self.roles = roles
        self.hint = hint
    }

    /// One role in force and why.
    public struct RoleView: Codable, Sendable, Equatable {
        public var role: String
        /// The units it covers (reviewers), absent for all or own.
        public var scope: [String]?
        /// `grant 12 until …`, `group custody-admin`, `registered person`, `the daemon's own account`.
        public var source: String
        public var until: String?

        public init(role: String, scope: [String]?, source: String, until: String?) {
            self.role = role
            self.scope = scope
            self.source = source
            self.until = until
        }
    }
}
