import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// `grant request/approve/reject/revoke/list` (DESIGN §11): requested → first approval (the unit
/// head or an administrator) → second approval (another administrator) → active until `until`.
extension Operations {
    /// The longest a grant may run: permissions are reviewed and renewed, never open-ended.
    static let longestGrant: TimeInterval = 366 * 86_400

    func requestGrant(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let personID = try arguments.person.map { try Self.identifier($0, "person", of: "grant request") }
            ?? context.principal.person?.id
        guard let personID else {
            throw ControlError(code: .badRequest, message: "grant request needs --person: you are not a registered person")
        }
        let roleText = try Self.required(arguments.role, "role", of: "grant request")
        guard let role = Role(rawValue: roleText) else {
            throw ControlError(
                code: .badRequest,
                message: "role '\(roleText)' is not one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let reason = try Self.required(arguments.reason, "reason", of: "grant request")
        let person = try catalog.person(personID)
        guard person.isActive else {
            throw ControlError(code: .badRequest, message: "\(person.id) left; grants are only for active persons")
        }
        var scope: String?
        if role == .reviewer {
            scope = try arguments.scope.map { try Self.identifier($0, "scope", of: "grant request") } ?? person.unitID
        } else if arguments.scope != nil {
            throw ControlError(
                code: .badRequest, message: "--scope is for reviewer grants; \(role.rawValue) grants cover everything")
        }
        let from = try arguments.from.map { try Self.date($0, "from") } ?? context.now
        guard let untilText = arguments.until else {
            throw ControlError(
                code: .badRequest, message: "grant request needs --until: every grant is for a time range (at most a year)")
        }
        let until = try Self.date(untilText, "until")
        guard until > from, until > context.now else {
            throw ControlError(code: .badRequest, message: "--until \(untilText) must be after --from and in the future")
        }
        guard until.timeIntervalSince(from) <= Self.longestGrant else {
            throw ControlError(code: .badRequest, message: "a grant runs at most 366 days; request a renewal when it ends")
        }
        let allowance = try context.authorize(.requestGrant, .person(person.id))
        let grant = try catalog.requestGrant(
            person: person.id, role: role, scopeUnitID: scope, reason: reason, validFrom: from, validUntil: until,
            requestedBy: context.principal.key, at: context.now,
            events: { [allowance.event(.grantRequested, ["grant": "\($0)", "person": person.id, "role": role.rawValue])] },
            by: allowance.actor)
        return .answer(id: context.request.id) { $0.grant = GrantView(grant, at: context.now) }
    }

    func approveGrant(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let grant = try catalog.grant(try Self.grantNumber(arguments, of: "grant approve"))
        let state = grant.state(at: context.now)
        let second: Bool
        switch state {
        case .requested: second = false
        case .firstApproved: second = true
        default:
            throw ControlError(code: .badRequest, message: "grant \(grant.id) is \(state.phrase); there is nothing to approve")
        }
        let allowance = try context.authorize(
            second ? .approveGrantSecond : .approveGrantFirst, try resource(of: grant))
        let decided = try catalog.decideGrant(
            grant.id, second ? .secondApproval : .firstApproval, by: context.principal.key, at: context.now,
            events: [allowance.event(.grantApproved, ["grant": "\(grant.id)", "stage": second ? "second" : "first"])],
            actor: allowance.actor)
        return .answer(id: context.request.id) { $0.grant = GrantView(decided, at: context.now) }
    }

    func rejectGrant(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        try close(arguments, context, as: .rejectGrant, request: "grant reject", audit: .grantRejected) {
            .rejection(reason: $0)
        }
    }

    func revokeGrant(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        try close(arguments, context, as: .revokeGrant, request: "grant revoke", audit: .grantRevoked) {
            .revocation(reason: $0)
        }
    }

    /// A rejection or a revocation: a decision with a reason that ends the grant.
    private func close(
        _ arguments: ControlArguments, _ context: OperationContext, as action: OperationAction, request: String,
        audit: AuditAction, _ decision: (String) -> EvidenceCatalog.GrantDecision
    ) throws -> ControlResponse {
        let grant = try catalog.grant(try Self.grantNumber(arguments, of: request))
        let reason = try Self.required(arguments.reason, "reason", of: request)
        let allowance = try context.authorize(action, try resource(of: grant))
        let decided = try catalog.decideGrant(
            grant.id, decision(reason), by: context.principal.key, at: context.now,
            events: [allowance.event(audit, ["grant": "\(grant.id)"])], actor: allowance.actor)
        return .answer(id: context.request.id) { $0.grant = GrantView(decided, at: context.now) }
    }

    func listGrants(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        var person = try arguments.person.map { try Self.identifier($0, "person", of: "grant list") }
        // Without --person, whoever may not list everyone's grants lists their own (docs/access.md):
        // the policy is asked first, unaudited, only to choose the default.
        if person == nil, !AccessPolicy.decide(context.principal, .listGrants).isAllowed {
            person = context.principal.person?.id
        }
        let allowance = try context.authorize(.listGrants, person.map { .person($0) } ?? .none)
        let grants = try catalog.grants(person: person)
        try allowance.record(.grantsViewed, ["results": "\(grants.count)"])
        return .answer(id: context.request.id) { $0.grants = grants.map { GrantView($0, at: context.now) } }
    }

    private func resource(of grant: GrantRecord) throws -> OperationResource {
        let person = try catalog.person(grant.personID)
        let head = try catalog.unit(person.unitID).head
        return .grant(
            person: grant.personID, requestedBy: grant.requestedBy, firstApprovedBy: grant.firstApprovedBy,
            unitHead: head)
    }

    static func grantNumber(_ arguments: ControlArguments, of request: String) throws -> Int64 {
        guard let grant = arguments.grant, grant > 0 else {
            throw ControlError(code: .badRequest, message: "\(request) needs the grant's number (see `custody grant list`)")
        }
        return grant
    }

    static func date(_ text: String, _ field: String) throws -> Date {
        guard let date = Timestamps.date(from: text) else {
            throw ControlError(
                code: .badRequest,
                message: "--\(field) '\(text)' is not a date; use 2024-05-01 or 2024-05-01T10:00:00Z (UTC) or with an offset")
        }
        return date
    }
}

extension GrantState {
    var phrase: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}
