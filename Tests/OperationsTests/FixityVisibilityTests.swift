import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Testing

@testable import Operations

/// A fixity failure is visible where people look: `status`, `list --fixity-failed`, `show`.
@Suite struct FixityVisibilityTests {
    typealias F = OperationsFixture

    @Test func aFailedItemShowsInStatusListAndShow() throws {
        let fixture = try F()
        try fixture.seedPeople()
        let failed = try fixture.item(officer: "P1", seed: 1)
        _ = try fixture.item(officer: "P1", seed: 2)
        #expect(try fixture.expectOK(.status, as: F.root).status?.fixityFailedItems == nil)
        try fixture.catalog.recordFixityFailure(
            failed, at: fixture.now, events: [AuditEvent(action: .fixityFailed, itemID: failed, detail: ["problem": "test"])])

        let status = try #require(try fixture.expectOK(.status, as: F.root).status)
        #expect(status.fixityFailedItems == 1)
        #expect(StatusTable.lines(for: status).contains { $0.hasPrefix("FIXITY FAILURES: 1 item") })
        var query = ItemQuery()
        query.fixityFailed = true
        let listed = fixture.operations.perform(.list(query), by: F.root).items ?? []
        #expect(listed.map(\.id) == [failed.description])
        #expect(listed.first?.fixityFailedAt == Timestamps.rfc3339(fixture.now))
        let review = try #require(fixture.operations.perform(.show(failed.description), by: F.caller("alice")).review)
        #expect(review.fixityFailedAt == Timestamps.rfc3339(fixture.now))
    }
}
