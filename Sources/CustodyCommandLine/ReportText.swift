import ControlProtocol
import Foundation

/// How `custody report` prints the supervision figures for people: one block per section.
public enum ReportText {
    /// The lines for `report`, times shown by `time`.
    public static func lines(_ report: SupervisionReportView, time: TimeDisplay = .chosen(utc: false)) -> [String] {
        var lines = [
            "Supervision report, \(time.text(report.from)) to \(time.text(report.to)); \(report.items) item\(report.items == 1 ? "" : "s"), scope \(report.scope)",
            "",
            "Upload timeliness (recorded -> ingested)",
            "  " + row("", ["items", "median h", "p90 h", "within 24 h"]),
            "  " + delays("all", report.timeliness.overall),
        ]
        for (officer, figures) in report.timeliness.byOfficer.sorted(by: { $0.key < $1.key }) {
            lines.append("  " + delays("officer \(officer)", figures))
        }
        for (unit, figures) in report.timeliness.byUnit.sorted(by: { $0.key < $1.key }) {
            lines.append("  " + delays("unit \(unit)", figures))
        }
        lines.append(
            "  late (over 24 h): \(report.timeliness.lateCount); without a recorded time: \(report.timeliness.unmeasured)"
        )
        for id in report.timeliness.late.prefix(20) { lines.append("    \(id)") }
        let review = report.review
        lines += [
            "",
            "Review",
            "  pending \(review.pending), reviewed \(review.reviewed) (\(ReportFormat.percent(review.reviewedShare)))",
            "  backlog by age: "
                + (review.backlogByAge.isEmpty
                    ? "none" : review.backlogByAge.map { "\($0.age) \($0.items)" }.joined(separator: ", ")),
            "  outcomes: " + ReportFormat.counts(review.outcomes),
            "  never viewed: \(review.neverViewed)",
            "",
            "Categorisation",
            "  uncategorized \(report.categorisation.uncategorized)"
                + (report.categorisation.oldestUncategorizedDays.map { ", oldest " + ReportFormat.days($0) } ?? ""),
            "  categories used: " + ReportFormat.counts(report.categorisation.categories),
            "",
            "Integrity",
            "  fixity failures \(report.integrity.fixityFailures) open, \(report.integrity.fixityFailuresInPeriod) found in the period; last fixity pass \(report.integrity.lastFixityPass.map(time.text) ?? "never")",
            "  audit head #\(report.integrity.auditHeadSeq.map(String.init) ?? "-") \(report.integrity.auditHeadHash ?? "")",
        ]
        lines += retention(report.retention)
        lines += devices(report.devices, time: time)
        lines += access(report.access, time: time)
        lines += storage(report.storage, time: time)
        return lines
    }

    static func storage(_ storage: SupervisionReportView.Storage, time: TimeDisplay) -> [String] {
        let bytes = ReportFormat.bytes
        var lines = [
            "",
            "Storage (now)",
            "  \(storage.items) item\(storage.items == 1 ? "" : "s"): \(bytes(storage.bytes)) of content, \(bytes(storage.ciphertextBytes)) on disk",
            "  free " + (storage.freeBytes.map(bytes) ?? "unknown")
                + (storage.filesystemBytes.map { " of \(bytes($0))" } ?? "")
                + "; \(bytes(storage.weeklyRateBytes)) a week (mean of the last 4 weeks)"
                + (storage.daysUntilFull.map { ", full in \(ReportFormat.days($0)) at that rate" } ?? ""),
            "  by week (added, then stored at its end):",
        ]
        for week in storage.weeks {
            lines.append("    from \(time.text(week.from))  +\(bytes(week.addedBytes))  \(bytes(week.storedBytes))")
        }
        return lines
    }

    static func access(_ access: SupervisionReportView.Access, time: TimeDisplay) -> [String] {
        func grant(_ grant: SupervisionReportView.Access.Grant) -> String {
            "    #\(grant.id) \(grant.person) \(grant.role)" + (grant.scope.map { " of \($0)" } ?? "")
                + " until \(time.text(grant.validUntil)), last used " + (grant.lastUsedAt.map(time.text) ?? "never")
        }
        return [
            "",
            "Access",
            "  refusals \(access.refusals)"
                + (access.refusalsByPrincipal.isEmpty ? "" : ": " + ReportFormat.counts(access.refusalsByPrincipal)),
            "  grants expiring within 14 days: \(access.expiringSoon.count)",
        ] + access.expiringSoon.map(grant) + ["  grants unused for 90 days: \(access.unused.count)"]
            + access.unused.map(grant)
    }

    static func devices(_ devices: SupervisionReportView.Devices, time: TimeDisplay) -> [String] {
        var lines = ["", "Devices", "  not docked for \(devices.idleDays) days: \(devices.notDocked.count)"]
        for idle in devices.notDocked {
            lines.append(
                "    \(idle.serial) "
                    + (idle.lastDockedAt.map {
                        "last docked \(time.text($0))" + (idle.days.map { " (\(ReportFormat.days($0)))" } ?? "")
                    }
                        ?? "never docked"))
        }
        lines.append("  clock drift over 3 s a day: \(devices.clockDrift.count)")
        for drift in devices.clockDrift {
            lines.append(
                "    \(drift.serial) " + String(format: "%+.0f s over %.0f day", drift.offsetSeconds, drift.days)
                    + (drift.days == 1 ? "" : "s") + String(format: " (%.1f s a day), docked ", drift.secondsPerDay)
                    + time.text(drift.dockedAt))
        }
        lines.append(
            "  in maintenance: "
                + (devices.inMaintenance.isEmpty ? "none" : devices.inMaintenance.joined(separator: ", ")))
        lines.append("  dock sessions failed \(devices.failedSessions), partial \(devices.partialSessions)")
        for session in devices.sessions {
            var line =
                "    \(time.text(session.finishedAt)) \(session.serial ?? "-") bay \(session.bay ?? "-") \(session.outcome)"
            if let verified = session.verified, let failed = session.failed {
                line += ", \(verified) verified, \(failed) failed"
            }
            lines.append(line)
        }
        return lines
    }

    static func retention(_ retention: SupervisionReportView.Retention) -> [String] {
        [
            "",
            "Retention (now)",
            "  due \(retention.due); leaving the trash within 72 h \(retention.deletionsNext72h), within 30 days \(retention.deletionsNext30d)",
            "  holds active \(retention.holdsActive), items held \(retention.heldItems)",
        ] + retention.holds.map { "    #\($0.id) \($0.matter): \($0.items) item\($0.items == 1 ? "" : "s")" }
    }

    static func delays(_ label: String, _ figures: SupervisionReportView.Delays) -> String {
        row(
            label,
            [
                "\(figures.items)", ReportFormat.hours(figures.medianHours), ReportFormat.hours(figures.p90Hours),
                ReportFormat.percent(figures.within24hShare),
            ])
    }

    static func row(_ label: String, _ cells: [String]) -> String {
        // Padded, never cut: a long officer or unit name pushes its row out rather than losing its end.
        label + String(repeating: " ", count: max(0, 24 - label.count))
            + cells.map { String(repeating: " ", count: max(0, 12 - $0.count)) + $0 }.joined()
    }
}
