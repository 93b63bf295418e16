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
            ["device", "last docked", "days"],
            devices.notDocked.map { [$0.serial, $0.lastDockedAt.map(time.text) ?? "never", number($0.days)] })
        html += table(
            ["device", "docked", "offset s", "days", "s a day"],
            devices.clockDrift.map {
                [
                    $0.serial, time.text($0.dockedAt), number($0.offsetSeconds), number($0.days),
                    number($0.secondsPerDay),
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
            <p>Refusals in the period \(figure("access.refusals", "\(access.refusals)"))\(access.refusalsByPrincipal.isEmpty ? "" : ": ")\(
                escape(access.refusalsByPrincipal.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))).
            Grants expiring within 14 days: \(access.expiringSoon.count); unused for 90 days: \(access.unused.count).</p>
            """ + table(headings, access.expiringSoon.map(grantRow), caption: "Expiring within 14 days")
                + table(headings, access.unused.map(grantRow), caption: "Unused for 90 days")
    }

    static func storage(_ storage: SupervisionReportView.Storage, time: TimeDisplay) -> String {
        var html = """
            <h2>Storage (now)</h2>
            <p>\(figure("storage.items", "\(storage.items)")) items: \(figure("storage.bytes", "\(storage.bytes)")) bytes of
            content (\(escape(bytes(storage.bytes)))), \(figure("storage.ciphertext_bytes", "\(storage.ciphertextBytes)"))
            bytes on disk (\(escape(bytes(storage.ciphertextBytes)))).
            """
        if let free = storage.freeBytes {
            html += " Free: \(figure("storage.free_bytes", "\(free)")) bytes (\(escape(bytes(free))))"
            if let size = storage.filesystemBytes {
                html += " of \(figure("storage.filesystem_bytes", "\(size)")) (\(escape(bytes(size))))"
            }
            html += "."
        }
        html += """
             Growth: \(figure("storage.weekly_rate_bytes", "\(storage.weeklyRateBytes)")) bytes a week, the mean of the last 4 weeks
            """
        if let days = storage.daysUntilFull {
            html += "; full in \(figure("storage.days_until_full", number(days))) days at that rate"
        }
        html += ".</p>\n"
        // The week's start as month and day: the bars are weeks, their dates the table's.
        let bars = storage.weeks.map {
            (label: String(time.text($0.from).dropFirst(5).prefix(5)), value: $0.storedBytes)
        }
        html += chart(id: "chart-storage", title: "Stored bytes at the end of each week", bars: bars, text: bytes)
        html += table(
            ["week from", "added", "stored at its end"],
            storage.weeks.map { [time.text($0.from), bytes($0.addedBytes), bytes($0.storedBytes)] })
        return html
    }

    /// `bytes` for people, in binary units with one decimal (`1.5 GiB`).
    static func bytes(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f ", value) + units[unit]
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
