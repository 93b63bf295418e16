import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// A caller as Custody knows them: the registered person behind the Unix account, if any, and the
/// roles in force at this instant (DESIGN §11). Resolved afresh for every request, so a grant stops
/// working at its `until` instant and a person who left is refused at once.
public struct Principal: Sendable, Equatable {
    /// Which items or units a role covers.
    public enum Scope: Sendable, Equatable {
        /// Everything.
        case all
        /// The person's own recordings.
        case own
        /// These units (sub-units included).
        case units(Set<String>)
    }

    /// One role in force, and where it comes from.
    public struct RoleInForce: Sendable, Equatable {
        public var role: Role
        public var scope: Scope
        /// `grant 12`, `group custody-admin`, `registered person`, `the daemon's own account`.
        public var source: String
        /// The grant it comes from, if any.
        public var grantID: Int64?
        /// When it ends, for a grant.
        public var until: Date?
    }

    /// The kernel identity.
    public var caller: Caller
    /// How audit entries and grant decisions name this principal: the badge id of a registered
    /// person, else `account:NAME`, else `uid:N`.
    public var key: String
    /// The registered person behind the account.
    public var person: PersonRecord?
    /// The roles in force now; empty for an unknown account or a person who left.
    public var roles: [RoleInForce]
    /// Why the caller has no role at all, with what to do about it.
    public var unregisteredReason: String?

    /// Whether some role in force is `role`.
    public func has(_ role: Role) -> Bool { roles.contains { $0.role == role } }

    /// The roles in force that are `role`.
    public func roles(_ role: Role) -> [RoleInForce] { roles.filter { $0.role == role } }
}

/// Turns a caller into a principal: bootstrap identities, then the person registry and their grants.
public struct PrincipalResolver: Sendable {
    /// uids that act as administrators whatever the registry says: root and the daemon's own account,
    /// which can read the catalog file anyway.
    public var systemUIDs: Set<UInt32>
    /// Members of these groups (`custody-admin`) are administrators, so a fresh install has one
    /// without a database edit.
    public var administratorGroups: [String: UInt32]

    /// Creates a resolver.
    public init(systemUIDs: Set<UInt32>, administratorGroups: [String: UInt32]) {
        self.systemUIDs = systemUIDs
        self.administratorGroups = administratorGroups
    }

    /// The principal `caller` is at `now`.
    /// - Throws: `CatalogError` when the registry cannot be read.
    public func resolve(_ caller: Caller, in catalog: EvidenceCatalog, at now: Date) throws -> Principal {
        var roles: [Principal.RoleInForce] = []
        if systemUIDs.contains(caller.uid) {
            roles.append(
                .init(
                    role: .administrator, scope: .all,
                    source: caller.uid == 0 ? "root" : "the daemon's own account", grantID: nil, until: nil))
        }
        for (name, gid) in administratorGroups.sorted(by: { $0.key < $1.key }) where caller.isMember(of: gid) {
            roles.append(.init(role: .administrator, scope: .all, source: "group \(name)", grantID: nil, until: nil))
        }
        let person = try caller.name.flatMap { try catalog.person(account: $0) }
        let key = person?.id ?? caller.name.map { "account:\($0)" } ?? "uid:\(caller.uid)"
        var reason: String?
        if let person {
            if person.isActive {
                roles.append(.init(role: .officer, scope: .own, source: "registered person", grantID: nil, until: nil))
                for grant in try catalog.grantsInForce(person: person.id, at: now) {
                    let scope: Principal.Scope
                    switch grant.role {
                    case .officer: scope = .own
                    case .reviewer: scope = .units(try catalog.unitsWithSubunits([grant.scopeUnitID ?? person.unitID]))
                    case .administrator, .auditor: scope = .all
                    }
                    roles.append(
                        .init(
                            role: grant.role, scope: scope, source: "grant \(grant.id)", grantID: grant.id,
                            until: grant.validUntil))
                }
            } else {
                // Whatever groups the account still has: leaving ends access in Custody at once.
                roles = []
                reason = "\(person.id) (\(person.name)) left\(person.leftAt.map { " on \(Timestamps.day($0))" } ?? ""); their access ended with it"
            }
        } else if roles.isEmpty {
            let account = caller.name ?? "uid \(caller.uid)"
            reason =
                "\(caller.name.map { "account \($0)" } ?? "uid \(caller.uid)") is not registered in Custody; ask an administrator to run `custody person add BADGE --name NAME --unit UNIT --account \(account)`"
        }
        return Principal(caller: caller, key: key, person: person, roles: roles, unregisteredReason: roles.isEmpty ? reason : nil)
    }
}
