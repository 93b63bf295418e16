import Catalog
import ControlProtocol
import Foundation

extension SupervisionFigures {
    /// Deletions scheduled within these windows of the report's time are counted.
    static let soon: TimeInterval = 72 * 3_600
    static let month: TimeInterval = 30 * 86_400

    /// The retention section, at `now`: an overdue shred (its grace ended, the shred not yet run)
    /// counts in both windows, since the next pass takes it.
    static func retention(_ facts: SupervisionRetentionFacts, now: Date) -> SupervisionReportView.Retention {
        .init(
            due: facts.due, deletionsNext72h: facts.purgeAfter.filter { $0 < now.addingTimeInterval(soon) }.count,
            deletionsNext30d: facts.purgeAfter.filter { $0 < now.addingTimeInterval(month) }.count,
            holdsActive: facts.holds.count, heldItems: facts.heldItems,
            holds: facts.holds.sorted { $0.id < $1.id }.map { .init(id: $0.id, matter: $0.matter, items: $0.items) })
    }
}
