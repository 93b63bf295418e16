import Catalog
import ControlProtocol
import Foundation

extension SupervisionFigures {
    /// A grant whose validity ends within this long is about to expire.
    static let expiringWithin: TimeInterval = 14 * 86_400
    /// A grant in force this long that authorised nothing in as long is unused.
    static let unusedFor: TimeInterval = 90 * 86_400

    /// The access section at `now`. "Used" is `role_grant.last_used_at`: the operations note it (at
    /// most once an hour) whenever the access policy allowed a request on that grant, which is also
    /// when the allowance is audited. A grant in force for less than 90 days is not judged unused.
    static func access(_ facts: SupervisionAccessFacts, now: Date) -> SupervisionReportView.Access {
        var byPrincipal: [String: Int] = [:]
        for refusal in facts.refusals { byPrincipal[refusal.principal, default: 0] += refusal.count }
        let expiring = facts.grants
            .filter { [.active, .approved].contains($0.state(at: now)) }
            .filter { $0.validUntil.timeIntervalSince(now) < expiringWithin }
            .sorted { ($0.validUntil, $0.id) < ($1.validUntil, $1.id) }
        let unused = facts.grants.filter { grant in
            guard grant.state(at: now) == .active, let approved = grant.secondApprovedAt else { return false }
            let inForce = max(grant.validFrom, approved)
            return now.timeIntervalSince(inForce) >= unusedFor
                && (grant.lastUsedAt.map { now.timeIntervalSince($0) >= unusedFor } ?? true)
        }
        func view(_ grant: GrantRecord) -> SupervisionReportView.Access.Grant {
            .init(
                id: grant.id, person: grant.personID, role: grant.role.rawValue, scope: grant.scopeUnitID,
                validUntil: Timestamps.rfc3339(grant.validUntil), lastUsedAt: grant.lastUsedAt.map(Timestamps.rfc3339))
        }
        return .init(
            refusals: byPrincipal.values.reduce(0, +), refusalsByPrincipal: byPrincipal,
            expiringSoon: expiring.map(view), unused: unused.map(view))
    }
}
