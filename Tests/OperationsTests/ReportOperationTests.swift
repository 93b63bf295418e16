import Catalog
import ControlProtocol
import CustodyCore
import CustodyTesting
import Foundation
import Testing

@testable import Operations

/// `report` through the operations: who may read it, over which items, and that reading it is audited.
@Suite struct ReportOperationTests {
    typealias F = OperationsFixture

    @Test func eachRoleReadsTheFiguresOfItsScopeAndTheReadingIsAudited() throws {
        let fixture = try F()
        try fixture.seedPeople()
        try fixture.grant(
            .reviewer, to: "R1", scope: "NORTH", requestedAs: F.caller("carol"), approvers: [F.root, F.bootstrap])
        try fixture.grant(.auditor, to: "U1", requestedAs: F.caller("erin"), approvers: [F.root, F.bootstrap])
        let alices = try fixture.item(officer: "P1", seed: 1)
        let probed = try fixture.item(officer: "P1", seed: 2)
        try fixture.item(officer: "P2", seed: 3)
        // One of Alice's items was viewed; another item's audit trail has entries, but no view.
        try fixture.catalog.audit([AuditEvent(action: .viewStarted, itemID: alices)])
        try fixture.catalog.audit([AuditEvent(action: .itemProbed, itemID: probed), AuditEvent(action: .itemProbed)])
        fixture.advance(by: 60)

        func report(_ caller: Caller, _ arguments: ControlArguments = ControlArguments()) throws
            -> SupervisionReportView
        {
            try #require(try fixture.expectOK(.report, arguments, as: caller).report)
        }
        let all = try report(F.root)
        #expect(all.items == 3 && all.scope == "all")
        #expect(all.review.pending == 3 && all.review.neverViewed == 2)
        #expect(all.categorisation.uncategorized == 3)
        #expect(all.timeliness.unmeasured == 3)  // the fixture's items have no recorded time
        #expect(try report(F.caller("erin")).items == 3)  // auditors: every item's figures
        let carols = try report(F.caller("carol"))
        #expect(carols.items == 2 && carols.scope.hasPrefix("units"))
        #expect(
            try report(
                F.root,
                {
                    var a = ControlArguments(); a.officer = "p2"; return a
                }()
            ).items == 1)
        #expect(fixture.perform(.report, as: F.caller("alice")).error?.code == .forbidden)

        // The period: items ingested before `from` are left out.
        let later = ControlArguments(from: Timestamps.rfc3339(fixture.now.addingTimeInterval(-1)))
        #expect(try report(F.root, later).items == 0)
        let empty = ControlArguments(from: Timestamps.rfc3339(fixture.now), until: Timestamps.rfc3339(fixture.now))
        #expect(fixture.perform(.report, empty, as: F.root).error?.code == .badRequest)

        // The chain head is the newest entry at the time the figures were read (the report's own entry follows).
        let audited = try fixture.audited(.reportViewed)
        #expect(audited.count == 5)
        #expect(audited.first?.detail.contains(#""items":"3""#) == true)
        #expect(all.integrity.auditHeadSeq.map { $0 < audited[0].sequence } == true)
    }

    @Test func integrityCountsTheScopesOpenFixityFailuresWhateverTheirItemsPeriod() throws {
        let fixture = try F()
        try fixture.seedPeople()
        try fixture.grant(
            .reviewer, to: "R1", scope: "NORTH", until: fixture.now.addingTimeInterval(100 * 86_400),
            requestedAs: F.caller("carol"), approvers: [F.root, F.bootstrap])
        let old = try fixture.item(officer: "P1", seed: 1)
        let souths = try fixture.item(officer: "P2", seed: 2)
        try fixture.catalog.recordFixityFailure(old, at: fixture.now, events: [])
        try fixture.catalog.recordFixityFailure(souths, at: fixture.now, events: [])
        // 40 days on, both items are older than the default period; their failures are still open.
        fixture.advance(by: 40 * 86_400)
        let recent = try fixture.item(officer: "P1", seed: 3)
        try fixture.item(officer: "P1", seed: 4)
        try fixture.catalog.recordFixityFailure(recent, at: fixture.now, events: [])
        fixture.advance(by: 60)

        let all = try #require(try fixture.expectOK(.report, as: F.root).report)
        #expect(all.items == 2)
        #expect(all.integrity.fixityFailures == 3 && all.integrity.fixityFailuresInPeriod == 1)
        // Carol's scope is NORTH: Alice's two failures, not Bob's.
        let carols = try #require(try fixture.expectOK(.report, as: F.caller("carol")).report)
        #expect(carols.integrity.fixityFailures == 2 && carols.integrity.fixityFailuresInPeriod == 1)
    }

    @Test func aUnitsReportCoversItAndItsSubunitsAndIsRefusedOutsideTheCallersScope() throws {
        let fixture = try F()
        try fixture.seedPeople()
        try fixture.grant(
            .reviewer, to: "R1", scope: "NORTH-1", requestedAs: F.caller("carol"), approvers: [F.root, F.bootstrap])
        // Alice (NORTH-1): two items; Bob (SOUTH): one; Dave (NORTH): one.
        try fixture.item(officer: "P1", seed: 1)
        try fixture.item(officer: "P1", seed: 2)
        try fixture.item(officer: "P2", seed: 3)
        try fixture.item(officer: "A1", seed: 4)
        fixture.advance(by: 60)
        func unit(_ id: String) -> ControlArguments {
            var arguments = ControlArguments()
            arguments.unit = id
            return arguments
        }
        // NORTH holds NORTH-1: Alice's and Dave's items.
        let north = try #require(try fixture.expectOK(.report, unit("north"), as: F.root).report)
        #expect(north.items == 3 && north.scope.hasPrefix("units"))
        #expect(try fixture.expectOK(.report, unit("SOUTH"), as: F.root).report?.items == 1)
        // Carol reviews NORTH-1 only: its report is hers, NORTH's and SOUTH's are refused and audited.
        #expect(try fixture.expectOK(.report, unit("NORTH-1"), as: F.caller("carol")).report?.items == 2)
        let before = try fixture.audited(.accessDenied).count
        for refused in ["NORTH", "SOUTH"] {
            let answer = fixture.perform(.report, unit(refused), as: F.caller("carol"))
            #expect(answer.error?.code == .forbidden && answer.error?.message.contains("outside") == true, "\(refused)")
        }
        #expect(try fixture.audited(.accessDenied).count == before + 2)
        // A unit that does not exist is named as such.
        let unknown = fixture.perform(.report, unit("WEST"), as: F.root)
        #expect(unknown.error?.code == .notFound && unknown.error?.message.contains("WEST") == true)
    }
}
