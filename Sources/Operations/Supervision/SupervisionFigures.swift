import Catalog
import ControlProtocol
import Foundation

/// The supervision report's figures from the items' facts (DESIGN §14). Pure: the catalog reads the
/// facts, this computes, so every figure is tested against hand-computed values.
public enum SupervisionFigures {
    /// An item ingested more than this long after it was recorded is late.
    static let lateAfter: TimeInterval = 24 * 3_600

    /// The report over `facts`, judged at `now`; `fixityFailures` are when the scope's stored items
    /// failed a fixity check, whatever their period; `integrity` brings the last pass and the chain head.
    public static func report(
        _ facts: [SupervisionItemFacts], from: Date, to: Date, now: Date, scope: String,
        fixityFailures: [Date], integrity: SupervisionReportView.Integrity
    ) -> SupervisionReportView {
        SupervisionReportView(
            from: Timestamps.rfc3339(from), to: Timestamps.rfc3339(to), generatedAt: Timestamps.rfc3339(now),
            scope: scope, items: facts.count, timeliness: timeliness(facts), review: review(facts, now: now),
            categorisation: categorisation(facts, now: now),
            integrity: .init(
                fixityFailures: fixityFailures.count,
                fixityFailuresInPeriod: fixityFailures.filter { $0 >= from && $0 < to }.count,
                lastFixityPass: integrity.lastFixityPass, auditHeadSeq: integrity.auditHeadSeq,
                auditHeadHash: integrity.auditHeadHash))
    }

    /// Recorded-at → ingested-at, overall, per officer and per unit, and the late items. One pass over
    /// the facts: a report has a million of them.
    static func timeliness(_ facts: [SupervisionItemFacts]) -> SupervisionReportView.Timeliness {
        let hour: TimeInterval = 3_600
        let edges: [(String, Range<TimeInterval>)] = [
            ("under 1h", -.infinity..<hour), ("1-6h", hour..<(6 * hour)), ("6-12h", (6 * hour)..<(12 * hour)),
            ("12-24h", (12 * hour)..<(24 * hour)), ("1-2d", (24 * hour)..<(48 * hour)),
            ("2-7d", (48 * hour)..<(168 * hour)), ("over 7d", (168 * hour)..<(.infinity)),
        ]
        var overall: [TimeInterval] = []
        overall.reserveCapacity(facts.count)
        var byOfficer: [String: [TimeInterval]] = [:]
        var byUnit: [String: [TimeInterval]] = [:]
        var late: [(delay: TimeInterval, fact: Int)] = []
        var histogram = [Int](repeating: 0, count: edges.count)
        for (index, fact) in facts.enumerated() {
            guard let recorded = fact.recordedAt else { continue }
            let delay = fact.ingestedAt.timeIntervalSince(recorded)
            overall.append(delay)
            byOfficer[fact.officer ?? "-", default: []].append(delay)
            byUnit[fact.unit ?? "-", default: []].append(delay)
            if delay > lateAfter { late.append((delay, index)) }
            if let bucket = edges.firstIndex(where: { $0.1.contains(delay) }) { histogram[bucket] += 1 }
        }
        var figures = SupervisionReportView.Timeliness(
            overall: delays(overall), byOfficer: byOfficer.mapValues(delays), byUnit: byUnit.mapValues(delays),
            lateCount: late.count, late: latest(late, of: facts), unmeasured: facts.count - overall.count)
        figures.histogram = zip(edges, histogram).map { edge, items in .init(age: edge.0, items: items) }
        return figures
    }

    /// The ids of the `count` latest of the `late` items, latest first, ties by id: only those at or
    /// above the `count`-th largest delay are sorted (half a catalog can be late).
    static func latest(
        _ late: [(delay: TimeInterval, fact: Int)], of facts: [SupervisionItemFacts], count: Int = 100
    ) -> [String] {
        var candidates = late
        if late.count > count {
            var delays = late.map(\.delay)
            let threshold = delays.selectElement(atSortedOffset: delays.count - count)
            candidates = late.filter { $0.delay >= threshold }
        }
        candidates.sort { $0.delay != $1.delay ? $0.delay > $1.delay : facts[$0.fact].id < facts[$1.fact].id }
        return candidates.prefix(count).map { facts[$0.fact].id }
    }

    /// Median, 90th percentile (nearest rank: the smallest delay at least that share of items do not
    /// exceed) and the share within 24 hours, of `seconds`.
    static func delays(_ seconds: [TimeInterval]) -> SupervisionReportView.Delays {
        guard !seconds.isEmpty else { return .init(items: 0, medianHours: nil, p90Hours: nil, within24hShare: nil) }
        // Selected, not sorted: two ranks of a million delays.
        var values = seconds
        func rank(_ share: Double) -> Double {
            values.selectElement(atSortedOffset: max(0, Int((share * Double(values.count)).rounded(.up)) - 1)) / 3_600
        }
        let within = seconds.reduce(0) { $0 + ($1 <= lateAfter ? 1 : 0) }
        return .init(
            items: seconds.count, medianHours: rank(0.5), p90Hours: rank(0.9),
            within24hShare: Double(within) / Double(seconds.count))
    }

    /// The backlog by age since ingest, the reviewed share, outcomes, items never viewed.
    static func review(_ facts: [SupervisionItemFacts], now: Date) -> SupervisionReportView.Review {
        let day: TimeInterval = 86_400
        let bounds: [(String, ClosedRange<TimeInterval>)] = [
            ("under 1d", -.infinity...day.nextDown), ("1-7d", day...(7 * day).nextDown),
            ("7-30d", (7 * day)...(30 * day).nextDown), ("over 30d", (30 * day)...(.infinity)),
        ]
        var (pending, reviewed, neverViewed) = (0, 0, 0)
        var backlog = [Int](repeating: 0, count: bounds.count)
        var outcomes: [String: Int] = [:]
        for fact in facts {
            if fact.reviewState == "pending" {
                pending += 1
                let age = now.timeIntervalSince(fact.ingestedAt)
                if let bucket = bounds.firstIndex(where: { $0.1.contains(age) }) { backlog[bucket] += 1 }
            } else if fact.reviewState == "reviewed" {
                reviewed += 1
            }
            if let outcome = fact.outcome { outcomes[outcome, default: 0] += 1 }
            if !fact.viewed { neverViewed += 1 }
        }
        let judged = pending + reviewed
        return .init(
            pending: pending, reviewed: reviewed, reviewedShare: judged == 0 ? nil : Double(reviewed) / Double(judged),
            backlogByAge: zip(bounds, backlog).map { bound, items in .init(age: bound.0, items: items) },
            outcomes: outcomes, neverViewed: neverViewed)
    }

    /// Uncategorised items and the oldest one's age; items per category.
    static func categorisation(_ facts: [SupervisionItemFacts], now: Date) -> SupervisionReportView.Categorisation {
        var uncategorized = 0
        var oldest: Date?
        var used: [String: Int] = [:]
        for fact in facts {
            if fact.categories.isEmpty {
                uncategorized += 1
                oldest = min(oldest ?? fact.ingestedAt, fact.ingestedAt)
            }
            for category in fact.categories { used[category, default: 0] += 1 }
        }
        return .init(
            uncategorized: uncategorized, oldestUncategorizedDays: oldest.map { now.timeIntervalSince($0) / 86_400 },
            categories: used)
    }
}
