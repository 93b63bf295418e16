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

    /// Recorded-at → ingested-at, overall, per officer and per unit, and the late items.
    static func timeliness(_ facts: [SupervisionItemFacts]) -> SupervisionReportView.Timeliness {
        let measured = facts.compactMap { fact in fact.recordedAt.map { (fact, fact.ingestedAt.timeIntervalSince($0)) }
        }
        let byOfficer = Dictionary(grouping: measured) { $0.0.officer ?? "-" }.mapValues { delays($0.map(\.1)) }
        let byUnit = Dictionary(grouping: measured) { $0.0.unit ?? "-" }.mapValues { delays($0.map(\.1)) }
        let late = measured.filter { $0.1 > lateAfter }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.id < $1.0.id }
        var figures = SupervisionReportView.Timeliness(
            overall: delays(measured.map(\.1)), byOfficer: byOfficer, byUnit: byUnit, lateCount: late.count,
            late: late.prefix(100).map(\.0.id), unmeasured: facts.count - measured.count)
        let hour: TimeInterval = 3_600
        let edges: [(String, Range<TimeInterval>)] = [
            ("under 1h", -.infinity..<hour), ("1-6h", hour..<(6 * hour)), ("6-12h", (6 * hour)..<(12 * hour)),
            ("12-24h", (12 * hour)..<(24 * hour)), ("1-2d", (24 * hour)..<(48 * hour)),
            ("2-7d", (48 * hour)..<(168 * hour)), ("over 7d", (168 * hour)..<(.infinity)),
        ]
        figures.histogram = edges.map { label, range in
            .init(age: label, items: measured.filter { range.contains($0.1) }.count)
        }
        return figures
    }

    /// Median, 90th percentile (nearest rank: the smallest delay at least that share of items do not
    /// exceed) and the share within 24 hours, of `seconds`.
    static func delays(_ seconds: [TimeInterval]) -> SupervisionReportView.Delays {
        guard !seconds.isEmpty else { return .init(items: 0, medianHours: nil, p90Hours: nil, within24hShare: nil) }
        let sorted = seconds.sorted()
        func rank(_ share: Double) -> Double {
            sorted[max(0, Int((share * Double(sorted.count)).rounded(.up)) - 1)] / 3_600
        }
        let within = sorted.filter { $0 <= lateAfter }.count
        return .init(
            items: sorted.count, medianHours: rank(0.5), p90Hours: rank(0.9),
            within24hShare: Double(within) / Double(sorted.count))
    }

    /// The backlog by age since ingest, the reviewed share, outcomes, items never viewed.
    static func review(_ facts: [SupervisionItemFacts], now: Date) -> SupervisionReportView.Review {
        let pending = facts.filter { $0.reviewState == "pending" }
        let reviewed = facts.filter { $0.reviewState == "reviewed" }.count
        let day: TimeInterval = 86_400
        let bounds: [(String, ClosedRange<TimeInterval>)] = [
            ("under 1d", -.infinity...day.nextDown), ("1-7d", day...(7 * day).nextDown),
            ("7-30d", (7 * day)...(30 * day).nextDown), ("over 30d", (30 * day)...(.infinity)),
        ]
        let buckets = bounds.map { label, range in
            SupervisionReportView.AgeBucket(
                age: label, items: pending.filter { range.contains(now.timeIntervalSince($0.ingestedAt)) }.count)
        }
        let judged = pending.count + reviewed
        return .init(
            pending: pending.count, reviewed: reviewed,
            reviewedShare: judged == 0 ? nil : Double(reviewed) / Double(judged), backlogByAge: buckets,
            outcomes: Dictionary(grouping: facts.compactMap(\.outcome)) { $0 }.mapValues(\.count),
            neverViewed: facts.filter { !$0.viewed }.count)
    }

    /// Uncategorised items and the oldest one's age; items per category.
    static func categorisation(_ facts: [SupervisionItemFacts], now: Date) -> SupervisionReportView.Categorisation {
        let uncategorized = facts.filter(\.categories.isEmpty)
        var used: [String: Int] = [:]
        for fact in facts { for category in fact.categories { used[category, default: 0] += 1 } }
        return .init(
            uncategorized: uncategorized.count,
            oldestUncategorizedDays: uncategorized.map(\.ingestedAt).min().map { now.timeIntervalSince($0) / 86_400 },
            categories: used)
    }
}
