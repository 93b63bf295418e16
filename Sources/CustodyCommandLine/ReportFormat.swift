import Foundation

/// The supervision report's figures for people, one way for the text report and the page alike:
/// shares as percentages, hours to one decimal, ages and horizons in the unit that reads (minutes,
/// hours, days, years), sizes in binary units. `--json` and the page's `data-value` keep the exact
/// values; only what a person reads is rounded here.
public enum ReportFormat {
    /// A share (0…1) as a percentage with one decimal (`60.0 %`); `-` when there is none.
    public static func percent(_ share: Double?) -> String {
        guard let share, share.isFinite else { return "-" }
        return String(format: "%.1f %%", share * 100)
    }

    /// Hours to one decimal (`3.0`), without a unit: the column heading carries it; `-` when absent.
    public static func hours(_ hours: Double?) -> String {
        guard let hours, hours.isFinite else { return "-" }
        return String(format: "%.1f", hours)
    }

    /// A span given in days, in the unit a person reads it in: `under a minute`, `12 minutes`,
    /// `5.2 hours`, `10.0 days`, `300 days`, `7.7 years`, `74182 years`; `-` when absent.
    public static func days(_ days: Double?) -> String {
        guard let days, days.isFinite else { return "-" }
        let magnitude = abs(days)
        let minutes = magnitude * 24 * 60
        let sign = days < 0 ? "-" : ""
        if minutes < 1 { return "under a minute" }
        if minutes < 90 { return sign + plural(Int(minutes.rounded()), "minute") }
        if magnitude < 2 { return sign + String(format: "%.1f hours", magnitude * 24) }
        if magnitude < 100 { return sign + String(format: "%.1f days", magnitude) }
        if magnitude < 3 * 365.25 { return sign + String(format: "%.0f days", magnitude) }
        let years = magnitude / 365.25
        return sign + String(format: years < 100 ? "%.1f years" : "%.0f years", years)
    }

    /// Seconds as a signed whole number (`-8 s`, `+12 s`).
    public static func signedSeconds(_ seconds: Double) -> String {
        seconds.isFinite ? String(format: "%+.0f s", seconds) : "-"
    }

    /// Seconds to one decimal (`8.0 s`).
    public static func seconds(_ seconds: Double) -> String {
        seconds.isFinite ? String(format: "%.1f s", seconds) : "-"
    }

    /// `bytes` in binary units with one decimal (`1.5 GiB`), whole bytes below 1 KiB (`512 B`).
    public static func bytes(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f ", value) + units[unit]
    }

    /// `name value` pairs sorted by name and joined with commas, or `none`: never an empty line.
    public static func counts(_ counts: [String: Int]) -> String {
        counts.isEmpty
            ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    /// A decimal exactly as JSON prints it (shortest round-trip form), `-` when absent: what `data-value`
    /// and the CSV carry, so a tool reads the value, not its rounding.
    public static func exact(_ value: Double?) -> String {
        guard let value else { return "-" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
