import ControlProtocol
import Foundation

/// The report page's sections about what stands now: retention, devices, access, storage.
extension ReportHTML {
    static func retention(_ retention: SupervisionReportView.Retention) -> String {
        let html = """
            <h2>Retention (now)</h2>
            <p>Due \(figure("retention.due", "\(retention.due)")); leaving the trash within 72 h
            \(figure("retention.deletions_next_72h", "\(retention.deletionsNext72h)")), within 30 days
            \(figure("retention.deletions_next_30d", "\(retention.deletionsNext30d)")). Holds active
            \(figure("retention.holds_active", "\(retention.holdsActive)")), items held
            \(figure("retention.held_items", "\(retention.heldItems)")).</p>
            """
        return html
            + table(["hold", "matter", "items"], retention.holds.map { ["#\($0.id)", $0.matter, "\($0.items)"] })
    }

    static func devices(_ devices: SupervisionReportView.Devices, time: TimeDisplay) -> String {
        var html = """
            <h2>Devices</h2>
            <p>Not docked for \(figure("devices.idle_days", "\(devices.idleDays)")) days: \(devices.notDocked.count);
            clock drift over 3 s a day: \(devices.clockDrift.count); in maintenance:
            \(devices.inMaintenance.isEmpty ? "none" : escape(devices.inMaintenance.joined(separator: ", "))).
            Dock sessions failed \(figure("devices.failed_sessions", "\(devices.failedSessions)")), partial
            \(figure("devices.partial_sessions", "\(devices.partialSessions)")).</p>
            """
        html += table(
            ["device", "last docked", "idle for"],
            devices.notDocked.map {
                [$0.serial, $0.lastDockedAt.map(time.text) ?? "never", ReportFormat.days($0.days)]
            })
        html += table(
            ["device", "docked", "offset", "over", "a day"],
            devices.clockDrift.map {
                [
                    $0.serial, time.text($0.dockedAt), ReportFormat.signedSeconds($0.offsetSeconds),
                    ReportFormat.days($0.days), ReportFormat.seconds($0.secondsPerDay),
                ]
            })
        html += table(
            ["finished", "device", "bay", "outcome", "verified", "failed"],
            devices.sessions.map {
                [
                    time.text($0.finishedAt), $0.serial ?? "-", $0.bay ?? "-", $0.outcome,
                    $0.verified.map(String.init) ?? "-",
                    $0.failed.map(String.init) ?? "-",
                ]
            })
        return html
    }

    static func access(_ access: SupervisionReportView.Access, time: TimeDisplay) -> String {
        let grantRow = { (grant: SupervisionReportView.Access.Grant) in
            [
                "#\(grant.id)", grant.person, grant.role, grant.scope ?? "-", time.text(grant.validUntil),
                grant.lastUsedAt.map(time.text) ?? "never",
            ]
        }
        let headings = ["grant", "person", "role", "scope", "valid until", "last used"]
        return """
            <h2>Access</h2>
            <p>Refusals in the period \(figure("access.refusals", "\(access.refusals)"))\(
                access.refusalsByPrincipal.isEmpty ? "" : ": " + escape(ReportFormat.counts(access.refusalsByPrincipal))).
            Grants expiring within 14 days: \(access.expiringSoon.count); unused for 90 days: \(access.unused.count).</p>
            """ + table(headings, access.expiringSoon.map(grantRow), caption: "Expiring within 14 days")
                + table(headings, access.unused.map(grantRow), caption: "Unused for 90 days")
    }

    static func storage(_ storage: SupervisionReportView.Storage, time: TimeDisplay) -> String {
        var html = """
            <h2>Storage (now)</h2>
            <p>\(figure("storage.items", "\(storage.items)")) items: \(size("storage.bytes", storage.bytes)) of
            content, \(size("storage.ciphertext_bytes", storage.ciphertextBytes)) on disk.
            """
        if let free = storage.freeBytes {
            html += " Free: \(size("storage.free_bytes", free))"
            if let total = storage.filesystemBytes { html += " of \(size("storage.filesystem_bytes", total))" }
            html += "."
        }
        html += """
             Growth: \(size("storage.weekly_rate_bytes", storage.weeklyRateBytes)) a week, the mean of the last 4 weeks
            """
        if let days = storage.daysUntilFull {
            html += "; full in \(figure("storage.days_until_full", days, ReportFormat.days(days))) at that rate"
        }
        html += ".</p>\n"
        // The week's start as month and day: the bars are weeks, their dates the table's.
        let bars = storage.weeks.map {
            (label: String(time.text($0.from).dropFirst(5).prefix(5)), value: $0.storedBytes)
        }
        html += chart(
            id: "chart-storage", title: "Stored bytes at the end of each week", bars: bars, text: ReportFormat.bytes)
        html += table(
            ["week from", "added", "stored at its end"],
            storage.weeks.map {
                [time.text($0.from), ReportFormat.bytes($0.addedBytes), ReportFormat.bytes($0.storedBytes)]
            })
        return html
    }

    /// A byte count shown in binary units, its exact count in `data-value`.
    static func size(_ path: String, _ bytes: Int64) -> String {
        "<span data-figure=\"\(escape(path))\" data-value=\"\(bytes)\">\(escape(ReportFormat.bytes(bytes)))</span>"
    }

    /// A table of `rows` under `headings`, every cell escaped; nothing when there are no rows.
    static func table(_ headings: [String], _ rows: [[String]], caption: String? = nil) -> String {
        guard !rows.isEmpty else { return "" }
        var html =
            "\n<table>" + (caption.map { "<caption>\(escape($0))</caption>" } ?? "") + "<tr>"
            + headings.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows { html += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
        return html + "</table>"
    }
}
