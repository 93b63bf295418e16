import ControlProtocol
import Foundation

/// The report page's sections about what stands now: retention, devices, access, storage.
extension ReportHTML {
    static func retention(_ retention: SupervisionReportView.Retention) -> String {
        var html = """
            <h2>Retention (now)</h2>
            <p>Due \(figure("retention.due", "\(retention.due)")); leaving the trash within 72 h
            \(figure("retention.deletions_next_72h", "\(retention.deletionsNext72h)")), within 30 days
            \(figure("retention.deletions_next_30d", "\(retention.deletionsNext30d)")). Holds active
            \(figure("retention.holds_active", "\(retention.holdsActive)")), items held
            \(figure("retention.held_items", "\(retention.heldItems)")).</p>
            """
        if !retention.holds.isEmpty {
            html += "\n<table><tr><th>hold</th><th>matter</th><th>items</th></tr>\n"
            for hold in retention.holds {
                html += "<tr><td>#\(hold.id)</td><td>\(escape(hold.matter))</td><td>\(hold.items)</td></tr>\n"
            }
            html += "</table>"
        }
        return html
    }
}
