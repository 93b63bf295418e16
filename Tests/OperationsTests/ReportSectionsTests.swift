import Catalog
import ControlProtocol
import CustodyCore
import CustodyTesting
import Foundation
import Testing

@testable import Catalog
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
        let items =
            try (1...5).map { try fixture.item(officer: "P1", seed: $0) } + [try fixture.item(officer: "P2", seed: 6)]
        let (a, b, c, d, f) = (items[0], items[1], items[2], items[3], items[5])
        fixture.advance(by: 1000 * Self.day)
        _ = try fixture.catalog.markDueItems(at: fixture.now) { _ in [] }
        try fixture.grant(
            .reviewer, to: "R1", scope: "NORTH", requestedAs: F.caller("carol"), approvers: [F.root, F.bootstrap])
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

    /// An audit entry written at `date` (the dock writes at the real time; the test chooses it).
    func audit(_ action: AuditAction, _ detail: [String: String], at date: Date, in fixture: F) throws {
        try fixture.catalog.write { db in
            try AuditChain.append(
                [AuditEvent(action: action, detail: detail)], actor: fixture.catalog.actor, at: date, in: db)
        }
    }

    func device(_ serial: String, holder: String?, in fixture: F) throws {
        var arguments = ControlArguments()
        arguments.serial = serial
        arguments.family = "ambarella"
        try fixture.expectOK(.deviceAdd, arguments, as: F.root)
        guard let holder else { return }
        arguments.person = holder
        try fixture.expectOK(.deviceAssign, arguments, as: F.root)
    }

    @Test func devicesListIdleDevicesClockDriftMaintenanceAndSessionsThatEndedBadly() throws {
        let fixture = try F()
        try fixture.seedPeople()
        try fixture.grant(
            .reviewer, to: "R1", scope: "NORTH", requestedAs: F.caller("carol"), approvers: [F.root, F.bootstrap])
        let now = fixture.now
        func ago(_ days: Double) -> Date { now.addingTimeInterval(-days * Self.day) }
        // SN-A and SN-D are Alice's (NORTH-1), SN-B Bob's (SOUTH), SN-C nobody's; SN-D in maintenance, SN-E retired.
        try device("SN-A", holder: "P1", in: fixture)
        try device("SN-B", holder: "P2", in: fixture)
        try device("SN-C", holder: nil, in: fixture)
        try device("SN-D", holder: "P1", in: fixture)
        try device("SN-E", holder: nil, in: fixture)
        var maintenance = ControlArguments()
        maintenance.serial = "SN-D"
        maintenance.what = "battery"
        maintenance.result = "sent to the vendor"
        maintenance.status = "in_maintenance"
        try fixture.expectOK(.deviceMaintenance, maintenance, as: F.root)
        var retire = ControlArguments(reason: "broken screen")
        retire.serial = "SN-E"
        try fixture.expectOK(.deviceRetire, retire, as: F.root)

        let (old, a, a2, b, x, previous) = (
            EvidenceID(), EvidenceID(), EvidenceID(), EvidenceID(), EvidenceID(), EvidenceID()
        )
        func started(_ session: EvidenceID, _ serial: String, offset: Int?, at date: Date) throws {
            var detail = ["session": session.description, "bay": "1", "device": serial]
            detail["clock_offset_seconds"] = offset.map(String.init)
            try audit(.dockStarted, detail, at: date, in: fixture)
        }
        func finished(_ session: EvidenceID, _ outcome: String, failed: Int? = nil, at date: Date) throws {
            var detail = ["session": session.description, "bay": "1", "outcome": outcome]
            if let failed { (detail["verified"], detail["failed"]) = ("5", "\(failed)") }
            try audit(.dockFinished, detail, at: date, in: fixture)
        }
        // SN-A: a session begun before the period and undocked within it; its clock set 12 days ago by
        // another session, then 40 s off 10 days later (4 s a day: too much), set again, and 8 s off a
        // day after that (8 s a day), a session interrupted.
        try started(old, "SN-A", offset: nil, at: ago(40))
        try finished(old, "undocked", at: ago(29))
        try fixture.catalog.recordClockSet(device: "SN-A", at: ago(12), session: previous)
        try fixture.catalog.recordClockSet(device: "SN-A", at: ago(2), session: a)
        try started(a, "SN-A", offset: 40, at: ago(2))
        try finished(a, "done", failed: 0, at: ago(2).addingTimeInterval(600))
        try started(a2, "SN-A", offset: -8, at: ago(1))
        try finished(a2, "interrupted", at: ago(1).addingTimeInterval(3_600))
        // SN-B: 10 days ago, 2 s off with no recorded set (within 3 s + 1 for one day), two files failed.
        try started(b, "SN-B", offset: 2, at: ago(10))
        try finished(b, "done", failed: 2, at: ago(10).addingTimeInterval(3_600))
        // A session that failed before the device said who it is.
        try finished(x, "failed", at: ago(1))

        let all = try report(fixture).devices
        // Not docked for 7 days: SN-C never, SN-B 10 days; SN-D is in maintenance, SN-E retired.
        #expect(all.idleDays == 7)
        #expect(
            all.notDocked == [
                .init(serial: "SN-C", lastDockedAt: nil, days: nil),
                .init(serial: "SN-B", lastDockedAt: Timestamps.rfc3339(ago(10)), days: 10),
            ])
        // a2: 8 s over 1 day; a: 40 s over 10 days (allowed 3 × 10 + 1 = 31). b: 2 s, allowed 4.
        #expect(all.clockDrift.map(\.session) == [a2.description, a.description])
        #expect(all.clockDrift.map(\.secondsPerDay) == [8, 4] && all.clockDrift.map(\.days) == [1, 10])
        #expect(all.clockDrift.first?.offsetSeconds == -8)
        #expect(all.inMaintenance == ["SN-D"])
        // Failed: x. Partial: a2 (interrupted), b (2 files failed), old (undocked, its device from its start).
        #expect(all.failedSessions == 1 && all.partialSessions == 3)
        #expect(all.sessions.map(\.session) == [a2, x, b, old].map(\.description))
        #expect(all.sessions.map(\.serial) == ["SN-A", nil, "SN-B", "SN-A"])
        #expect(all.sessions[2].verified == 5 && all.sessions[2].failed == 2)

        // Carol (NORTH): Alice's SN-A and SN-D only; the unidentified session is nobody's.
        let carols = try report(fixture, as: F.caller("carol")).devices
        #expect(carols.notDocked.isEmpty && carols.inMaintenance == ["SN-D"])
        #expect(carols.clockDrift.map(\.session) == [a2.description, a.description])
        #expect(carols.failedSessions == 0 && carols.partialSessions == 2)
        // A period that ended 20 days ago: only the old session, started and undocked within it.
        let earlier = ControlArguments(from: Timestamps.rfc3339(ago(45)), until: Timestamps.rfc3339(ago(20)))
        let past = try report(fixture, earlier).devices
        #expect(past.sessions.map(\.session) == [old.description] && past.clockDrift.isEmpty)
    }

    @Test func accessCountsThePeriodsRefusalsAndTheGrantsAboutToExpireOrUnused() throws {
        let fixture = try F()
        try fixture.seedPeople()
        let start = fixture.now
        let approvers = [F.root, F.bootstrap]
        let carols = try fixture.grant(
            .reviewer, to: "R1", scope: "NORTH", until: start.addingTimeInterval(200 * Self.day),
            requestedAs: F.caller("carol"),
            approvers: approvers)
        let erins = try fixture.grant(
            .auditor, to: "U1", until: start.addingTimeInterval(200 * Self.day), requestedAs: F.caller("erin"),
            approvers: approvers)
        // Carol reads the report on day 95 (her grant is used); Erin never uses hers.
        fixture.advance(by: 95 * Self.day)
        _ = try report(fixture, as: F.caller("carol"))
        fixture.advance(by: 5 * Self.day)
        // Day 100: Alice's and Bob's grants end in 10 and 5 days.
        let alices = try fixture.grant(
            .officer, to: "P1", until: fixture.now.addingTimeInterval(10 * Self.day), requestedAs: F.caller("alice"),
            approvers: approvers)
        let bobs = try fixture.grant(
            .officer, to: "P2", until: fixture.now.addingTimeInterval(5 * Self.day), requestedAs: F.caller("bob"),
            approvers: approvers)
        // Refusals (the audit log writes them at the real time): Alice once, Bob twice, and three
        // connections of a uid the socket would not serve, in one entry.
        let realNow = Date()
        #expect(fixture.perform(.report, as: F.caller("alice")).error?.code == .forbidden)
        #expect(fixture.perform(.report, as: F.caller("bob")).error?.code == .forbidden)
        #expect(fixture.perform(.report, as: F.caller("bob")).error?.code == .forbidden)
        try fixture.operations.recordRefusedConnection(F.caller("mallory", uid: 4321), refusals: 3, since: realNow)
        // Bob's second refusal, within the minute of his first, was only counted: the daemon writes it
        // once the minute is over, or when it stops.
        try fixture.operations.recordOwedRefusals()
        let around = ControlArguments(
            from: Timestamps.rfc3339(realNow.addingTimeInterval(-60)),
            until: Timestamps.rfc3339(Date().addingTimeInterval(60)))

        let all = try report(fixture, as: F.root, around).access
        #expect(all.refusals == 6 && all.refusalsByPrincipal == ["P1": 1, "P2": 2, "uid:4321": 3])
        // Expiring within 14 days: Bob's (5 days), then Alice's (10); Carol's and Erin's have 100 left.
        #expect(all.expiringSoon.map(\.id) == [bobs, alices])
        #expect(all.expiringSoon.first?.validUntil == Timestamps.rfc3339(fixture.now.addingTimeInterval(5 * Self.day)))
        // Unused for 90 days: Erin's, in force 100 days and never used; Carol's was used on day 95;
        // Alice's and Bob's are new.
        #expect(
            all.unused.map(\.id) == [erins] && all.unused.first?.lastUsedAt == nil
                && all.unused.first?.role == "auditor")
        // Carol (NORTH): her units' people only — Alice's refusal, not Bob's nor the uid's; not Bob's grant.
        let north = try report(fixture, as: F.caller("carol"), around).access
        #expect(north.refusals == 1 && north.refusalsByPrincipal == ["P1": 1])
        #expect(north.expiringSoon.map(\.id) == [alices] && north.unused.map(\.id) == [erins])
        // A period before the refusals counts none.
        let before = ControlArguments(
            from: Timestamps.rfc3339(realNow.addingTimeInterval(-7200)),
            until: Timestamps.rfc3339(realNow.addingTimeInterval(-3600)))
        #expect(try report(fixture, as: F.root, before).access.refusals == 0)
        // 91 days after Carol last used hers (the report just above), it is unused too.
        fixture.advance(by: 91 * Self.day)
        #expect(try report(fixture).access.unused.map(\.id) == [carols, erins])
    }

    @Test func storageSumsTheStoredItemsTheirWeeksAndTheFreeSpace() throws {
        let fixture = try F()
        try fixture.seedPeople()
        try fixture.grant(
            .reviewer, to: "R1", scope: "NORTH", until: fixture.now.addingTimeInterval(100 * Self.day),
            requestedAs: F.caller("carol"), approvers: [F.root, F.bootstrap])
        // Each fixture item is 10 bytes of content in a 90-byte object. Day 0: a (Alice) and b (Bob);
        // day 8: c; day 16: d, deleted and shredded on day 31; day 31: e; the report on day 32.
        try fixture.item(officer: "P1", seed: 1)
        try fixture.item(officer: "P2", seed: 2)
        fixture.advance(by: 8 * Self.day)
        try fixture.item(officer: "P1", seed: 3)
        fixture.advance(by: 8 * Self.day)
        let d = try fixture.item(officer: "P1", seed: 4)
        var request = ControlArguments(reason: "recorded by mistake")
        request.items = [d.description]
        request.notDue = true
        let deletion = try #require(try fixture.expectOK(.deletionRequest, request, as: F.bootstrap).deletion?.id)
        var approval = ControlArguments()
        approval.deletion = deletion
        try fixture.expectOK(.deletionApprove, approval, as: Self.second)
        fixture.advance(by: 15 * Self.day)
        let shredded = try fixture.catalog.shred(try fixture.catalog.itemsToShred(at: fixture.now), at: fixture.now) {
            item, request in [.itemShredded(item, request: request)]
        }
        #expect(shredded.map(\.id) == [d])
        try fixture.item(officer: "P1", seed: 5)
        fixture.advance(by: Self.day)

        let all = try report(fixture).storage
        #expect(all.items == 4 && all.bytes == 40 && all.ciphertextBytes == 360)
        // Weeks back from day 32: [25, 32) e; [18, 25) none; [11, 18) d, shredded; [4, 11) c; [-3, 4) a, b.
        #expect(all.weeks.map(\.addedBytes) == [0, 0, 0, 180, 90, 0, 0, 90])
        #expect(all.weeks.map(\.storedBytes) == [0, 0, 0, 180, 270, 270, 270, 360])
        #expect(all.weeks.last?.from == Timestamps.rfc3339(fixture.now.addingTimeInterval(-7 * Self.day)))
        // The last 4 weeks added 90 + 0 + 0 + 90: 45 bytes a week.
        #expect(all.weeklyRateBytes == 45)
        let free = try #require(all.freeBytes)
        #expect(free > 0 && all.filesystemBytes.map { $0 >= free } == true)
        #expect(all.daysUntilFull == Double(free) / 45 * 7)
        // Carol (NORTH): Alice's a, c, e.
        let north = try report(fixture, as: F.caller("carol")).storage
        #expect(
            north.items == 3 && north.ciphertextBytes == 270
                && north.weeks.map(\.addedBytes) == [0, 0, 0, 90, 90, 0, 0, 90])
        #expect(north.weeklyRateBytes == 45)
    }
}
