import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Operations
import Testing

/// `RefusalLog` and the refusals it coalesces (DESIGN §15): per who and what, the first refusal is
/// written at once with its reason, the rest of the minute only counted, and every count reaches the
/// chain — in the next entry of its key, or when the daemon stops.
@Suite struct RefusalLogTests {
    typealias F = OperationsFixture

    let start = Date(timeIntervalSince1970: 1_000_000)
    let mallory = RefusalLog.Key(who: "account:mallory", what: "access.denied list listItems -")
    let eve = RefusalLog.Key(who: "account:eve", what: "access.denied list listItems -")
    let event = AuditEvent(action: .accessDenied, detail: ["reason": "not registered"])
    let actor = AuditActor(uid: 666, name: "mallory")

    func count(_ decision: RefusalLog.Decision) -> Int? {
        guard case .record(let refusals, _) = decision else { return nil }
        return refusals
    }

    @Test func theFirstRefusalIsRecordedAndTheRestOfTheIntervalCounted() {
        let log = RefusalLog(interval: 60)
        func refuse(_ key: RefusalLog.Key, at offset: TimeInterval) -> RefusalLog.Decision {
            log.refused(key, at: start + offset, event: event, actor: actor)
        }
        #expect(count(refuse(mallory, at: 0)) == 1)
        for second in 0..<1000 { #expect(refuse(mallory, at: Double(second) / 20) == .counted) }
        // Another key has its own window.
        #expect(count(refuse(eve, at: 1)) == 1)
        // The next entry carries the refusals counted since, this one included, and since when.
        #expect(refuse(mallory, at: 60) == .record(refusals: 1001, since: start))
        #expect(refuse(mallory, at: 61) == .counted)
        let owed = log.drain()
        #expect(owed.count == 1)
        #expect(owed.first?.refusals == 1)
        #expect(owed.first?.actor == actor)
        #expect(log.drain().isEmpty)
    }

    @Test func nothingIsOwedWhenEveryRefusalWasRecorded() {
        let log = RefusalLog(interval: 60)
        #expect(count(log.refused(mallory, at: start, event: event, actor: actor)) == 1)
        #expect(count(log.refused(mallory, at: start + 61, event: event, actor: actor)) == 1)
        #expect(log.drain().isEmpty)
    }

    @Test func countsWhoseMinuteIsOverAreOwedThoughNoRefusalFollows() {
        let log = RefusalLog(interval: 60)
        #expect(count(log.refused(mallory, at: start, event: event, actor: actor)) == 1)
        for _ in 0..<5 { #expect(log.refused(mallory, at: start + 1, event: event, actor: actor) == .counted) }
        #expect(count(log.refused(eve, at: start + 30, event: event, actor: actor)) == 1)
        #expect(log.refused(eve, at: start + 31, event: event, actor: actor) == .counted)
        #expect(log.drain(dueAt: start + 59).isEmpty, "not before the minute is over")
        let due = log.drain(dueAt: start + 60)
        #expect(due.map(\.refusals) == [5], "mallory's minute is over, eve's is not")
        // Written at +60: the key's next entry is a minute later, still at most one a minute.
        #expect(log.refused(mallory, at: start + 61, event: event, actor: actor) == .counted)
        #expect(log.drain().map(\.refusals).sorted() == [1, 1])
    }

    @Test func refusalsWhoseEntryCouldNotBeWrittenAreOwedNotLost() {
        let log = RefusalLog(interval: 60)
        #expect(count(log.refused(mallory, at: start, event: event, actor: actor)) == 1)
        log.owe(mallory, refusals: 1, since: start, event: event, actor: actor)
        #expect(log.refused(mallory, at: start + 1, event: event, actor: actor) == .counted)
        #expect(log.drain().first?.refusals == 2)
    }

    // MARK: - Through the operations

    /// The sum of `refusals` over `entries`, and every entry has one.
    func refusals(_ entries: [AuditEntry]) throws -> Int {
        try entries.reduce(0) { total, entry in
            let detail = try #require(
                try JSONSerialization.jsonObject(with: Data(entry.detail.utf8)) as? [String: String])
            return total + (Int(try #require(detail["refusals"])) ?? 0)
        }
    }

    @Test func aFloodOfDeniedRequestsWritesOneEntryAMinuteAndCountsEveryOne() throws {
        let fixture = try F()
        let stranger = F.caller("mallory")
        for _ in 0..<1000 { #expect(fixture.perform(.list, as: stranger).error?.code == .forbidden) }
        var denied = try fixture.audited(.accessDenied)
        #expect(denied.count == 1)
        #expect(
            denied.first?.detail.contains("not registered") == true, "the first denial's reason is on record at once")
        #expect(denied.first?.detail.contains(#""refusals":"1""#) == true)
        fixture.advance(by: 60)
        #expect(fixture.perform(.list, as: stranger).error?.code == .forbidden)
        for _ in 0..<7 { fixture.perform(.list, as: stranger) }
        denied = try fixture.audited(.accessDenied)
        #expect(denied.count == 2)
        #expect(denied.last?.detail.contains(#""refusals":"1000""#) == true)
        // The 7 only counted are written once their minute is over (the daemon asks every minute)…
        try fixture.operations.recordOwedRefusals(dueOnly: true)
        #expect(try fixture.audited(.accessDenied).count == 2)
        fixture.advance(by: 60)
        try fixture.operations.recordOwedRefusals(dueOnly: true)
        denied = try fixture.audited(.accessDenied)
        #expect(denied.count == 3)
        #expect(try refusals(denied) == 1008)
        // … or when it stops; nothing is left then.
        try fixture.operations.recordOwedRefusals()
        #expect(try fixture.audited(.accessDenied).count == 3)
    }

    @Test func unreadableAndFailingRequestsAreCoalescedLikeDenials() throws {
        let fixture = try F()
        let stranger = F.caller("mallory")
        for _ in 0..<500 {
            try fixture.operations.recordUnreadable(
                ControlError(code: .badRequest, message: "unknown request 'nope'"), by: stranger)
            // A missing item, as root: served as far as the policy goes, then failed.
            #expect(fixture.operations.perform(.show("00000000"), by: F.root).error?.code == .notFound)
        }
        #expect(try fixture.audited(.controlRequest).count == 1)
        #expect(try fixture.audited(.requestFailed).count == 1)
        try fixture.operations.recordOwedRefusals()
        #expect(try refusals(try fixture.audited(.controlRequest)) == 500)
        #expect(try refusals(try fixture.audited(.requestFailed)) == 500)
    }

    @Test func refusedConnectionsAreCountedPerIdentityAndReason() throws {
        let fixture = try F()
        let stranger = F.caller("mallory")
        let reason = "control.max_connections_per_caller"
        guard case .record(let first, let since) = fixture.operations.countRefusedConnection(stranger, reason: reason)
        else {
            Issue.record("the first refusal is due at once")
            return
        }
        try fixture.operations.recordRefusedConnection(stranger, reason: reason, refusals: first, since: since)
        for _ in 0..<99 { #expect(fixture.operations.countRefusedConnection(stranger, reason: reason) == .counted) }
        // Another reason is another key.
        #expect(fixture.operations.countRefusedConnection(stranger, reason: "not in an allowed group") != .counted)
        try fixture.operations.recordOwedRefusals()
        let refused = try fixture.audited(.controlRefused)
        #expect(refused.count == 2)
        #expect(try refusals(refused) == 100)
        #expect(refused.allSatisfy { $0.detail.contains(reason) })
    }
}
