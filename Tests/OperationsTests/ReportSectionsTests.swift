import Catalog
import ControlProtocol
import CustodyCore
import CustodyTesting
import Foundation
import Testing

@testable import Operations

/// The report's sections about what stands now (retention, devices, access, storage), through the
/// operations over a catalog seeded with rows whose figures are counted by hand in the comments.
@Suite struct ReportSectionsTests {
    typealias F = OperationsFixture
    static let day: TimeInterval = 86_400
    /// A second member of `custody-admin`.
    static let second = F.caller("ops", groups: [F.adminGroup])

    func report(_ fixture: F, as caller: Caller = F.root, _ arguments: ControlArguments = ControlArguments()) throws
        -> SupervisionReportView
    {
        try #require(try fixture.expectOK(.report, arguments, as: caller).report)
    }

    func deleted(_ items: [EvidenceID], in fixture: F) throws {
        var request = ControlArguments(reason: "retention period over")
        request.items = items.map(\.description)
        let id = try #require(try fixture.expectOK(.deletionRequest, request, as: F.bootstrap).deletion?.id)
        var approval = ControlArguments()
        approval.deletion = id
        try fixture.expectOK(.deletionApprove, approval, as: Self.second)
    }

    @discardableResult
    func hold(_ items: [EvidenceID], _ matter: String, in fixture: F) throws -> Int64 {
        var arguments = ControlArguments(reason: "court order")
        arguments.matter = matter
        arguments.authority = "prosecutor"
        arguments.items = items.map(\.description)
        return try #require(try fixture.expectOK(.holdPlace, arguments, as: F.root).hold?.id)
    }

    @Test func retentionCountsDueItemsTheTrashEndingSoonAndOpenHoldsOfTheScope() throws {
        let fixture = try F()
        try fixture.seedPeople()
        // a…e of Alice (NORTH-1), f of Bob (SOUTH); 1,000 days on, all six are past `uncategorized`'s 6 months.
        let items = try (1...5).map { try fixture.item(officer: "P1", seed: $0) } + [try fixture.item(officer: "P2", seed: 6)]
        let (a, b, c, d, f) = (items[0], items[1], items[2], items[3], items[5])
        fixture.advance(by: 1000 * Self.day)
        _ = try fixture.catalog.markDueItems(at: fixture.now) { _ in [] }
        try fixture.grant(.reviewer, to: "R1", scope: "NORTH", requestedAs: F.caller("carol"), approvers: [F.root, F.bootstrap])
        // a trashed now (grace ends in 14 days), b twelve days later (its grace ends 14 days after that).
        try deleted([a], in: fixture)
        fixture.advance(by: 12 * Self.day)
        try deleted([b], in: fixture)
        // Holds: #1 on c, #2 on c and d, #3 on f; #4 on d, released (not counted).
        try hold([c], "case 1", in: fixture)
        try hold([c, d], "case 2", in: fixture)
        try hold([f], "case 3", in: fixture)
        let released = try hold([d], "case 4", in: fixture)
        var release = ControlArguments(reason: "case closed")
        release.hold = released
        try fixture.expectOK(.holdRelease, release, as: F.root)
        fixture.advance(by: 60)

        // Due: e only (a, b trashed; c, d, f held). a's grace ends in 2 days, b's in 14. Held: c, d, f.
        let all = try report(fixture).retention
        #expect(all.due == 1 && all.deletionsNext72h == 1 && all.deletionsNext30d == 2)
        #expect(all.holdsActive == 3 && all.heldItems == 3)
        #expect(all.holds.map(\.matter) == ["case 1", "case 2", "case 3"] && all.holds.map(\.items) == [1, 2, 1])
        // Carol (NORTH): the same but Bob's f, and hold #3 reaches none of her items.
        let carols = try report(fixture, as: F.caller("carol")).retention
        #expect(carols.due == 1 && carols.deletionsNext72h == 1 && carols.deletionsNext30d == 2)
        #expect(carols.holdsActive == 2 && carols.heldItems == 2 && carols.holds.map(\.items) == [1, 2])
        // Three days on, a's grace is over (overdue: still counted) and b's ends in 11 days.
        fixture.advance(by: 3 * Self.day)
        let later = try report(fixture).retention
        #expect(later.deletionsNext72h == 1 && later.deletionsNext30d == 2)
        fixture.advance(by: 9 * Self.day)
        #expect(try report(fixture).retention.deletionsNext72h == 2)
    }
}
