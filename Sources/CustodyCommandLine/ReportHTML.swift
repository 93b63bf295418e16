import ControlProtocol
import Foundation

/// `custody report --html FILE`: one self-contained page a supervisor opens or prints — no network,
/// no script, the charts inline SVG. Every figure sits in an element with `data-figure` naming its
/// JSON path, so a test (or a reader's tool) can check the page against `--json`.
public enum ReportHTML {
    /// The page for `report`, times shown by `time`.
    public static func page(_ report: SupervisionReportView, time: TimeDisplay = .chosen(utc: false)) -> String {
        let t = report.timeliness
        let r = report.review
        let c = report.categorisation
        let i = report.integrity
        var body = """
            <h1>Supervision report</h1>
            <p>\(escape(time.text(report.from))) to \(escape(time.text(report.to))), scope \(escape(report.scope)):
            \(figure("items", "\(report.items)")) items. Made \(escape(time.text(report.generatedAt))).</p>
            <h2>Upload timeliness</h2>
            <table><tr><th></th><th>items</th><th>median h</th><th>p90 h</th><th>within 24 h</th></tr>
            \(delaysRow("overall", "timeliness.overall", t.overall))
            """
        for (officer, delays) in t.byOfficer.sorted(by: { $0.key < $1.key }) {
            body += delaysRow("officer \(officer)", "timeliness.by_officer.\(officer)", delays)
        }
        for (unit, delays) in t.byUnit.sorted(by: { $0.key < $1.key }) {
            body += delaysRow("unit \(unit)", "timeliness.by_unit.\(unit)", delays)
        }
        body += """
            </table>
            <p>Late (over 24 h): \(figure("timeliness.late_count", "\(t.lateCount)")); without a recorded time:
            \(figure("timeliness.unmeasured", "\(t.unmeasured)")).</p>
            \(chart(id: "chart-timeliness", title: "Items by upload delay", bars: t.histogram))
            <h2>Review</h2>
            <p>Pending \(figure("review.pending", "\(r.pending)")), reviewed \(figure("review.reviewed", "\(r.reviewed)"))
            (\(figure("review.reviewed_share", r.reviewedShare, ReportFormat.percent(r.reviewedShare)))); never viewed
            \(figure("review.never_viewed", "\(r.neverViewed)")).</p>
            \(chart(id: "chart-backlog", title: "Pending items by age", bars: r.backlogByAge))
            <p>Outcomes: \(counts(r.outcomes, path: "review.outcomes"))</p>
            <h2>Categorisation</h2>
            <p>Uncategorised \(figure("categorisation.uncategorized", "\(c.uncategorized)"))\(
                c.oldestUncategorizedDays.map { ", the oldest for " + figure("categorisation.oldest_uncategorized_days", $0, ReportFormat.days($0)) } ?? "").
            Categories: \(counts(c.categories, path: "categorisation.categories"))</p>
            <h2>Integrity</h2>
            <p>Fixity failures open \(figure("integrity.fixity_failures", "\(i.fixityFailures)")), found in the period
            \(figure("integrity.fixity_failures_in_period", "\(i.fixityFailuresInPeriod)")); last fixity pass
            \(escape(i.lastFixityPass.map(time.text) ?? "never")); audit head
            #\(figure("integrity.audit_head_seq", i.auditHeadSeq.map(String.init) ?? "-"))
            <code>\(escape(i.auditHeadHash ?? ""))</code>.</p>
            \(retention(report.retention))
            \(devices(report.devices, time: time))
            \(access(report.access, time: time))
            \(storage(report.storage, time: time))
            """
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Custody supervision report</title>
            <style>
            body { font: 14px/1.4 sans-serif; margin: 2em; color: #111; }
            table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: right; }
            td:first-child, th:first-child { text-align: left; }
            svg { display: block; margin: 1em 0; } rect { fill: #2b6cb0; } text { font: 11px sans-serif; }
            @media print { body { margin: 0; } }
            </style></head><body>
            \(body)
            </body></html>

            """
    }

    /// A bar chart of `bars`, each bar a `rect` carrying its count.
    static func chart(id: String, title: String, bars: [SupervisionReportView.AgeBucket]) -> String {
        chart(id: id, title: title, bars: bars.map { ($0.age, Int64($0.items)) }, text: { "\($0)" })
    }

    /// A bar chart of labelled values, each bar a `rect` carrying its value, shown above it by `text`.
    static func chart(id: String, title: String, bars: [(label: String, value: Int64)], text: (Int64) -> String)
        -> String
    {
        let width = 70
        let height: Int64 = 120
        let most = max(1, bars.map(\.value).max() ?? 1)
        var svg = """
            <svg id="\(id)" role="img" aria-label="\(escape(title))" xmlns="http://www.w3.org/2000/svg" \
            width="\(bars.count * width + 20)" height="\(height + 50)">
            <title>\(escape(title))</title>
            """
        for (index, bar) in bars.enumerated() {
            // In 64 bits: byte counts times the chart's height would overflow nothing short of 70 PB.
            let tall = max(0, bar.value) * height / most
            let x = 10 + index * width
            svg += """
                <rect x="\(x + 10)" y="\(height - tall + 15)" width="\(width - 20)" height="\(tall)" data-label="\(escape(bar.label))" data-value="\(bar.value)"/>
                <text x="\(x + width / 2)" y="\(height - tall + 10)" text-anchor="middle">\(escape(text(bar.value)))</text>
                <text x="\(x + width / 2)" y="\(height + 32)" text-anchor="middle">\(escape(bar.label))</text>
                """
        }
        return svg + "</svg>"
    }

    static func delaysRow(_ label: String, _ path: String, _ delays: SupervisionReportView.Delays) -> String {
        "<tr><td>\(escape(label))</td><td>\(figure(path + ".items", "\(delays.items)"))</td>"
            + "<td>\(figure(path + ".median_hours", delays.medianHours, ReportFormat.hours(delays.medianHours)))</td>"
            + "<td>\(figure(path + ".p90_hours", delays.p90Hours, ReportFormat.hours(delays.p90Hours)))</td>"
            + "<td>\(figure(path + ".within_24h_share", delays.within24hShare, ReportFormat.percent(delays.within24hShare)))</td></tr>\n"
    }

    /// A whole-number figure, marked with its JSON path; shown as it is.
    static func figure(_ path: String, _ value: String) -> String {
        "<span data-figure=\"\(escape(path))\" data-value=\"\(escape(value))\">\(escape(value))</span>"
    }

    /// A figure shown for people (`shown`, from `ReportFormat`), carrying the JSON's exact value in
    /// `data-value` so a tool checks the page against `--json` without reading the rounding.
    static func figure(_ path: String, _ value: Double?, _ shown: String) -> String {
        "<span data-figure=\"\(escape(path))\" data-value=\"\(ReportFormat.exact(value))\">\(escape(shown))</span>"
    }

    /// Named counts, each marked with its path under `path`, or `none`.
    static func counts(_ counts: [String: Int], path: String) -> String {
        guard !counts.isEmpty else { return "none" }
        return counts.sorted { $0.key < $1.key }.map {
            "\(escape($0.key)) \(figure("\(path).\($0.key)", "\($0.value)"))"
        }
        .joined(separator: ", ")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
