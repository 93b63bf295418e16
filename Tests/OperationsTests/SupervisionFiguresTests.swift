import Catalog
import ControlProtocol
import CustodyCore
import Foundation
import Testing

@testable import Operations

/// The report's figures from six items whose times, officers and review states are chosen so every
/// figure can be computed by hand (the comments), section by section (DESIGN §14).
@Suite struct SupervisionFiguresTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let hour: TimeInterval = 3_600
    let day: TimeInterval = 86_400

    /// An item ingested `age` before now, recorded `delay` hours before its ingest (nil: no clock).
    func item(
        _ id: String, _ officer: String?, _ unit: String?, delay: Double?, age: TimeInterval, state: String?,
        outcome: String? = nil, categories: [String] = [], viewed: Bool
    ) -> SupervisionItemFacts {
        let ingested = now.addingTimeInterval(-age)
        return SupervisionItemFacts(
            id: id, officer: officer, unit: unit, recordedAt: delay.map { ingested.addingTimeInterval(-$0 * hour) },
            ingestedAt: ingested, reviewState: state, outcome: outcome, categories: categories, viewed: viewed)
    }

    var facts: [SupervisionItemFacts] {
        [
            item("a", "P1", "NORTH", delay: 2, age: 0.5 * day, state: "pending", viewed: true),
            item(
                "b", "P1", "NORTH", delay: 10, age: 3 * day, state: "reviewed", outcome: "ok",
                categories: ["traffic-stop"], viewed: true),
            item("c", "P1", "NORTH", delay: 30, age: 10 * day, state: "pending", viewed: false),
            item(
                "d", "P2", "SOUTH", delay: 50, age: 40 * day, state: "reviewed", outcome: "non_compliant",
                categories: ["traffic-stop", "use-of-force"], viewed: false),
            item("e", "P2", "SOUTH", delay: nil, age: 1 * day, state: "pending", viewed: false),
            item("f", nil, nil, delay: 20, age: 2 * hour, state: nil, viewed: true),
        ]
    }

    var report: SupervisionReportView {
        SupervisionFigures.report(
            facts, from: now.addingTimeInterval(-60 * day), to: now, now: now, scope: "all",
            // Found 70 days ago (before the period), 5 days ago, and 1 hour ago.
            fixityFailures: [
                now.addingTimeInterval(-70 * day), now.addingTimeInterval(-5 * day), now.addingTimeInterval(-hour),
            ],
            integrity: .init(
                fixityFailures: 0, lastFixityPass: "2027-01-15T08:00:00.000Z", auditHeadSeq: 42, auditHeadHash: "ab"))
    }

    @Test func timelinessIsTheNearestRankMedianP90AndShareWithin24Hours() {
        let timeliness = report.timeliness
        // Delays measured: 2, 10, 20, 30, 50 h (e has no recorded time). Median: rank ceil(2.5) = 3rd = 20;
        // p90: rank ceil(4.5) = 5th = 50; within 24 h: 2, 10, 20 = 3 of 5.
        #expect(timeliness.overall == .init(items: 5, medianHours: 20, p90Hours: 50, within24hShare: 0.6))
        // P1: 2, 10, 30: median rank 2 = 10, p90 rank ceil(2.7) = 3 = 30, 2 of 3 within a day.
        #expect(timeliness.byOfficer["P1"] == .init(items: 3, medianHours: 10, p90Hours: 30, within24hShare: 2.0 / 3))
        #expect(timeliness.byOfficer["P2"] == .init(items: 1, medianHours: 50, p90Hours: 50, within24hShare: 0))
        #expect(timeliness.byOfficer["-"] == .init(items: 1, medianHours: 20, p90Hours: 20, within24hShare: 1))
        #expect(timeliness.byUnit["NORTH"] == timeliness.byOfficer["P1"])
        #expect(timeliness.byUnit["SOUTH"] == timeliness.byOfficer["P2"])
        #expect(timeliness.byUnit.count == 3 && timeliness.byOfficer.count == 3)
        // Late: c (30 h) and d (50 h), latest first.
        #expect(timeliness.lateCount == 2 && timeliness.late == ["d", "c"])
        #expect(timeliness.unmeasured == 1)
        // The histogram: 2 h, 10 h, 20 h, 30 h, 50 h in the 1-6 h, 6-12 h, 12-24 h, 1-2 d and 2-7 d bars.
        #expect(timeliness.histogram.map(\.age) == ["under 1h", "1-6h", "6-12h", "12-24h", "1-2d", "2-7d", "over 7d"])
        #expect(timeliness.histogram.map(\.items) == [0, 1, 1, 1, 1, 1, 0])
    }

    @Test func reviewCountsTheBacklogByAgeTheReviewedShareOutcomesAndItemsNeverViewed() {
        let review = report.review
        // Pending a (half a day), c (10 days), e (exactly one day: the 1-7 day bucket); reviewed b, d.
        #expect(review.pending == 3 && review.reviewed == 2)
        #expect(review.reviewedShare == 0.4)
        #expect(review.backlogByAge.map(\.age) == ["under 1d", "1-7d", "7-30d", "over 30d"])
        #expect(review.backlogByAge.map(\.items) == [1, 1, 1, 0])
        #expect(review.outcomes == ["ok": 1, "non_compliant": 1])
        #expect(review.neverViewed == 3)  // c, d, e
    }

    @Test func categorisationCountsTheUncategorisedTheOldestOnesAgeAndTheCategoriesUsed() {
        let categorisation = report.categorisation
        // Uncategorised: a, c, e, f; the oldest is c, ingested 10 days ago.
        #expect(categorisation.uncategorized == 4)
        #expect(categorisation.oldestUncategorizedDays == 10)
        #expect(categorisation.categories == ["traffic-stop": 2, "use-of-force": 1])
    }

    @Test func integrityCountsEveryOpenFixityFailureAndThoseOfThePeriodAndCarriesTheChainHead() {
        #expect(
            report.integrity
                == .init(
                    fixityFailures: 3, fixityFailuresInPeriod: 2, lastFixityPass: "2027-01-15T08:00:00.000Z",
                    auditHeadSeq: 42, auditHeadHash: "ab"))
        #expect(report.items == 6)
    }

    @Test func noItemsGiveNoFiguresRatherThanZeros() {
        let empty = SupervisionFigures.report(
            [], from: now.addingTimeInterval(-day), to: now, now: now, scope: "all", fixityFailures: [],
            integrity: .init(fixityFailures: 0, lastFixityPass: nil, auditHeadSeq: nil, auditHeadHash: nil))
        #expect(empty.timeliness.overall == .init(items: 0, medianHours: nil, p90Hours: nil, within24hShare: nil))
        #expect(empty.review.reviewedShare == nil && empty.categorisation.oldestUncategorizedDays == nil)
    }
}

/// The sections about what stands now, from facts chosen so each figure is counted by hand.
@Suite struct SupervisionSectionFiguresTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let hour: TimeInterval = 3_600
    let day: TimeInterval = 86_400

    @Test func retentionCountsTheTrashEndingWithin72HoursAnd30DaysOverdueIncluded() {
        let facts = SupervisionRetentionFacts(
            due: 4,
            // Overdue by an hour, in 71 h, exactly 72 h (not within), 29 days, 31 days.
            purgeAfter: [-hour, 71 * hour, 72 * hour, 29 * day, 31 * day].map(now.addingTimeInterval),
            holds: [.init(id: 7, matter: "b", items: 2), .init(id: 3, matter: "a", items: 1)], heldItems: 3)
        let retention = SupervisionFigures.retention(facts, now: now)
        #expect(retention.due == 4 && retention.deletionsNext72h == 2 && retention.deletionsNext30d == 4)
        #expect(retention.holdsActive == 2 && retention.heldItems == 3)
        #expect(retention.holds == [.init(id: 3, matter: "a", items: 1), .init(id: 7, matter: "b", items: 2)])
    }

    @Test func clockDriftIsJudgedAsTheDockJudgesItThreeSecondsADayAndOneMore() {
        func dock(_ session: String, offset: Double, setDaysBefore: Double?) -> SupervisionDeviceFacts.Dock {
            let started = now.addingTimeInterval(-hour)
            return .init(
                session: session, serial: "SN", bay: nil, startedAt: started, offsetSeconds: offset,
                lastSetAt: setDaysBefore.map { started.addingTimeInterval(-$0 * day) }, finishedAt: nil, outcome: nil,
                verified: nil, failed: nil)
        }
        // Never set: one day, 4 s allowed. Set 2.5 days before: 3 whole days, 10 s allowed.
        let facts = SupervisionDeviceFacts(
            devices: [],
            docks: [
                dock("a", offset: 4, setDaysBefore: nil), dock("b", offset: -4.5, setDaysBefore: nil),
                dock("c", offset: 10, setDaysBefore: 2.5), dock("d", offset: 12, setDaysBefore: 2.5),
            ])
        let drift = SupervisionFigures.devices(facts, from: now.addingTimeInterval(-day), to: now, now: now).clockDrift
        #expect(drift.map(\.session) == ["b", "d"])
        #expect(drift.map(\.secondsPerDay) == [4.5, 4] && drift.map(\.days) == [1, 3])
    }

    @Test func storageStacksTheWeeksBackFromWhatIsStoredAndProjectsTheRecentRate() {
        // Stored now 1,000; the weeks back from now added 100, 300, 0, 200, 400 (oldest last).
        let facts = SupervisionStorageFacts(
            items: 7, bytes: 900, ciphertextBytes: 1_000, addedByWeekAgo: [100, 300, 0, 200, 400], freeBytes: 1_200,
            filesystemBytes: 5_000)
        let storage = SupervisionFigures.storage(facts, now: now)
        #expect(storage.weeks.map(\.addedBytes) == [400, 200, 0, 300, 100])
        #expect(storage.weeks.map(\.storedBytes) == [400, 600, 600, 900, 1_000])
        #expect(storage.weeks.first?.from == Timestamps.rfc3339(now.addingTimeInterval(-5 * 7 * day)))
        // The last four weeks: (100 + 300 + 0 + 200) / 4 = 150 a week; 1,200 free lasts 8 weeks.
        #expect(storage.weeklyRateBytes == 150 && storage.daysUntilFull == 56)
        let idle = SupervisionFigures.storage(
            .init(items: 0, bytes: 0, ciphertextBytes: 0, addedByWeekAgo: [0, 0], freeBytes: 10, filesystemBytes: 20),
            now: now)
        #expect(idle.weeklyRateBytes == 0 && idle.daysUntilFull == nil)
    }
}
