import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Synchronization
import Testing

@testable import Operations

/// The review queue: every verified item pending, oldest first within scope; claims are atomic leases;
/// a review is finished only by its claimant; notes are append-only and attributed.
@Suite struct ReviewQueueTests {
    typealias F = OperationsFixture

    /// People seeded, carol (R1) and dave (A1) reviewers of NORTH.
    static func fixture(_ name: String = #function) throws -> F {
        let fixture = try F(name)
        try fixture.seedPeople()
        try fixture.grant(.reviewer, to: "R1", scope: "NORTH", requestedAs: F.caller("carol"), approvers: [F.root, F.bootstrap])
        try fixture.grant(.reviewer, to: "A1", scope: "NORTH", requestedAs: F.caller("dave"), approvers: [F.root, F.bootstrap])
        return fixture
    }

    static func item(_ id: EvidenceID) -> ControlArguments { ControlArguments(item: id.description) }

    @Test func everyVerifiedItemIsPendingAndTheQueueIsOldestFirstWithinScope() throws {
        let fixture = try Self.fixture()
        let first = try fixture.item(officer: "P1", seed: 1)
        fixture.advance(by: 60)
        let second = try fixture.item(officer: "P1", seed: 2)
        _ = try fixture.item(officer: "P2", seed: 3)
        let queue = try fixture.expectOK(.reviewQueue, as: F.caller("carol")).queue ?? []
        #expect(queue.map(\.item.id) == [first.description, second.description])
        #expect(queue.allSatisfy { $0.item.reviewState == "pending" && $0.claim == nil })
        #expect(try fixture.expectOK(.reviewQueue, as: F.bootstrap).queue?.count == 3)
        #expect(fixture.perform(.reviewQueue, as: F.caller("alice")).error?.code == .forbidden)
    }

    @Test func twoReviewersRaceForOneItemAndOneWins() throws {
        let fixture = try Self.fixture()
        let id = try fixture.item(officer: "P1", seed: 1)
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let response = fixture.perform(.reviewClaim, Self.item(id), as: F.caller(index == 0 ? "carol" : "dave"))
            results.append(response)
        }
        let all = results.all
        #expect(all.filter(\.ok).count == 1)
        let loser = try #require(all.first { !$0.ok })
        #expect(loser.error?.code == .badRequest)
        #expect(loser.error?.message.contains("is claimed by") == true)
        // Next skips a claimed item: the loser's queue has nothing left to claim.
        let winner = try #require(all.first(where: \.ok)?.claim?.reviewer)
        let other = winner == "R1" ? "dave" : "carol"
        #expect(try fixture.expectOK(.reviewNext, as: F.caller(other)).claim == nil)
    }

    @Test func aClaimIsALeaseThatExpires() throws {
        let fixture = try Self.fixture()
        let id = try fixture.item(officer: "P1", seed: 1)
        try fixture.expectOK(.reviewClaim, Self.item(id), as: F.caller("carol"))
        #expect(!fixture.perform(.reviewClaim, Self.item(id), as: F.caller("dave")).ok)
        fixture.advance(by: 31 * 60)
        // carol's lease ran out: dave claims it, and carol can no longer finish it.
        #expect(try fixture.expectOK(.reviewNext, as: F.caller("dave")).claim?.item == id.description)
        var done = Self.item(id)
        done.outcome = "ok"
        let refused = fixture.perform(.reviewDone, done, as: F.caller("carol"))
        #expect(refused.error?.code == .badRequest)
        #expect(refused.error?.message.contains("claimed by A1") == true)
        #expect(try fixture.catalog.reviewFacts(for: id, at: fixture.now).reviews.isEmpty)
    }

    @Test func finishingAReviewRecordsOutcomeCasesCategoriesAndTheDueDate() throws {
        let fixture = try Self.fixture()
        let id = try fixture.item(officer: "P1", seed: 1)
        for (name, retention) in [("traffic-stop", "90d"), ("use-of-force", "permanent")] {
            var arguments = ControlArguments(name: name)
            arguments.retention = retention
            try fixture.expectOK(.categoryAdd, arguments, as: F.bootstrap)
        }
        var categorize = Self.item(id)
        categorize.categories = ["use-of-force"]
        try fixture.expectOK(.categorize, categorize, as: F.caller("carol"))
        try fixture.expectOK(.reviewClaim, Self.item(id), as: F.caller("carol"))
        var done = Self.item(id)
        done.outcome = "important"
        done.cases = ["2024-001"]
        done.categories = ["traffic-stop"]
        done.text = "subject resisted; see report 17"
        let retention = try #require(try fixture.expectOK(.reviewDone, done, as: F.caller("carol")).retention)
        #expect(retention.dueAt == nil)
        #expect(retention.category == "use-of-force")

        let review = try #require(fixture.operations.perform(.show(id.description), by: F.caller("carol")).review)
        #expect(review.state == "reviewed")
        #expect(review.reviews.map(\.outcome) == ["important"] && review.reviews.first?.reviewer == "R1")
        #expect(review.categories == ["traffic-stop", "use-of-force"])
        #expect(review.cases == ["2024-001"])
        #expect(review.notes.map(\.author) == ["R1"])
        #expect(review.retention.dueAt == nil && review.retention.reason.contains("permanently"))
        #expect(try fixture.audited(.reviewFinished).first?.detail.contains("\"due_at\":\"never\"") == true)
        // A reviewed item leaves the queue and cannot be claimed again.
        #expect(try fixture.expectOK(.reviewQueue, as: F.caller("carol")).queue?.isEmpty == true)
        #expect(!fixture.perform(.reviewClaim, Self.item(id), as: F.caller("dave")).ok)
    }

    @Test func aReviewOutsideOnesScopeOrWithAnUnknownCategoryChangesNothing() throws {
        let fixture = try Self.fixture()
        let bobs = try fixture.item(officer: "P2", seed: 1)
        #expect(fixture.perform(.reviewClaim, Self.item(bobs), as: F.caller("carol")).error?.code == .forbidden)
        let alices = try fixture.item(officer: "P1", seed: 2)
        try fixture.expectOK(.reviewClaim, Self.item(alices), as: F.caller("carol"))
        var done = Self.item(alices)
        done.outcome = "ok"
        done.categories = ["no-such-thing"]
        let refused = fixture.perform(.reviewDone, done, as: F.caller("carol"))
        #expect(refused.error?.code == .notFound)
        #expect(refused.error?.message.contains("no category 'no-such-thing'") == true)
        let facts = try fixture.catalog.reviewFacts(for: alices, at: fixture.now)
        #expect(facts.reviews.isEmpty && facts.reviewState == "pending" && facts.claim?.reviewer == "R1")
        done.outcome = "fine"
        #expect(fixture.perform(.reviewDone, done, as: F.caller("carol")).error?.code == .badRequest)
    }

    @Test func releaseReturnsAnItemAndAnAdministratorReassigns() throws {
        let fixture = try Self.fixture()
        let id = try fixture.item(officer: "P1", seed: 1)
        try fixture.expectOK(.reviewClaim, Self.item(id), as: F.caller("carol"))
        #expect(!fixture.perform(.reviewRelease, Self.item(id), as: F.caller("dave")).ok)
        try fixture.expectOK(.reviewRelease, Self.item(id), as: F.caller("carol"))
        try fixture.expectOK(.reviewClaim, Self.item(id), as: F.caller("dave"))
        var assign = Self.item(id)
        assign.person = "R1"
        #expect(fixture.perform(.reviewAssign, assign, as: F.caller("dave")).error?.code == .forbidden)
        let claim = try #require(try fixture.expectOK(.reviewAssign, assign, as: F.bootstrap).claim)
        #expect(claim.reviewer == "R1" && claim.assignedBy == "account:boot")
        var done = Self.item(id)
        done.outcome = "ok"
        #expect(!fixture.perform(.reviewDone, done, as: F.caller("dave")).ok)
        try fixture.expectOK(.reviewDone, done, as: F.caller("carol"))
        #expect(try fixture.audited(.reviewAssigned).count == 1)
    }

    @Test func officersAddNotesToTheirOwnItemsOnly() throws {
        let fixture = try Self.fixture()
        let alices = try fixture.item(officer: "P1", seed: 1)
        var note = Self.item(alices)
        note.text = "driver was given a warning"
        let added = try #require(try fixture.expectOK(.noteAdd, note, as: F.caller("alice")).note)
        #expect(added.author == "P1")
        #expect(fixture.perform(.noteAdd, note, as: F.caller("bob")).error?.code == .forbidden)
        note.text = "   "
        #expect(fixture.perform(.noteAdd, note, as: F.caller("alice")).error?.code == .badRequest)
        #expect(try fixture.catalog.reviewFacts(for: alices, at: fixture.now).notes.map(\.text) == ["driver was given a warning"])
        #expect(try fixture.audited(.noteAdded).count == 1)
    }

    @Test func listFiltersByReviewStateCategoryAndCase() throws {
        let fixture = try Self.fixture()
        let reviewed = try fixture.item(officer: "P1", seed: 1)
        let claimed = try fixture.item(officer: "P1", seed: 2)
        let pending = try fixture.item(officer: "P1", seed: 3)
        var category = ControlArguments(name: "traffic-stop")
        category.retention = "90d"
        try fixture.expectOK(.categoryAdd, category, as: F.bootstrap)
        try fixture.expectOK(.reviewClaim, Self.item(reviewed), as: F.caller("carol"))
        var done = Self.item(reviewed)
        done.outcome = "ok"
        done.cases = ["2024-001"]
        done.categories = ["traffic-stop"]
        try fixture.expectOK(.reviewDone, done, as: F.caller("carol"))
        try fixture.expectOK(.reviewClaim, Self.item(claimed), as: F.caller("carol"))

        func listed(_ fill: (inout ItemQuery) -> Void) throws -> [String] {
            var query = ItemQuery()
            fill(&query)
            let response = fixture.operations.perform(.list(query), by: F.caller("carol"))
            if let error = response.error { throw error }
            return response.items?.map(\.id) ?? []
        }
        #expect(try listed { $0.reviewState = "reviewed" } == [reviewed.description])
        #expect(try listed { $0.reviewState = "claimed" } == [claimed.description])
        #expect(try listed { $0.reviewState = "pending" } == [pending.description])
        #expect(try listed { $0.category = "traffic-stop" } == [reviewed.description])
        #expect(Set(try listed { $0.category = "uncategorized" }) == [claimed.description, pending.description])
        #expect(try listed { $0.caseNumber = "2024-001" } == [reviewed.description])
        #expect(throws: ControlError.self) { try listed { $0.category = "nope" } }
        #expect(throws: ControlError.self) { try listed { $0.reviewState = "done" } }
    }
}

/// Responses gathered from concurrent callers.
final class Results: Sendable {
    private let responses = Mutex<[ControlResponse]>([])

    func append(_ response: ControlResponse) { responses.withLock { $0.append(response) } }
    var all: [ControlResponse] { responses.withLock { $0 } }
}
