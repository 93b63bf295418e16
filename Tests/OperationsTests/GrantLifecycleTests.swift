import Catalog
import ControlProtocol
import CustodyCore
import Dispatch
import Foundation
import Synchronization
import Testing

@testable import Operations

/// Grants as the rules ask: applied for with a reason and a time range, approved by two people
/// neither of whom is the requester, in force until their `until` instant, revoked when a person leaves.
@Suite struct GrantLifecycleTests {
    typealias F = OperationsFixture

    @Test func aGrantNeedsTwoDifferentApproversNeitherOfThemTheRequester() throws {
        let fixture = try F()
        try fixture.seedPeople()
        let dave = F.caller("dave")
        let requested = try fixture.expectOK(
            .grantRequest,
            ControlArguments(reason: "duty admin", role: "administrator", until: "2026-06-01"), as: dave)
        let id = try #require(requested.grant?.id)
        #expect(requested.grant?.state == "requested")
        #expect(requested.grant?.validUntil != nil)

        let own = fixture.perform(.grantApprove, ControlArguments(grant: id), as: dave)
        #expect(own.error?.code == .forbidden)
        #expect(own.error?.message.contains("own request") == true)
        // a year at most
        let tooLong = fixture.perform(
            .grantRequest, ControlArguments(reason: "x", role: "auditor", until: "2099-01-01"), as: F.caller("erin"))
        #expect(tooLong.error?.code == .badRequest)

        let first = try fixture.expectOK(.grantApprove, ControlArguments(grant: id), as: F.root)
        #expect(first.grant?.state == "first_approved")
        let again = fixture.perform(.grantApprove, ControlArguments(grant: id), as: F.root)
        #expect(again.error?.code == .forbidden)
        // not yet in force
        #expect(fixture.perform(.audit, as: dave).error?.code == .forbidden)

        let second = try fixture.expectOK(.grantApprove, ControlArguments(grant: id), as: F.bootstrap)
        #expect(second.grant?.state == "active")
        #expect(second.grant?.firstApprovedBy == "account:root" && second.grant?.secondApprovedBy == "account:boot")
        let whoami = try #require(try fixture.expectOK(.whoami, as: dave).whoami)
        #expect(whoami.roles.contains { $0.role == "administrator" && $0.source == "grant \(id)" })
        #expect(fixture.perform(.audit, as: dave).ok)

        // Each refusal is in the chain with its reason.
        let denied = try fixture.audited(.accessDenied)
        #expect(denied.count == 3)
        #expect(denied.allSatisfy { $0.detail.contains("\"principal\":\"A1\"") || $0.detail.contains("account:root") })
        #expect(try fixture.audited(.grantApproved).count == 2)
        #expect(try fixture.catalog.verifyAuditChain().firstBroken == nil)
    }

    @Test func theSchemaRefusesAnApprovalByTheRequesterOrTheGranteeWhateverTheCodeAbove() throws {
        let fixture = try F()
        try fixture.seedPeople()
        let grant = try fixture.catalog.requestGrant(
            person: "P1", role: .auditor, scopeUnitID: nil, reason: "r", validFrom: fixture.now,
            validUntil: fixture.now.addingTimeInterval(100), requestedBy: "A1", at: fixture.now, events: { _ in [] },
            by: F.root.actor)
        for approver in ["A1", "P1"] {
            #expect(throws: CatalogError.self) {
                try fixture.catalog.decideGrant(
                    grant.id, .firstApproval, by: approver, at: fixture.now, events: [], actor: F.root.actor)
            }
        }
        _ = try fixture.catalog.decideGrant(grant.id, .firstApproval, by: "R1", at: fixture.now, events: [], actor: F.root.actor)
        #expect(throws: CatalogError.self) {
            try fixture.catalog.decideGrant(grant.id, .secondApproval, by: "R1", at: fixture.now, events: [], actor: F.root.actor)
        }
    }

    @Test func ofTwoConcurrentSecondApprovalsExactlyOneCounts() throws {
        let fixture = try F()
        try fixture.seedPeople()
        let grant = try fixture.catalog.requestGrant(
            person: "P1", role: .auditor, scopeUnitID: nil, reason: "r", validFrom: fixture.now,
            validUntil: fixture.now.addingTimeInterval(100), requestedBy: "P1", at: fixture.now, events: { _ in [] },
            by: F.root.actor)
        _ = try fixture.catalog.decideGrant(grant.id, .firstApproval, by: "R1", at: fixture.now, events: [], actor: F.root.actor)
        let successes = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            if (try? fixture.catalog.decideGrant(
                grant.id, .secondApproval, by: "ADMIN\(index)", at: fixture.now, events: [], actor: F.root.actor)) != nil
            {
                successes.add(1, ordering: .relaxed)
            }
        }
        #expect(successes.load(ordering: .relaxed) == 1)
    }

    @Test func aGrantStopsWorkingAtItsUntilInstantWithoutARestart() throws {
        let fixture = try F()
        try fixture.seedPeople()
        let until = fixture.now.addingTimeInterval(3600)
        try fixture.grant(
            .auditor, to: "U1", until: until, requestedAs: F.caller("erin"), approvers: [F.root, F.bootstrap])
        let erin = F.caller("erin")
        #expect(fixture.perform(.audit, as: erin).ok)
        fixture.advance(by: 3599)
        #expect(fixture.perform(.audit, as: erin).ok)
        fixture.advance(by: 1)
        let expired = fixture.perform(.audit, as: erin)
        #expect(expired.error?.code == .forbidden)
        #expect(try fixture.expectOK(.grantList, ControlArguments(person: "U1"), as: erin).grants?.first?.state == "expired")
    }

    @Test func aPersonWhoLeavesLosesEveryGrantAtOnceAndIsRefused() throws {
        let fixture = try F()
        try fixture.seedPeople()
        let carol = F.caller("carol")
        let id = try fixture.grant(
            .reviewer, to: "R1", scope: "NORTH", requestedAs: carol, approvers: [F.root, F.bootstrap])
        #expect(fixture.perform(.personList, as: carol).ok)
        try fixture.expectOK(.personLeave, ControlArguments(id: "R1", reason: "transferred"), as: F.root)
        let refused = fixture.perform(.list, as: carol)
        #expect(refused.error?.code == .forbidden)
        #expect(refused.error?.message.contains("left") == true)
        let grant = try fixture.catalog.grant(id)
        #expect(grant.revokedBy == "system" && grant.state(at: fixture.now) == .revoked)
        // Leaving is final; a revoked grant is never approved again.
        #expect(throws: CatalogError.self) {
            try fixture.catalog.decideGrant(id, .revocation(reason: "x"), by: "A1", at: fixture.now, events: [], actor: F.root.actor)
        }
    }

    /// A unit is made before its people; its head is named with its first person or afterwards, by an
    /// administrator only, and only as an active registered person.
    @Test func aNewUnitsHeadIsNamedWithItsFirstPersonOrAfterwards() throws {
        let fixture = try F()
        try fixture.seedPeople()
        try fixture.expectOK(.unitAdd, ControlArguments(id: "WEST", name: "West"), as: F.root)
        let other = fixture.perform(
            .personAdd, ControlArguments(id: "P8", name: "Hal", unit: "WEST", head: "P1"), as: F.root)
        #expect(other.error?.code == .badRequest && other.error?.message.contains("unit set") == true)
        try fixture.expectOK(.personAdd, ControlArguments(id: "P8", name: "Hal", unit: "WEST", head: "p8"), as: F.root)
        #expect(try fixture.catalog.unit("WEST").head == "P8")
        #expect(
            fixture.perform(.unitSet, ControlArguments(id: "WEST", head: "P1"), as: F.caller("alice")).error?.code
                == .forbidden)
        let unknown = fixture.perform(.unitSet, ControlArguments(id: "WEST", head: "P404"), as: F.root)
        #expect(unknown.error?.message.contains("active registered person") == true, "\(unknown)")
        #expect(try fixture.expectOK(.unitSet, ControlArguments(id: "WEST", head: "P1"), as: F.root).unit?.head == "P1")
        let changed = try fixture.audited(.unitChanged)
        #expect(changed.count == 1 && changed.first?.detail.contains(#""previous_head":"P8""#) == true)
    }

    @Test func theUnitHeadGivesTheFirstApprovalAndAnAdministratorTheSecond() throws {
        let fixture = try F()
        try fixture.seedPeople()
        try fixture.expectOK(.unitAdd, ControlArguments(id: "EAST", name: "East", head: "R1"), as: F.root)
        try fixture.expectOK(.personAdd, ControlArguments(id: "P7", name: "Gus", unit: "EAST", account: "gus"), as: F.root)
        let requested = try fixture.expectOK(
            .grantRequest, ControlArguments(reason: "review east", role: "reviewer", until: "2026-01-01"),
            as: F.caller("gus"))
        let id = try #require(requested.grant?.id)
        // Alice heads no unit: refused. Carol heads EAST: first approval. Carol again: refused.
        #expect(fixture.perform(.grantApprove, ControlArguments(grant: id), as: F.caller("alice")).error?.code == .forbidden)
        #expect(try fixture.expectOK(.grantApprove, ControlArguments(grant: id), as: F.caller("carol")).grant?.state == "first_approved")
        #expect(fixture.perform(.grantApprove, ControlArguments(grant: id), as: F.caller("carol")).error?.code == .forbidden)
        #expect(try fixture.expectOK(.grantApprove, ControlArguments(grant: id), as: F.root).grant?.state == "active")
        #expect(try fixture.expectOK(.grantList, ControlArguments(person: "P7"), as: F.caller("gus")).grants?.first?.scope == "EAST")
    }

    @Test func anUnknownAccountIsRefusedWithHowToBeRegisteredAndTheRefusalIsAudited() throws {
        let fixture = try F()
        let response = fixture.perform(.list, as: F.caller("mallory"))
        #expect(response.error?.code == .forbidden)
        #expect(response.error?.message.contains("custody person add") == true)
        #expect(response.error?.message.contains("--account mallory") == true)
        #expect(try fixture.audited(.accessDenied).count == 1)
        let whoami = try #require(try fixture.expectOK(.whoami, as: F.caller("mallory")).whoami)
        #expect(whoami.roles.isEmpty && whoami.hint?.contains("not registered") == true)
    }
}
