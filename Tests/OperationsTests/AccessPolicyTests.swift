import Catalog
import CustodyCore
import Foundation
import Testing

@testable import Operations

/// Every (role, action, resource) combination against the policy, the denials included.
@Suite struct AccessPolicyTests {
    static let officer = principal("P1", unit: "NORTH-1", roles: [(.officer, .own)])
    static let reviewer = principal(
        "R1", unit: "NORTH", roles: [(.officer, .own), (.reviewer, .units(["NORTH", "NORTH-1"]))])
    static let administrator = principal("A1", unit: "NORTH", roles: [(.officer, .own), (.administrator, .all)])
    static let auditor = principal("U1", unit: "NORTH", roles: [(.officer, .own), (.auditor, .all)])
    static let unknown = Principal(
        caller: Caller(uid: 3000, gid: 100, pid: 1, groups: [], name: "mallory"), key: "account:mallory",
        person: nil, roles: [], unregisteredReason: "account mallory is not registered in Custody")

    static func principal(_ id: String, unit: String, roles: [(Role, Principal.Scope)]) -> Principal {
        Principal(
            caller: Caller(uid: 2000, gid: 100, pid: 1, groups: [], name: id.lowercased()), key: id,
            person: PersonRecord(id: id, name: id, unitID: unit, account: id.lowercased(), createdAt: Date()),
            roles: roles.map { .init(role: $0.0, scope: $0.1, source: "test", grantID: nil, until: nil) },
            unregisteredReason: nil)
    }

    static let ownItem = OperationResource.item(officer: "p1", unit: "NORTH-1")
    static let unitItem = OperationResource.item(officer: "P9", unit: "NORTH-1")
    static let siblingItem = OperationResource.item(officer: "P2", unit: "SOUTH")
    static let orphanItem = OperationResource.item(officer: nil, unit: nil)
    static let restrictedOwn = OperationResource.restrictedItem(officer: "P1", unit: "NORTH-1")

    /// (who, action, resource, allowed)
    static let table: [(String, Principal, OperationAction, OperationResource, Bool)] = [
        // whoami: anyone, even the unregistered
        ("officer", officer, .whoami, .none, true), ("unknown", unknown, .whoami, .none, true),
        // status
        ("officer", officer, .viewStatus, .none, true), ("auditor", auditor, .viewStatus, .none, true),
        ("unknown", unknown, .viewStatus, .none, false),
        // list
        ("officer", officer, .listItems, .none, true), ("reviewer", reviewer, .listItems, .none, true),
        ("administrator", administrator, .listItems, .none, true), ("auditor", auditor, .listItems, .none, true),
        ("unknown", unknown, .listItems, .none, false),
        // show
        ("officer", officer, .showItem, ownItem, true), ("officer", officer, .showItem, unitItem, false),
        ("officer", officer, .showItem, siblingItem, false), ("officer", officer, .showItem, orphanItem, false),
        ("reviewer", reviewer, .showItem, unitItem, true), ("reviewer", reviewer, .showItem, ownItem, true),
        ("reviewer", reviewer, .showItem, siblingItem, false), ("reviewer", reviewer, .showItem, orphanItem, false),
        ("administrator", administrator, .showItem, siblingItem, true),
        ("administrator", administrator, .showItem, orphanItem, true),
        ("auditor", auditor, .showItem, unitItem, false), ("auditor", auditor, .showItem, siblingItem, false),
        ("unknown", unknown, .showItem, ownItem, false),
        // the audit trail
        ("officer", officer, .readAudit, .none, false), ("reviewer", reviewer, .readAudit, .none, false),
        ("administrator", administrator, .readAudit, .none, true), ("auditor", auditor, .readAudit, .none, true),
        ("unknown", unknown, .readAudit, .none, false),
        // the registry
        ("officer", officer, .viewRegistry, .none, false), ("officer", officer, .viewRegistry, .person("P1"), true),
        ("officer", officer, .viewRegistry, .person("P2"), false), ("reviewer", reviewer, .viewRegistry, .none, true),
        ("auditor", auditor, .viewRegistry, .none, true), ("administrator", administrator, .viewRegistry, .none, true),
        ("officer", officer, .manageRegistry, .none, false), ("reviewer", reviewer, .manageRegistry, .none, false),
        ("auditor", auditor, .manageRegistry, .none, false),
        ("administrator", administrator, .manageRegistry, .none, true),
        ("unknown", unknown, .manageRegistry, .none, false),
        // grant requests: for oneself, or an administrator for anyone
        ("officer", officer, .requestGrant, .person("P1"), true), ("officer", officer, .requestGrant, .person("P2"), false),
        ("administrator", administrator, .requestGrant, .person("P2"), true),
        ("unknown", unknown, .requestGrant, .person("P1"), false),
        // approvals
        ("officer", officer, .approveGrantFirst, .grant(person: "P2", requestedBy: "P2", firstApprovedBy: nil, unitHead: nil), false),
        ("head", officer, .approveGrantFirst, .grant(person: "P2", requestedBy: "P2", firstApprovedBy: nil, unitHead: "P1"), true),
        ("head", officer, .approveGrantSecond, .grant(person: "P2", requestedBy: "P2", firstApprovedBy: "A1", unitHead: "P1"), false),
        ("administrator", administrator, .approveGrantFirst, .grant(person: "P2", requestedBy: "P2", firstApprovedBy: nil, unitHead: nil), true),
        ("own request", administrator, .approveGrantFirst, .grant(person: "P2", requestedBy: "A1", firstApprovedBy: nil, unitHead: nil), false),
        ("own grant", administrator, .approveGrantFirst, .grant(person: "A1", requestedBy: "A9", firstApprovedBy: nil, unitHead: nil), false),
        ("first again", administrator, .approveGrantSecond, .grant(person: "P2", requestedBy: "P2", firstApprovedBy: "A1", unitHead: nil), false),
        ("other admin", administrator, .approveGrantSecond, .grant(person: "P2", requestedBy: "P2", firstApprovedBy: "A2", unitHead: nil), true),
        ("reviewer", reviewer, .approveGrantSecond, .grant(person: "P2", requestedBy: "P2", firstApprovedBy: "A2", unitHead: nil), false),
        ("auditor", auditor, .rejectGrant, .grant(person: "P2", requestedBy: "P2", firstApprovedBy: nil, unitHead: nil), false),
        ("administrator", administrator, .rejectGrant, .grant(person: "P2", requestedBy: "P2", firstApprovedBy: nil, unitHead: nil), true),
        ("administrator", administrator, .revokeGrant, .grant(person: "P2", requestedBy: "P2", firstApprovedBy: "A2", unitHead: nil), true),
        ("reviewer", reviewer, .revokeGrant, .grant(person: "P2", requestedBy: "P2", firstApprovedBy: "A2", unitHead: nil), false),
        // content: as show, and never for auditors
        ("officer", officer, .viewContent, ownItem, true), ("officer", officer, .viewContent, siblingItem, false),
        ("reviewer", reviewer, .viewContent, unitItem, true), ("reviewer", reviewer, .viewContent, siblingItem, false),
        ("administrator", administrator, .viewContent, orphanItem, true),
        ("auditor", auditor, .viewContent, unitItem, false), ("unknown", unknown, .viewContent, ownItem, false),
        // exports: requested by reviewers and administrators, decided by another administrator, written
        // by the requester or an administrator
        ("officer", officer, .requestExport, .none, false), ("reviewer", reviewer, .requestExport, .none, true),
        ("administrator", administrator, .requestExport, .none, true), ("auditor", auditor, .requestExport, .none, false),
        ("own export", administrator, .decideExport, .export(requestedBy: "A1"), false),
        ("administrator", administrator, .decideExport, .export(requestedBy: "R1"), true),
        ("reviewer", reviewer, .decideExport, .export(requestedBy: "P1"), false),
        ("requester", reviewer, .writeExport, .export(requestedBy: "R1"), true),
        ("another reviewer", reviewer, .writeExport, .export(requestedBy: "R2"), false),
        ("administrator", administrator, .writeExport, .export(requestedBy: "R1"), true),
        ("officer", officer, .writeExport, .export(requestedBy: "P1"), false),
        ("officer", officer, .listExports, .none, true), ("unknown", unknown, .listExports, .none, false),
        // grant lists: one's own, or all for administrators and auditors
        ("officer", officer, .listGrants, .person("P1"), true), ("officer", officer, .listGrants, .none, false),
        ("officer", officer, .listGrants, .person("P2"), false), ("auditor", auditor, .listGrants, .none, true),
        ("administrator", administrator, .listGrants, .none, true),
        // the review queue: reviewers and administrators
        ("reviewer", reviewer, .viewReviewQueue, .none, true), ("administrator", administrator, .viewReviewQueue, .none, true),
        ("officer", officer, .viewReviewQueue, .none, false), ("auditor", auditor, .viewReviewQueue, .none, false),
        ("unknown", unknown, .viewReviewQueue, .none, false),
        // reviewing and categorising: within the reviewer's scope, never one's own outside it
        ("reviewer", reviewer, .reviewItem, unitItem, true), ("reviewer", reviewer, .reviewItem, siblingItem, false),
        ("reviewer", reviewer, .reviewItem, orphanItem, false), ("officer", officer, .reviewItem, ownItem, false),
        ("administrator", administrator, .reviewItem, siblingItem, true), ("auditor", auditor, .reviewItem, unitItem, false),
        ("reviewer", reviewer, .categorizeItem, unitItem, true), ("reviewer", reviewer, .categorizeItem, siblingItem, false),
        ("officer", officer, .categorizeItem, ownItem, false), ("administrator", administrator, .categorizeItem, orphanItem, true),
        ("reviewer", reviewer, .assignReview, unitItem, false), ("administrator", administrator, .assignReview, siblingItem, true),
        // notes: officers on their own items, reviewers within scope, administrators anywhere
        ("officer", officer, .addNote, ownItem, true), ("officer", officer, .addNote, unitItem, false),
        ("reviewer", reviewer, .addNote, unitItem, true), ("reviewer", reviewer, .addNote, siblingItem, false),
        ("auditor", auditor, .addNote, unitItem, false), ("administrator", administrator, .addNote, orphanItem, true),
        ("unknown", unknown, .addNote, ownItem, false),
        // categories: everyone with a role sees them; administrators change them
        ("officer", officer, .viewCategories, .none, true), ("unknown", unknown, .viewCategories, .none, false),
        ("reviewer", reviewer, .manageCategories, .none, false), ("administrator", administrator, .manageCategories, .none, true),
        // holds: administrators place and release; reviewers and auditors see them
        ("reviewer", reviewer, .viewHolds, .none, true), ("auditor", auditor, .viewHolds, .none, true),
        ("officer", officer, .viewHolds, .none, false), ("administrator", administrator, .viewHolds, .none, true),
        ("reviewer", reviewer, .manageHolds, .none, false), ("administrator", administrator, .manageHolds, .none, true),
        ("officer", officer, .manageHolds, .none, false),
        // the supervision report: administrators, auditors (figures, never evidence), reviewers (their scope)
        ("administrator", administrator, .viewReport, .none, true), ("auditor", auditor, .viewReport, .none, true),
        ("reviewer", reviewer, .viewReport, .none, true), ("officer", officer, .viewReport, .none, false),
        ("unknown", unknown, .viewReport, .none, false),
        // a unit's report: within one reviewer grant's scope, sub-units included; anywhere for administrators and auditors
        ("reviewer", reviewer, .viewReport, .unit(id: "NORTH", withSubunits: ["NORTH", "NORTH-1"]), true),
        ("reviewer", reviewer, .viewReport, .unit(id: "NORTH-1", withSubunits: ["NORTH-1"]), true),
        ("reviewer", reviewer, .viewReport, .unit(id: "SOUTH", withSubunits: ["SOUTH"]), false),
        ("reviewer", reviewer, .viewReport, .unit(id: "NORTH", withSubunits: ["NORTH", "NORTH-1", "NORTH-2"]), false),
        ("auditor", auditor, .viewReport, .unit(id: "SOUTH", withSubunits: ["SOUTH"]), true),
        ("administrator", administrator, .viewReport, .unit(id: "SOUTH", withSubunits: ["SOUTH"]), true),
        ("officer", officer, .viewReport, .unit(id: "NORTH-1", withSubunits: ["NORTH-1"]), false),
        // deletion: two administrators, never the requester deciding
        ("administrator", administrator, .viewDeletions, .none, true), ("auditor", auditor, .viewDeletions, .none, true),
        ("reviewer", reviewer, .viewDeletions, .none, false), ("officer", officer, .viewDeletions, .none, false),
        ("administrator", administrator, .requestDeletion, .none, true),
        ("reviewer", reviewer, .requestDeletion, .none, false), ("auditor", auditor, .requestDeletion, .none, false),
        ("other admin", administrator, .decideDeletion, .deletion(requestedBy: "A2"), true),
        ("own request", administrator, .decideDeletion, .deletion(requestedBy: "A1"), false),
        ("reviewer", reviewer, .decideDeletion, .deletion(requestedBy: "A2"), false),
        ("auditor", auditor, .decideDeletion, .deletion(requestedBy: "A2"), false),
        ("administrator", administrator, .restoreDeletion, .none, true),
        ("reviewer", reviewer, .restoreDeletion, .none, false), ("unknown", unknown, .restoreDeletion, .none, false),
        // an item of a restricted category: administrators only, even for its own officer
        ("officer", officer, .showItem, restrictedOwn, false), ("reviewer", reviewer, .showItem, restrictedOwn, false),
        ("reviewer", reviewer, .reviewItem, restrictedOwn, false), ("officer", officer, .addNote, restrictedOwn, false),
        ("administrator", administrator, .showItem, restrictedOwn, true),
        ("administrator", administrator, .reviewItem, restrictedOwn, true),
    ]

    @Test func everyCombinationIsDecidedAsTheRulesSay() {
        for (who, principal, action, resource, allowed) in Self.table {
            let decision = AccessPolicy.decide(principal, action, resource)
            #expect(decision.isAllowed == allowed, "\(who) \(action.rawValue) \(resource): \(decision)")
            if case .deny(let reason) = decision { #expect(!reason.isEmpty) }
        }
    }

    @Test func everyActionIsCoveredByTheTable() {
        let covered = Set(Self.table.map(\.2))
        #expect(covered == Set(OperationAction.allCases))
    }

    @Test func listingIsScopedInsideTheQuery() {
        #expect(AccessPolicy.itemScope(for: Self.officer) == .officer("P1"))
        #expect(AccessPolicy.itemScope(for: Self.reviewer) == .units(["NORTH", "NORTH-1"], officer: "R1"))
        #expect(AccessPolicy.itemScope(for: Self.administrator) == .all)
        #expect(AccessPolicy.itemScope(for: Self.auditor) == .officer("U1"))
        #expect(AccessPolicy.itemScope(for: Self.unknown) == .nothing)
    }

    @Test func aRefusalOfAnItemNamesNobodyToTheCallerButEverythingToTheAudit() {
        for (principal, action) in [
            (Self.officer, OperationAction.showItem), (Self.officer, .viewContent), (Self.reviewer, .reviewItem),
            (Self.reviewer, .categorizeItem),
        ] {
            guard case .denyUnseen(let reason, let message) = AccessPolicy.decide(principal, action, Self.siblingItem)
            else {
                Issue.record("\(action.rawValue) of another unit's item was not refused as unseen")
                continue
            }
            #expect(message.contains("outside what you may"), "\(message)")
            #expect(!message.contains("P2") && !message.contains("SOUTH"), "the caller is told: \(message)")
            #expect(reason.contains("SOUTH"), "the audit record says: \(reason)")
        }
    }

    @Test func theRefusalOfAnUnknownAccountSaysHowToBeRegistered() {
        guard case .deny(let reason) = AccessPolicy.decide(Self.unknown, .listItems) else {
            Issue.record("an unknown account was allowed")
            return
        }
        #expect(reason.contains("not registered"))
    }
}
