import Foundation
import Testing

@testable import Retention

/// The retention rules over every combination the issue names: several categories, permanent, holds,
/// clock sources, future and ancient recording times, the 24-hour floor, policy previews.
@Suite struct RetentionTests {
    static let ingested = date("2026-03-01T12:00:00Z")
    static let recorded = date("2026-02-28T08:00:00Z")
    static let day: TimeInterval = 86_400

    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func input(_ categories: [(String, RetentionPeriod)], recorded: Date? = recorded, holds: [Int64] = [])
        -> RetentionInput
    {
        RetentionInput(
            clock: RetentionClock(recordedAt: recorded, ingestedAt: ingested),
            categories: categories.map { RetentionInput.Category(name: $0.0, period: $0.1) },
            uncategorized: .uncategorizedDefault, holds: holds)
    }

    @Test(arguments: [
        ("90d", RetentionPeriod.days(90)), ("90 days", .days(90)), ("1 day", .days(1)), ("6m", .months(6)),
        ("6 months", .months(6)), ("10y", .years(10)), ("1 year", .years(1)), ("permanent", .permanent),
        (" Permanent ", .permanent),
    ])
    func periodsParse(text: String, period: RetentionPeriod) {
        #expect(RetentionPeriod(text) == period)
        #expect(RetentionPeriod(period.description) == period)
    }

    @Test(arguments: ["", "0d", "-5d", "90", "90w", "d", "forever", "1001y", "6 mon"])
    func malformedPeriodsAreRefused(text: String) {
        #expect(RetentionPeriod(text) == nil)
    }

    @Test func monthsFollowTheCalendar() {
        #expect(RetentionPeriod.months(1).end(from: Self.date("2026-01-31T00:00:00Z")) == Self.date("2026-02-28T00:00:00Z"))
        #expect(RetentionPeriod.years(1).end(from: Self.date("2024-02-29T00:00:00Z")) == Self.date("2025-02-28T00:00:00Z"))
        #expect(RetentionPeriod.days(2).end(from: Self.ingested) == Self.ingested.addingTimeInterval(2 * Self.day))
        #expect(RetentionPeriod.permanent.end(from: Self.ingested) == nil)
    }

    @Test func aPlausibleRecordedAtIsTheClock() {
        let clock = RetentionClock(recordedAt: Self.recorded, ingestedAt: Self.ingested)
        #expect(clock == RetentionClock(start: Self.recorded, source: .recordedAt, flag: nil))
    }

    @Test func withoutRecordedAtIngestedAtIsTheClock() {
        #expect(RetentionClock(recordedAt: nil, ingestedAt: Self.ingested)
            == RetentionClock(start: Self.ingested, source: .ingestedAt, flag: nil))
    }

    @Test(arguments: [
        date("2026-03-03T12:00:01Z"), date("2030-01-01T00:00:00Z"), date("2000-01-01T00:00:00Z"),
        date("1970-01-01T00:00:00Z"), date("2016-02-28T00:00:00Z"),
    ])
    func anImplausibleRecordedAtIsFlaggedAndIngestedAtCounts(recorded: Date) {
        let clock = RetentionClock(recordedAt: recorded, ingestedAt: Self.ingested)
        #expect(clock.source == .ingestedAt)
        #expect(clock.start == Self.ingested)
        #expect(clock.flag != nil)
    }

    @Test(arguments: [date("2026-03-02T11:00:00Z"), date("2016-03-03T00:00:00Z")])
    func aRecordedAtNearTheBoundsIsTrusted(recorded: Date) {
        let clock = RetentionClock(recordedAt: recorded, ingestedAt: Self.ingested)
        #expect(clock.source == .recordedAt)
        #expect(clock.flag == nil)
    }

    @Test func uncategorizedUsesTheSafeDefault() {
        let decision = Retention.evaluate(Self.input([]), previousDue: nil, at: Self.ingested)
        #expect(decision.category == "uncategorized")
        #expect(decision.dueAt == Self.date("2026-08-28T08:00:00Z"))
        #expect(decision.reason == "category uncategorized: 6 months from recorded-at")
    }

    @Test(arguments: [
        // (categories, winner, due)
        ([("traffic-stop", RetentionPeriod.days(90))], "traffic-stop", Optional(date("2026-05-29T08:00:00Z"))),
        ([("traffic-stop", .days(90)), ("interview", .years(2))], "interview", date("2028-02-28T08:00:00Z")),
        ([("interview", .years(2)), ("traffic-stop", .days(90))], "interview", date("2028-02-28T08:00:00Z")),
        ([("traffic-stop", .days(90)), ("use-of-force", .permanent)], "use-of-force", nil),
        ([("use-of-force", .permanent), ("traffic-stop", .days(90)), ("interview", .years(30))], "use-of-force", nil),
        // 6 months and 183 days: the calendar decides which is longer, here 183 days (28 Feb + 6 m = 28 Aug).
        ([("a", .months(6)), ("b", .days(183))], "b", date("2026-08-30T08:00:00Z")),
        // A tie is broken by name, so the answer never depends on the order categories were read in.
        ([("zulu", .days(30)), ("alpha", .days(30))], "alpha", date("2026-03-30T08:00:00Z")),
        ([("alpha", .days(30)), ("zulu", .days(30))], "alpha", date("2026-03-30T08:00:00Z")),
    ])
    func theLongestRetentionWins(categories: [(String, RetentionPeriod)], winner: String, due: Date?) {
        let decision = Retention.evaluate(Self.input(categories), previousDue: nil, at: Self.ingested)
        #expect(decision.category == winner)
        #expect(decision.dueAt == due)
    }

    @Test func categoriesReplaceUncategorizedEvenWhenShorter() {
        let decision = Retention.evaluate(Self.input([("brief", .days(30))]), previousDue: nil, at: Self.ingested)
        #expect(decision.category == "brief")
        #expect(decision.dueAt == Self.date("2026-03-30T08:00:00Z"))
    }

    @Test(arguments: [[] as [(String, RetentionPeriod)], [("traffic-stop", .days(90))], [("x", .permanent)]])
    func aHeldItemIsNeverDue(categories: [(String, RetentionPeriod)]) {
        let decision = Retention.evaluate(
            Self.input(categories, holds: [7, 3]), previousDue: Self.ingested, at: Self.ingested)
        #expect(decision.dueAt == nil)
        #expect(decision.holds == [3, 7])
        #expect(decision.reason.hasPrefix("held (hold #3, #7)"))
    }

    @Test func aFutureRecordingCountsFromIngest() {
        let decision = Retention.evaluate(
            Self.input([("traffic-stop", .days(90))], recorded: Self.date("2031-01-01T00:00:00Z")), previousDue: nil,
            at: Self.ingested)
        #expect(decision.clock.source == .ingestedAt)
        #expect(decision.dueAt == Self.ingested.addingTimeInterval(90 * Self.day))
        #expect(decision.reason.contains("from ingested-at"))
    }

    @Test func anAncientRecordingCountsFromIngestAndIsNotDueAtOnce() {
        let decision = Retention.evaluate(
            Self.input([], recorded: Self.date("1970-01-01T00:00:00Z")), previousDue: nil, at: Self.ingested)
        #expect(decision.clock.source == .ingestedAt)
        #expect(decision.dueAt == Self.date("2026-09-01T12:00:00Z"))
    }

    @Test func noChangeMakesAnItemDueWithinADay() {
        let now = Self.date("2026-06-01T00:00:00Z")
        // 30 days from 28 February is long past on 1 June: the change gives 24 hours' notice.
        let decision = Retention.evaluate(
            Self.input([("brief", .days(30))]), previousDue: Self.date("2026-08-28T08:00:00Z"), at: now)
        #expect(decision.dueAt == now.addingTimeInterval(Self.day))
        #expect(decision.floored)
        #expect(decision.reason.hasSuffix("pushed to 24 hours after the change that shortened it"))
        // The floor stays where it was when the same inputs are evaluated again later.
        let again = Retention.evaluate(
            Self.input([("brief", .days(30))]), previousDue: decision.dueAt, at: now.addingTimeInterval(3600))
        #expect(again.dueAt == decision.dueAt)
    }

    @Test func releasingAHoldGivesADaysNotice() {
        let now = Self.date("2027-01-01T00:00:00Z")
        let decision = Retention.evaluate(Self.input([("brief", .days(30))]), previousDue: nil, at: now)
        #expect(decision.dueAt == now.addingTimeInterval(Self.day))
    }

    @Test func anItemAlreadyDueSoonerStaysAsDue() {
        let now = Self.date("2026-06-01T00:00:00Z")
        let overdue = Self.date("2026-05-30T00:00:00Z")
        let decision = Retention.evaluate(Self.input([("brief", .days(30))]), previousDue: overdue, at: now)
        #expect(decision.dueAt == overdue)
    }

    @Test func aLongerRetentionIsNeverFloored() {
        let now = Self.date("2026-06-01T00:00:00Z")
        let decision = Retention.evaluate(
            Self.input([("interview", .years(2))]), previousDue: Self.date("2026-08-28T08:00:00Z"), at: now)
        #expect(decision.dueAt == Self.date("2028-02-28T08:00:00Z"))
        #expect(!decision.floored)
    }

    @Test func aPreviewListsWhatMovesSoonestFirst() {
        let now = Self.date("2026-04-01T00:00:00Z")
        let current = Self.date("2028-02-28T08:00:00Z")
        let items: [(id: Int, currentDue: Date?, inputAfter: RetentionInput)] = [
            (1, current, Self.input([("interview", .days(90))])),
            (2, current, Self.input([("interview", .days(30))])),
            (3, nil, Self.input([("interview", .days(30))], holds: [1])),
            (4, nil, Self.input([("interview", .days(91))])),
            (5, current, Self.input([("interview", .years(2))])),
        ]
        let preview = PolicyPreview(items, at: now)
        #expect(preview.examined == 5)
        #expect(preview.moves.map(\.id) == [2, 1, 4])
        #expect(preview.moves[0].after.dueAt == now.addingTimeInterval(Self.day))
        #expect(preview.sooner.map(\.id) == [2, 1, 4])
        #expect(preview.due(within: 7 * Self.day, of: now).map(\.id) == [2])
    }

    @Test func aPreviewOfALongerRetentionMakesNothingSooner() {
        let now = Self.date("2026-04-01T00:00:00Z")
        let items: [(id: Int, currentDue: Date?, inputAfter: RetentionInput)] = [
            (1, Self.date("2026-05-29T08:00:00Z"), Self.input([("traffic-stop", .years(1))]))
        ]
        let preview = PolicyPreview(items, at: now)
        #expect(preview.moves.count == 1)
        #expect(preview.sooner.isEmpty)
    }
}
