import Catalog
import ControlProtocol
import Foundation

extension SupervisionFigures {
    /// Weeks of growth the report shows, and how many recent ones the rate is the mean of.
    static let storageWeeks = 8
    static let rateWeeks = 4

    /// The storage section at `now`: each week's additions and what was stored at its end (of the
    /// items stored now), oldest first; the recent weekly rate and the days until the free space is
    /// used at it.
    static func storage(_ facts: SupervisionStorageFacts, now: Date) -> SupervisionReportView.Storage {
        let week: TimeInterval = 7 * 86_400
        var weeks: [SupervisionReportView.Storage.Week] = []
        var storedAtEnd = facts.ciphertextBytes
        for (ago, added) in facts.addedByWeekAgo.enumerated() {
            let from = now.addingTimeInterval(-Double(ago + 1) * week)
            weeks.insert(.init(from: Timestamps.rfc3339(from), addedBytes: added, storedBytes: storedAtEnd), at: 0)
            storedAtEnd -= added
        }
        let recent = facts.addedByWeekAgo.prefix(rateWeeks)
        let rate = recent.isEmpty ? 0 : recent.reduce(0, +) / Int64(recent.count)
        return .init(
            items: facts.items, bytes: facts.bytes, ciphertextBytes: facts.ciphertextBytes, weeks: weeks,
            freeBytes: facts.freeBytes, filesystemBytes: facts.filesystemBytes, weeklyRateBytes: rate,
            daysUntilFull: rate > 0 ? facts.freeBytes.map { Double($0) / Double(rate) * 7 } : nil)
    }
}
