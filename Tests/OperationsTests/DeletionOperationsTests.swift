import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Testing

/// `deletion …` through the one entry point: administrators only, two of them, nobody deciding their
/// own request; approved items leave every view and export until restored; each step on record.
@Suite struct DeletionOperationsTests {
    typealias F = OperationsFixture
    static let day: TimeInterval = 86_400
    /// A second member of `custody-admin`.
    static let second = F.caller("ops", groups: [F.adminGroup])

    /// A fixture with one item of P1, 1,000 days on (the due date counts from the real clock, so well past it) (past `uncategorized`'s retention), after a pass.
    static func dueItem() throws -> (F, EvidenceID) {
        let fixture = try F()
        try fixture.seedPeople()
        let id = try fixture.item(officer: "P1", seed: 1)
        fixture.advance(by: 1000 * day)
        _ = try fixture.catalog.markDueItems(at: fixture.now) { _ in [] }
        return (fixture, id)
    }

    static func request(_ items: [EvidenceID], notDue: Bool = false) -> ControlArguments {
        var arguments = ControlArguments(reason: "retention period over")
        arguments.items = items.map(\.description)
        arguments.notDue = notDue ? true : nil
        return arguments
    }

    static func number(_ id: Int64) -> ControlArguments {
        var arguments = ControlArguments()
        arguments.deletion = id
        return arguments
    }

    @Test func twoAdministratorsDeleteAndNeitherAloneCan() throws {
        let (fixture, id) = try Self.dueItem()
        #expect(try fixture.expectOK(.deletionDue, as: F.bootstrap).due?.map(\.item) == [id.description])
        // Not an administrator: refused and audited.
        #expect(fixture.perform(.deletionRequest, Self.request([id]), as: F.caller("carol")).error?.code == .forbidden)
        let request = try #require(try fixture.expectOK(.deletionRequest, Self.request([id]), as: F.bootstrap).deletion)
        #expect(request.items.map(\.state) == ["requested"] && request.items.first?.wasDue == true)
        #expect(try fixture.expectOK(.deletionDue, as: F.bootstrap).due?.isEmpty == true)
        // The requester cannot approve or reject it; a non-administrator neither.
        let own = fixture.perform(.deletionApprove, Self.number(request.id), as: F.bootstrap)
        #expect(own.error?.code == .forbidden && own.error?.message.contains("own deletion request") == true)
        #expect(fixture.perform(.deletionApprove, Self.number(request.id), as: F.caller("erin")).error?.code == .forbidden)
        let approved = try #require(try fixture.expectOK(.deletionApprove, Self.number(request.id), as: Self.second).deletion)
        #expect(approved.approvedBy == "account:ops" && approved.items.map(\.state) == ["trashed"])
        #expect(approved.items.first?.purgeAfter == Timestamps.rfc3339(fixture.now.addingTimeInterval(14 * Self.day)))
        // A decided request is not decided again.
        var reject = Self.number(request.id)
        reject.reason = "changed my mind"
        #expect(fixture.perform(.deletionReject, reject, as: Self.second).error?.code == .badRequest)
        // In the trash: no export reaches it.
        var export = ControlArguments(recipient: "prosecutor", purpose: "trial")
        export.items = [id.description]
        let refused = fixture.perform(.exportRequest, export, as: F.bootstrap)
        #expect(refused.error?.message.contains("in the trash") == true)
        // `custody status` shows it once its grace period ends within 72 hours.
        #expect(try fixture.expectOK(.status, as: F.root).status?.upcomingDeletions == nil)
        fixture.advance(by: 12 * Self.day)
        let status = try #require(try fixture.expectOK(.status, as: F.root).status)
        #expect(status.upcomingDeletions == 1 && status.nextDeletionAt == approved.items.first?.purgeAfter)
        #expect(StatusTable.lines(for: status).contains { $0.hasPrefix("deletions: 1 item leaves the trash within 72 hours") })
        #expect(try fixture.audited(.deletionRequested).count == 1)
        #expect(try fixture.audited(.deletionApproved).count == 1)
        #expect(try fixture.audited(.accessDenied).count >= 3)
    }

    @Test func anItemNotDueNeedsTheNotDueMark() throws {
        let fixture = try F()
        try fixture.seedPeople()
        let id = try fixture.item(officer: "P1", seed: 1)
        let refused = fixture.perform(.deletionRequest, Self.request([id]), as: F.bootstrap)
        #expect(refused.error?.code == .badRequest && refused.error?.message.contains("--not-due") == true)
        let special = try #require(
            try fixture.expectOK(.deletionRequest, Self.request([id], notDue: true), as: F.bootstrap).deletion)
        #expect(special.notDue && special.items.first?.wasDue == false)
        let entry = try #require(try fixture.audited(.deletionRequested).last)
        #expect(entry.detail.contains("\"not_due\":\"1\""))
    }

    @Test func aRequestByQueryTakesTheOfficersDueItems() throws {
        let fixture = try F()
        try fixture.seedPeople()
        let mine = try fixture.item(officer: "P1", seed: 1)
        _ = try fixture.item(officer: "P2", seed: 2)
        fixture.advance(by: 1000 * Self.day)
        _ = try fixture.catalog.markDueItems(at: fixture.now) { _ in [] }
        var query = ControlArguments(reason: "retention period over")
        query.officer = "p1"
        let request = try #require(try fixture.expectOK(.deletionRequest, query, as: F.bootstrap).deletion)
        #expect(request.items.map(\.item) == [mine.description])
    }

    @Test func restoreBringsTheItemBackAndAHoldStopsTheRest() throws {
        let (fixture, id) = try Self.dueItem()
        let other = try fixture.item(officer: "P1", seed: 2)
        let request = try #require(
            try fixture.expectOK(.deletionRequest, Self.request([id, other], notDue: true), as: F.bootstrap).deletion)
        try fixture.expectOK(.deletionApprove, Self.number(request.id), as: Self.second)
        #expect(fixture.perform(.deletionRestore, ControlArguments(item: id.description), as: F.caller("carol")).error?.code == .forbidden)
        let restored = try #require(try fixture.expectOK(.deletionRestore, ControlArguments(item: id.description), as: Self.second).restored)
        #expect(restored.state == "restored" && restored.restoredBy == "account:ops")
        var place = ControlArguments(reason: "preserve for trial")
        place.matter = "State v. Doe"
        place.authority = "District court"
        place.items = [other.description]
        try fixture.expectOK(.holdPlace, place, as: F.bootstrap)
        let after = try #require(try fixture.expectOK(.deletionShow, Self.number(request.id), as: F.bootstrap).deletion)
        #expect(Dictionary(uniqueKeysWithValues: after.items.map { ($0.item, $0.state) })
            == [id.description: "restored", other.description: "stopped"])
        #expect(try fixture.audited(.itemRestored).map(\.itemID) == [id.description])
    }
}
