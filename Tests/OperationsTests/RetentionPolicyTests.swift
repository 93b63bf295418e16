import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Testing

@testable import Operations

/// Categories, due dates and holds through the operations: the longest retention wins, a policy change
/// is a dry run until confirmed and never makes anything due within a day, a held item is never due,
/// and a query hold catches items attributed after it was placed.
@Suite struct RetentionPolicyTests {
    typealias F = OperationsFixture
    static let day: TimeInterval = 86_400

    static func fixture(_ name: String = #function) throws -> F {
        let fixture = try F(name)
        try fixture.seedPeople()
        try fixture.grant(.reviewer, to: "R1", scope: "NORTH", requestedAs: F.caller("carol"), approvers: [F.root, F.bootstrap])
        for (name, retention) in [("traffic-stop", "90d"), ("use-of-force", "permanent"), ("interview", "2y")] {
            var arguments = ControlArguments(name: name)
            arguments.retention = retention
            try fixture.expectOK(.categoryAdd, arguments, as: F.bootstrap)
        }
        return fixture
    }

    static func categorize(_ id: EvidenceID, _ categories: [String], confirm: Bool? = nil) -> ControlArguments {
        var arguments = ControlArguments(item: id.description)
        arguments.categories = categories
        arguments.confirm = confirm
        return arguments
    }

    func due(_ fixture: F, _ id: EvidenceID) throws -> Date? {
        try fixture.catalog.reviewFacts(for: id, at: fixture.now).dueAt
    }

    func ingested(_ fixture: F, _ id: EvidenceID) throws -> Date {
        try fixture.catalog.item(matching: id.description).ingestedAt
    }

    @Test func theLongestRetentionOfAnItemsCategoriesWins() throws {
        let fixture = try Self.fixture()
        let id = try fixture.item(officer: "P1", seed: 1)
        let start = try ingested(fixture, id)
        let shown = fixture.operations.perform(.show(id.description), by: F.bootstrap).review
        #expect(shown?.categories == [] && shown?.retention.category == "uncategorized")
        let traffic = try #require(try fixture.expectOK(.categorize, Self.categorize(id, ["traffic-stop"]), as: F.caller("carol")).retention)
        #expect(traffic.dueAt == Timestamps.rfc3339(start.addingTimeInterval(90 * Self.day)))
        #expect(traffic.category == "traffic-stop" && traffic.clock == "ingested_at")
        try fixture.expectOK(.categorize, Self.categorize(id, ["interview"]), as: F.caller("carol"))
        #expect(try due(fixture, id)! > start.addingTimeInterval(700 * Self.day))
        try fixture.expectOK(.categorize, Self.categorize(id, ["use-of-force"]), as: F.caller("carol"))
        #expect(try due(fixture, id) == nil)
        #expect(fixture.perform(.categorize, Self.categorize(id, ["nope"]), as: F.caller("carol")).error?.code == .notFound)
        #expect(fixture.perform(.categorize, Self.categorize(id, ["traffic-stop"]), as: F.caller("bob")).error?.code == .forbidden)
    }

    @Test func dueBeforeAndAfterFilterAndOrderTheList() throws {
        let fixture = try Self.fixture()
        let short = try fixture.item(officer: "P1", seed: 1)
        let long = try fixture.item(officer: "P1", seed: 2)
        let never = try fixture.item(officer: "P1", seed: 3)
        try fixture.expectOK(.categorize, Self.categorize(short, ["traffic-stop"]), as: F.bootstrap)
        try fixture.expectOK(.categorize, Self.categorize(long, ["interview"]), as: F.bootstrap)
        try fixture.expectOK(.categorize, Self.categorize(never, ["use-of-force"]), as: F.bootstrap)
        func listed(before: Date?, after: Date?) throws -> [String] {
            var query = ItemQuery()
            query.dueBefore = before.map(Timestamps.rfc3339)
            query.dueAfter = after.map(Timestamps.rfc3339)
            let response = fixture.operations.perform(.list(query), by: F.bootstrap)
            if let error = response.error { throw error }
            return response.items?.map(\.id) ?? []
        }
        let now = fixture.now
        #expect(try listed(before: now.addingTimeInterval(100 * Self.day), after: nil) == [short.description])
        #expect(try listed(before: nil, after: now.addingTimeInterval(100 * Self.day)) == [long.description])
        #expect(try listed(before: now.addingTimeInterval(1000 * Self.day), after: nil) == [short.description, long.description])
    }

    @Test func changingARetentionIsADryRunUntilConfirmedAndGivesADaysNotice() throws {
        let fixture = try Self.fixture()
        let id = try fixture.item(officer: "P1", seed: 1)
        try fixture.expectOK(.categorize, Self.categorize(id, ["interview"]), as: F.bootstrap)
        let before = try due(fixture, id)
        fixture.advance(by: 10 * Self.day)
        var change = ControlArguments(name: "interview")
        change.retention = "1d"
        let dryRun = try #require(try fixture.expectOK(.categorySet, change, as: F.bootstrap).preview)
        #expect(!dryRun.applied && dryRun.examined == 1 && dryRun.moved == 1 && dryRun.sooner == 1)
        #expect(dryRun.first.first?.after == Timestamps.rfc3339(fixture.now.addingTimeInterval(Self.day)))
        #expect(try due(fixture, id) == before)
        #expect(try fixture.catalog.category("interview").retention.description == "2y")
        #expect(try fixture.audited(.retentionPreviewed).count == 1)

        #expect(fixture.perform(.categorySet, change, as: F.caller("carol")).error?.code == .forbidden)
        change.confirm = true
        let applied = try #require(try fixture.expectOK(.categorySet, change, as: F.bootstrap).preview)
        #expect(applied.applied && applied.sooner == 1)
        // One day from the change, not one day from ingest (long past): never due sooner than 24 hours on.
        #expect(try due(fixture, id) == fixture.now.addingTimeInterval(Self.day))
        #expect(try fixture.catalog.category("interview").retention.description == "1d")
        let why = fixture.operations.perform(.show(id.description), by: F.bootstrap).review?.retention.reason
        #expect(why == "category interview: 1 day from ingested-at, pushed to 24 hours after the change that shortened it")
        #expect(try fixture.audited(.categoryChanged).first?.detail.contains("\"sooner\":\"1\"") == true)
    }

    @Test func removingACategoryIsADryRunUntilConfirmed() throws {
        let fixture = try Self.fixture()
        let id = try fixture.item(officer: "P1", seed: 1)
        try fixture.expectOK(.categorize, Self.categorize(id, ["use-of-force", "traffic-stop"]), as: F.bootstrap)
        let dryRun = try #require(
            try fixture.expectOK(.uncategorize, Self.categorize(id, ["use-of-force"]), as: F.caller("carol")).preview)
        #expect(!dryRun.applied && dryRun.sooner == 1)
        #expect(try due(fixture, id) == nil)
        try fixture.expectOK(.uncategorize, Self.categorize(id, ["use-of-force"], confirm: true), as: F.caller("carol"))
        let start = try ingested(fixture, id)
        #expect(try due(fixture, id) == start.addingTimeInterval(90 * Self.day))

        var remove = ControlArguments(name: "traffic-stop")
        let preview = try #require(try fixture.expectOK(.categoryRemove, remove, as: F.bootstrap).preview)
        #expect(!preview.applied && preview.examined == 1)
        remove.confirm = true
        try fixture.expectOK(.categoryRemove, remove, as: F.bootstrap)
        #expect(try fixture.catalog.reviewFacts(for: id, at: fixture.now).categories.isEmpty)
        #expect(try fixture.catalog.reviewFacts(for: id, at: fixture.now).retentionCategory == "uncategorized")
        remove.name = "uncategorized"
        #expect(fixture.perform(.categoryRemove, remove, as: F.bootstrap).error?.code == .badRequest)
    }

    @Test func aHeldItemIsNeverDueAndReleasingGivesADaysNotice() throws {
        let fixture = try Self.fixture()
        let id = try fixture.item(officer: "P1", seed: 1)
        try fixture.expectOK(.categorize, Self.categorize(id, ["traffic-stop"]), as: F.bootstrap)
        var place = ControlArguments(reason: "preserve for trial")
        place.matter = "State v. Doe"
        place.authority = "District court"
        place.items = [id.description]
        #expect(fixture.perform(.holdPlace, place, as: F.caller("carol")).error?.code == .forbidden)
        let hold = try #require(try fixture.expectOK(.holdPlace, place, as: F.bootstrap).hold)
        #expect(hold.items == 1)
        #expect(try due(fixture, id) == nil)
        let review = fixture.operations.perform(.show(id.description), by: F.bootstrap).review
        #expect(review?.holds.map(\.id) == [hold.id] && review?.retention.reason.hasPrefix("held") == true)
        var held = ItemQuery()
        held.held = true
        #expect(fixture.operations.perform(.list(held), by: F.bootstrap).items?.map(\.id) == [id.description])

        fixture.advance(by: 200 * Self.day)
        var release = ControlArguments(reason: "case closed")
        release.hold = hold.id
        try fixture.expectOK(.holdRelease, release, as: F.bootstrap)
        #expect(try due(fixture, id) == fixture.now.addingTimeInterval(Self.day))
        // A released hold stays released and takes no items.
        let again = fixture.perform(.holdRelease, release, as: F.bootstrap)
        #expect(again.error?.code == .badRequest && again.error?.message.contains("already released") == true)
        #expect(try fixture.audited(.holdPlaced).count == 1)
        #expect(try fixture.audited(.holdReleased).count == 1)
    }

    @Test func holdsByDeviceAndByCaseCatchWhatTheyName() throws {
        let fixture = try Self.fixture()
        let camera = try fixture.item(officer: "P1", device: "CAM9", seed: 1)
        let other = try fixture.item(officer: "P1", device: "CAM8", seed: 2)
        try fixture.expectOK(.reviewClaim, ControlArguments(item: other.description), as: F.bootstrap)
        var done = ControlArguments(item: other.description)
        done.outcome = "ok"
        done.cases = ["2024-002"]
        try fixture.expectOK(.reviewDone, done, as: F.bootstrap)

        var byDevice = ControlArguments(reason: "r")
        byDevice.matter = "m"
        byDevice.authority = "a"
        byDevice.device = "CAM9"
        #expect(try fixture.expectOK(.holdPlace, byDevice, as: F.bootstrap).hold?.items == 1)
        var byCase = byDevice
        byCase.device = nil
        byCase.cases = ["2024-002"]
        #expect(try fixture.expectOK(.holdPlace, byCase, as: F.bootstrap).hold?.items == 1)
        let later = try fixture.item(officer: "P2", device: "CAM9", seed: 3)
        let dueCamera = try due(fixture, camera)
        let dueOther = try due(fixture, other)
        let dueLater = try due(fixture, later)
        #expect(dueCamera == nil)
        #expect(dueOther == nil)
        #expect(dueLater == nil)
        let holds = try fixture.expectOK(.holdList, as: F.caller("carol")).holds ?? []
        #expect(holds.map(\.items) == [1, 2])
    }

    @Test func anItemOfARestrictedCategoryIsAdministratorsOnly() throws {
        let fixture = try Self.fixture()
        var restricted = ControlArguments(name: "internal-affairs")
        restricted.retention = "10y"
        restricted.access = "restricted"
        try fixture.expectOK(.categoryAdd, restricted, as: F.bootstrap)
        let id = try fixture.item(officer: "P1", seed: 1)
        let open = try fixture.item(officer: "P1", seed: 2)
        try fixture.expectOK(.categorize, Self.categorize(id, ["internal-affairs"]), as: F.bootstrap)
        for account in ["alice", "carol"] {
            #expect(try fixture.expectOK(.list, as: F.caller(account)).items?.map(\.id) == [open.description])
            #expect(fixture.operations.perform(.show(id.description), by: F.caller(account)).error?.code == .forbidden)
        }
        #expect(try fixture.expectOK(.reviewQueue, as: F.caller("carol")).queue?.map(\.item.id) == [open.description])
        #expect(fixture.perform(.reviewClaim, ControlArguments(item: id.description), as: F.caller("carol")).error?.code == .forbidden)
        #expect(try fixture.expectOK(.list, as: F.bootstrap).items?.count == 2)
        #expect(fixture.operations.perform(.show(id.description), by: F.bootstrap).ok)
    }

    @Test func aQueryHoldCatchesItemsAttributedLater() throws {
        let fixture = try Self.fixture()
        let before = try fixture.item(officer: "P1", seed: 1)
        var place = ControlArguments(reason: "complaint 77", from: "2020-01-01", until: "2030-01-01")
        place.matter = "Complaint 77"
        place.authority = "Internal affairs"
        place.officer = "p1"
        let hold = try #require(try fixture.expectOK(.holdPlace, place, as: F.bootstrap).hold)
        #expect(hold.items == 1 && hold.officer == "P1")
        let later = try fixture.item(officer: "P1", seed: 2)
        let others = try fixture.item(officer: "P2", seed: 3)
        let dueBefore = try due(fixture, before)
        let dueLater = try due(fixture, later)
        let dueOthers = try due(fixture, others)
        #expect(dueBefore == nil)
        #expect(dueLater == nil)
        #expect(dueOthers != nil)
        #expect(try fixture.catalog.hold(hold.id).itemCount == 2)
        #expect(try fixture.audited(.holdApplied).compactMap(\.itemID) == [later.description])

        var byCase = ControlArguments(reason: "evidence")
        byCase.matter = "Case 2024-001"
        byCase.authority = "Prosecutor"
        byCase.cases = ["2024-001"]
        let caseHold = try #require(try fixture.expectOK(.holdPlace, byCase, as: F.bootstrap).hold)
        #expect(caseHold.items == 0)
        try fixture.expectOK(.reviewClaim, ControlArguments(item: others.description), as: F.bootstrap)
        var done = ControlArguments(item: others.description)
        done.outcome = "ok"
        done.cases = ["2024-001"]
        #expect(try fixture.expectOK(.reviewDone, done, as: F.bootstrap).retention?.dueAt == nil)
        #expect(try fixture.catalog.hold(caseHold.id).itemCount == 1)

        var rangeOnly = ControlArguments(reason: "x", from: "2020-01-01")
        rangeOnly.matter = "m"
        rangeOnly.authority = "a"
        #expect(fixture.perform(.holdPlace, rangeOnly, as: F.bootstrap).error?.code == .badRequest)
    }
}
