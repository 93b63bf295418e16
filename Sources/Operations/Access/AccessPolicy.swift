import Catalog
import CustodyCore

/// What a request asks to do, as the access policy sees it.
public enum OperationAction: String, Sendable, CaseIterable {
    case viewStatus = "status"
    case whoami
    case listItems = "list"
    case showItem = "show"
    case readAudit = "audit"
    /// `person list/show`, `unit list`, `device list/show`.
    case viewRegistry = "registry.view"
    /// `person add/leave`, `unit add`, `device add/assign/return/maintenance/retire`.
    case manageRegistry = "registry.manage"
    case requestGrant = "grant.request"
    case approveGrantFirst = "grant.approve.first"
    case approveGrantSecond = "grant.approve.second"
    case rejectGrant = "grant.reject"
    case revokeGrant = "grant.revoke"
    case listGrants = "grant.list"
    /// Plaintext of an item: `custody play`, `custody cat`.
    case viewContent = "content.view"
    case requestExport = "export.request"
    /// Approving or rejecting an export.
    case decideExport = "export.decide"
    /// Opening an approved export and writing its bag.
    case writeExport = "export.write"
    case listExports = "export.list"
    /// `review queue/next`: the queue of the caller's scope.
    case viewReviewQueue = "review.queue"
    /// `review claim/done/release` on an item within the caller's scope.
    case reviewItem = "review.item"
    /// `review assign`: giving an item to a reviewer.
    case assignReview = "review.assign"
    /// `note add`: the enforcement record that goes with a recording.
    case addNote = "note.add"
    case viewCategories = "category.view"
    /// `category add/set/remove`: the retention policy.
    case manageCategories = "category.manage"
    /// `categorize`, `uncategorize` an item.
    case categorizeItem = "item.categorize"
    case viewHolds = "hold.view"
    /// `hold place/release`.
    case manageHolds = "hold.manage"
    /// `report`: the supervision figures of the caller's scope.
    case viewReport = "report.view"
    /// `deletion due/list`.
    case viewDeletions = "deletion.view"
    /// `deletion request`: the first of the two administrators.
    case requestDeletion = "deletion.request"
    /// `deletion approve/reject`: the second administrator, never the requester.
    case decideDeletion = "deletion.decide"
    /// `deletion restore`: an item out of the trash during its grace period.
    case restoreDeletion = "deletion.restore"
}

/// What a request is about, with the facts the policy needs.
public enum OperationResource: Sendable, Equatable {
    case none
    /// An item: whose it is and which unit it is attributed to.
    case item(officer: String?, unit: String?)
    /// A person's own record or grants (`person show`, `grant list --person`).
    case person(String)
    /// A grant to `person` of `role`, whose unit is headed by `unitHead`, requested by `requestedBy`.
    case grant(person: String, requestedBy: String, firstApprovedBy: String?, unitHead: String?)
    /// An export request, by whom it was asked for.
    case export(requestedBy: String)
    /// An item in a category of access class `restricted` (DESIGN §12): administrators only, whatever
    /// the action, until grants of single items or categories exist.
    case restrictedItem(officer: String?, unit: String?)
    /// A deletion request, by whom it was asked for.
    case deletion(requestedBy: String)
    /// A unit's figures (`report --unit`): the unit and every unit below it.
    case unit(id: String, withSubunits: Set<String>)
}

/// The one place that decides whether a principal may do something (DESIGN §11): (principal, action,
/// resource) → allow, with the role and the reason, or deny, with the reason. Pure: no I/O, no clock.
public enum AccessPolicy {
    /// The answer.
    public enum Decision: Sendable, Equatable {
        /// Allowed, as `role` (nil: anyone may), because of `reason`.
        case allow(role: Role?, reason: String, grants: [Int64])
        case deny(reason: String)
        /// Denied about something the caller may not see: `reason` (whose it is, which unit) goes on
        /// the audit record, as detailed as an auditor needs; the caller is told only `message`, which
        /// names nobody, so a refusal does not tell an officer whose recording an id is.
        case denyUnseen(reason: String, message: String)

        public var isAllowed: Bool { denial == nil }

        /// Why not, when denied: the reason for the audit record and the message for the caller (the
        /// same text for a plain denial); nil when allowed. Code that only needs "allowed or not" asks
        /// this, never one denial case, so a new kind of denial cannot pass for an allowance.
        public var denial: (reason: String, message: String)? {
            switch self {
            case .allow: return nil
            case .deny(let reason): return (reason, reason)
            case .denyUnseen(let reason, let message): return (reason, message)
            }
        }
    }

    /// Decides.
    public static func decide(_ principal: Principal, _ action: OperationAction, _ resource: OperationResource = .none)
        -> Decision
    {
        if action == .whoami { return .allow(role: nil, reason: "anyone may ask who they are", grants: []) }
        if let refusal = principal.unregisteredReason { return .deny(reason: refusal) }
        guard !principal.roles.isEmpty else {
            return .deny(reason: "\(principal.key) holds no role in Custody; request one with `custody grant request`")
        }
        let admin = principal.roles(.administrator).first
        func allowAdmin(_ why: String) -> Decision? {
            admin.map { .allow(role: .administrator, reason: "administrator (\($0.source)): \(why)", grants: $0.grantID.map { [$0] } ?? []) }
        }
        func first(_ role: Role) -> Principal.RoleInForce? { principal.roles(role).first }
        func allow(_ held: Principal.RoleInForce, _ why: String) -> Decision {
            .allow(role: held.role, reason: "\(held.role.rawValue) (\(held.source)): \(why)", grants: held.grantID.map { [$0] } ?? [])
        }
        let own = principal.person?.id
        if case .restrictedItem = resource {
            return allowAdmin("an item of a restricted category")
                ?? .deny(reason: "this item is in a restricted category: only administrators may reach it")
        }

        switch action {
        case .whoami:
            return .allow(role: nil, reason: "anyone may ask who they are", grants: [])
        case .viewStatus:
            let held = admin ?? principal.roles.first!
            return allow(held, "the dock's status")
        case .listItems:
            if let decision = allowAdmin("every item") { return decision }
            if let reviewer = first(.reviewer) { return allow(reviewer, "items of their units and their own") }
            if let officer = first(.officer) { return allow(officer, "their own items") }
            return .deny(reason: "\(principal.key) is an auditor: auditors read the audit trail and reports, never evidence")
        case .showItem, .viewContent:
            guard case .item(let officer, let unit) = resource else { return .deny(reason: "no item named") }
            if let decision = allowAdmin("every item") { return decision }
            if let own, let officer, own == officer.uppercased(), let held = first(.officer) ?? first(.reviewer) {
                return allow(held, "their own recording")
            }
            if let unit {
                for reviewer in principal.roles(.reviewer) {
                    if case .units(let units) = reviewer.scope, units.contains(unit) {
                        return allow(reviewer, "an item of unit \(unit), within their scope")
                    }
                }
            }
            if principal.has(.auditor) && !principal.has(.reviewer) {
                return .deny(reason: "\(principal.key) is an auditor: auditors read the audit trail and reports, never others' evidence")
            }
            let whose = officer.map { "officer \($0)" } ?? "no known officer"
            let scope = unit.map { "unit \($0)" } ?? "no unit"
            return .denyUnseen(
                reason: "this item is \(whose)'s, of \(scope): outside what \(principal.key) may see",
                message: "this item is outside what you may see")
        case .readAudit:
            if let decision = allowAdmin("the audit trail") { return decision }
            if let auditor = first(.auditor) { return allow(auditor, "the audit trail") }
            return .deny(reason: "only administrators and auditors read the audit trail")
        case .viewRegistry:
            if let decision = allowAdmin("the registry") { return decision }
            if let held = first(.auditor) ?? first(.reviewer) { return allow(held, "the registry") }
            if case .person(let id) = resource, let own, own == id, let officer = first(.officer) {
                return allow(officer, "their own record")
            }
            return .deny(reason: "only administrators, reviewers and auditors see the registry; anyone sees their own record")
        case .manageRegistry:
            if let decision = allowAdmin("registry changes") { return decision }
            return .deny(reason: "only administrators change people, units and devices")
        case .requestGrant:
            guard case .person(let grantee) = resource else { return .deny(reason: "no person named") }
            if let decision = allowAdmin("requests on anyone's behalf") { return decision }
            if let own, own == grantee, let held = principal.roles.first { return allow(held, "a request for themselves") }
            return .deny(reason: "a person requests grants for themselves; an administrator may request for another")
        case .approveGrantFirst, .approveGrantSecond, .rejectGrant:
            guard case .grant(let grantee, let requester, let firstApprover, let head) = resource else {
                return .deny(reason: "no grant named")
            }
            if principal.key == requester { return .deny(reason: "nobody approves or rejects their own request") }
            if principal.key == grantee { return .deny(reason: "nobody approves or rejects a grant to themselves") }
            if action == .approveGrantSecond {
                if principal.key == firstApprover {
                    return .deny(reason: "the second approval must come from another administrator than the first")
                }
                return allowAdmin("the second approval") ?? .deny(reason: "the second approval is an administrator's")
            }
            if let decision = allowAdmin(action == .rejectGrant ? "a rejection" : "the first approval") { return decision }
            if let own, let head, own == head, let held = principal.roles.first {
                return .allow(role: held.role, reason: "head of the grantee's unit", grants: [])
            }
            return .deny(reason: "the first approval is the grantee's unit head's or an administrator's")
        case .requestExport:
            if let decision = allowAdmin("an export request") { return decision }
            if let reviewer = first(.reviewer) { return allow(reviewer, "an export request for items within scope") }
            return .deny(reason: "only reviewers and administrators ask for exports; an officer asks a reviewer")
        case .decideExport:
            guard case .export(let requester) = resource else { return .deny(reason: "no export named") }
            if principal.key == requester { return .deny(reason: "nobody approves or rejects their own export request") }
            return allowAdmin("an export decision") ?? .deny(reason: "only administrators approve or reject exports")
        case .writeExport:
            guard case .export(let requester) = resource else { return .deny(reason: "no export named") }
            if let decision = allowAdmin("writing an approved export") { return decision }
            if principal.key == requester, let held = first(.reviewer) { return allow(held, "their own approved export") }
            return .deny(reason: "an approved export is written by its requester or an administrator")
        case .listExports:
            if let decision = allowAdmin("every export") { return decision }
            if let held = first(.auditor) ?? first(.reviewer) ?? first(.officer) { return allow(held, "exports they may see") }
            return .deny(reason: "no role to list exports")
        case .viewReviewQueue:
            if let decision = allowAdmin("every item's review") { return decision }
            if let reviewer = first(.reviewer) { return allow(reviewer, "the review queue of their units") }
            return .deny(reason: "only reviewers and administrators review items")
        case .reviewItem, .categorizeItem:
            guard case .item(_, let unit) = resource else { return .deny(reason: "no item named") }
            let what = action == .reviewItem ? "review" : "categorise"
            if let decision = allowAdmin("every item") { return decision }
            if let unit {
                for reviewer in principal.roles(.reviewer) {
                    if case .units(let units) = reviewer.scope, units.contains(unit) {
                        return allow(reviewer, "an item of unit \(unit), within their scope")
                    }
                }
            }
            return .denyUnseen(
                reason: "\(principal.key) may not \(what) this item: it is of \(unit.map { "unit \($0)" } ?? "no unit"), outside their review scope",
                message: "this item is outside what you may \(what)")
        case .addNote:
            guard case .item(let officer, let unit) = resource else { return .deny(reason: "no item named") }
            if let decision = allowAdmin("notes on every item") { return decision }
            if let own, let officer, own == officer.uppercased(), let held = first(.officer) ?? first(.reviewer) {
                return allow(held, "a note on their own recording")
            }
            if let unit {
                for reviewer in principal.roles(.reviewer) {
                    if case .units(let units) = reviewer.scope, units.contains(unit) {
                        return allow(reviewer, "a note on an item of unit \(unit), within their scope")
                    }
                }
            }
            return .deny(reason: "officers add notes to their own recordings, reviewers to those within their scope")
        case .assignReview:
            return allowAdmin("reassigning a review") ?? .deny(reason: "only administrators assign or reassign reviews")
        case .viewCategories:
            if let decision = allowAdmin("the categories") { return decision }
            return allow(principal.roles.first!, "the categories and their retention")
        case .manageCategories:
            return allowAdmin("the retention policy") ?? .deny(reason: "only administrators change categories and retention")
        case .viewHolds:
            if let decision = allowAdmin("every hold") { return decision }
            if let held = first(.reviewer) ?? first(.auditor) { return allow(held, "the holds") }
            return .deny(reason: "only administrators, reviewers and auditors see holds")
        case .manageHolds:
            return allowAdmin("placing and releasing holds") ?? .deny(reason: "only administrators place and release holds")
        case .viewReport:
            if let decision = allowAdmin("the figures of every item") { return decision }
            if let auditor = first(.auditor) { return allow(auditor, "the figures of every item, never evidence") }
            guard let reviewer = first(.reviewer) else {
                return .deny(reason: "only administrators, auditors and reviewers read the supervision report")
            }
            guard case .unit(let unit, let below) = resource else {
                return allow(reviewer, "the figures of their units and their own items")
            }
            // A unit's figures: the unit and all below it within one reviewer grant's scope.
            for held in principal.roles(.reviewer) {
                if case .units(let units) = held.scope, below.union([unit]).isSubset(of: units) {
                    return allow(held, "the figures of unit \(unit), within their scope")
                }
            }
            return .deny(
                reason: "unit \(unit) is outside \(principal.key)'s review scope; ask for a report of one of your own units")
        case .viewDeletions:
            if let decision = allowAdmin("due items and deletions") { return decision }
            if let auditor = first(.auditor) { return allow(auditor, "due items and deletions") }
            return .deny(reason: "only administrators and auditors see due items and deletions")
        case .requestDeletion:
            return allowAdmin("a deletion request") ?? .deny(reason: "only administrators request deletions")
        case .decideDeletion:
            guard case .deletion(let requester) = resource else { return .deny(reason: "no deletion request named") }
            if principal.key == requester {
                return .deny(reason: "nobody approves or rejects their own deletion request; a second administrator decides")
            }
            return allowAdmin("a deletion decision") ?? .deny(reason: "only administrators approve or reject deletions")
        case .restoreDeletion:
            return allowAdmin("restoring an item from the trash") ?? .deny(reason: "only administrators restore items from the trash")
        case .revokeGrant:
            return allowAdmin("a revocation") ?? .deny(reason: "only administrators revoke grants")
        case .listGrants:
            if let decision = allowAdmin("every grant") { return decision }
            if let auditor = first(.auditor) { return allow(auditor, "every grant") }
            if case .person(let id) = resource, let own, own == id, let held = principal.roles.first {
                return allow(held, "their own grants")
            }
            return .deny(reason: "only administrators and auditors list others' grants; anyone lists their own with --person")
        }
    }

    /// Which items a `list` may return to `principal`: applied inside the query.
    public static func itemScope(for principal: Principal) -> ItemScope {
        if principal.unregisteredReason != nil { return .nothing }
        if principal.has(.administrator) { return .all }
        var units = Set<String>()
        for reviewer in principal.roles(.reviewer) {
            if case .units(let covered) = reviewer.scope { units.formUnion(covered) }
        }
        let own = principal.has(.officer) ? principal.person?.id : nil
        if !units.isEmpty { return .units(units, officer: own) }
        if let own { return .officer(own) }
        return .nothing
    }
}
