import ControlProtocol
import Foundation

/// `custody report --csv`: one table per section, each headed by `# section` and its column row,
/// tables apart by a blank line, so a spreadsheet or a script splits them; numbers as the JSON has them.
public enum ReportCSV {
    /// The CSV text for `report`.
    public static func text(_ report: SupervisionReportView) -> String {
        let t = report.timeliness
        var tables: [[[String]]] = []
        var timeliness = [["group", "id", "items", "median_hours", "p90_hours", "within_24h_share"]]
        timeliness.append(delays("overall", "", t.overall))
        timeliness += t.byOfficer.sorted { $0.key < $1.key }.map { delays("officer", $0.key, $0.value) }
        timeliness += t.byUnit.sorted { $0.key < $1.key }.map { delays("unit", $0.key, $0.value) }
        tables.append([["# timeliness"]] + timeliness)
        tables.append([["# timeliness_histogram"], ["delay", "items"]] + t.histogram.map { [$0.age, "\($0.items)"] })
        tables.append([["# late"], ["item"]] + t.late.map { [$0] })
        let r = report.review
        tables.append(
            [
                ["# review"], ["pending", "reviewed", "reviewed_share", "never_viewed"],
                ["\(r.pending)", "\(r.reviewed)", ReportFormat.exact(r.reviewedShare), "\(r.neverViewed)"],
            ])
        tables.append([["# backlog_by_age"], ["age", "items"]] + r.backlogByAge.map { [$0.age, "\($0.items)"] })
        tables.append(
            [["# outcomes"], ["outcome", "items"]]
                + r.outcomes.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value)"] })
        let c = report.categorisation
        tables.append(
            [
                ["# categorisation"], ["uncategorized", "oldest_uncategorized_days"],
                ["\(c.uncategorized)", ReportFormat.exact(c.oldestUncategorizedDays)],
            ])
        tables.append(
            [["# categories"], ["category", "items"]]
                + c.categories.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value)"] })
        let i = report.integrity
        tables.append(
            [
                ["# integrity"],
                [
                    "fixity_failures", "fixity_failures_in_period", "last_fixity_pass", "audit_head_seq",
                    "audit_head_hash",
                ],
                [
                    "\(i.fixityFailures)", "\(i.fixityFailuresInPeriod)", i.lastFixityPass ?? "",
                    i.auditHeadSeq.map(String.init) ?? "", i.auditHeadHash ?? "",
                ],
            ])
        let retention = report.retention
        tables.append(
            [
                ["# retention"], ["due", "deletions_next_72h", "deletions_next_30d", "holds_active", "held_items"],
                [
                    "\(retention.due)", "\(retention.deletionsNext72h)", "\(retention.deletionsNext30d)",
                    "\(retention.holdsActive)", "\(retention.heldItems)",
                ],
            ])
        tables.append(
            [["# holds"], ["hold", "matter", "items"]] + retention.holds.map { ["\($0.id)", $0.matter, "\($0.items)"] })
        let devices = report.devices
        tables.append(
            [
                ["# devices"],
                ["idle_days", "not_docked", "clock_drift", "in_maintenance", "failed_sessions", "partial_sessions"],
                [
                    "\(devices.idleDays)", "\(devices.notDocked.count)", "\(devices.clockDrift.count)",
                    "\(devices.inMaintenance.count)", "\(devices.failedSessions)", "\(devices.partialSessions)",
                ],
            ])
        tables.append(
            [["# not_docked"], ["serial", "last_docked_at", "days"]]
                + devices.notDocked.map { [$0.serial, $0.lastDockedAt ?? "", ReportFormat.exact($0.days)] })
        tables.append(
            [["# clock_drift"], ["serial", "session", "docked_at", "offset_seconds", "days", "seconds_per_day"]]
                + devices.clockDrift.map {
                    [
                        $0.serial, $0.session, $0.dockedAt, ReportFormat.exact($0.offsetSeconds),
                        ReportFormat.exact($0.days), ReportFormat.exact($0.secondsPerDay),
                    ]
                })
        tables.append([["# in_maintenance"], ["serial"]] + devices.inMaintenance.map { [$0] })
        tables.append(
            [["# dock_sessions"], ["session", "serial", "bay", "finished_at", "outcome", "verified", "failed"]]
                + devices.sessions.map {
                    [
                        $0.session, $0.serial ?? "", $0.bay ?? "", $0.finishedAt, $0.outcome,
                        $0.verified.map(String.init) ?? "", $0.failed.map(String.init) ?? "",
                    ]
                })
        let access = report.access
        tables.append(
            [
                ["# access"], ["refusals", "expiring_soon", "unused"],
                ["\(access.refusals)", "\(access.expiringSoon.count)", "\(access.unused.count)"],
            ])
        tables.append(
            [["# refusals"], ["principal", "refusals"]]
                + access.refusalsByPrincipal.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value)"] })
        for (name, grants) in [("# expiring_grants", access.expiringSoon), ("# unused_grants", access.unused)] {
            tables.append(
                [[name], ["grant", "person", "role", "scope", "valid_until", "last_used_at"]]
                    + grants.map {
                        ["\($0.id)", $0.person, $0.role, $0.scope ?? "", $0.validUntil, $0.lastUsedAt ?? ""]
                    })
        }
        let storage = report.storage
        tables.append(
            [
                ["# storage"],
                [
                    "items", "bytes", "ciphertext_bytes", "free_bytes", "filesystem_bytes", "weekly_rate_bytes",
                    "days_until_full",
                ],
                [
                    "\(storage.items)", "\(storage.bytes)", "\(storage.ciphertextBytes)",
                    storage.freeBytes.map(String.init) ?? "",
                    storage.filesystemBytes.map(String.init) ?? "", "\(storage.weeklyRateBytes)",
                    ReportFormat.exact(storage.daysUntilFull),
                ],
            ])
        tables.append(
            [["# storage_weeks"], ["from", "added_bytes", "stored_bytes"]]
                + storage.weeks.map { [$0.from, "\($0.addedBytes)", "\($0.storedBytes)"] })
        return tables.map { table in table.map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") }
            .joined(separator: "\n\n") + "\n"
    }

    static func delays(_ group: String, _ id: String, _ delays: SupervisionReportView.Delays) -> [String] {
        [
            group, id, "\(delays.items)", ReportFormat.exact(delays.medianHours), ReportFormat.exact(delays.p90Hours),
            ReportFormat.exact(delays.within24hShare),
        ]
    }

    /// A field quoted when it holds a comma, a quote or a line break (RFC 4180), and neutralised when a
    /// spreadsheet would take it for a formula.
    static func field(_ text: String) -> String {
        let text = neutralised(text)
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `text` with a `'` before it when it begins with `=`, `+`, `-`, `@`, a tab or a carriage return
    /// (OWASP's rule against CSV injection): a unit or category named `=HYPERLINK(…)` stays text. A
    /// number (`-8`, `+1.5e3`) and the lone `-` of an absent value are left as they are, so numbers stay
    /// numbers.
    static func neutralised(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), text != "-",
            !isNumber(text)
        else { return text }
        return "'" + text
    }

    /// A decimal number as JSON or a spreadsheet reads it: an optional sign, digits, a fraction, an exponent.
    static func isNumber(_ text: String) -> Bool {
        text.range(of: #"^[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$"#, options: .regularExpression) != nil
    }
}
