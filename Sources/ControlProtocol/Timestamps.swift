import CustodyCore
import Foundation

/// Formats the instants the daemon and the CLIs show (parsing is `CustodyDaemon`'s, whose errors it uses).
public enum Timestamps {
    /// `2024-05-01T10:00:00.123Z`.
    public static func rfc3339(_ date: Date) -> String { RFC3339.string(date) }

    /// `2024-05-01T10:00:00.123456789Z` from nanoseconds since the epoch.
    public static func rfc3339(nanoseconds: Int64) -> String {
        let seconds = nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
        let fraction = nanoseconds - seconds * 1_000_000_000
        let base = Date(timeIntervalSince1970: Double(seconds))
            .formatted(
                .iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
        return String(base.dropLast()) + "." + String(format: "%09lld", fraction) + "Z"
    }

    /// `2024-05-01` (midnight UTC), `2024-05-01T10:00:00Z`, or with fractional seconds or an offset;
    /// nil for anything else.
    public static func date(from text: String) -> Date? {
        let day = Date.ISO8601FormatStyle().year().month().day()
        if text.count == 10, let date = try? day.parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// The calendar date of `date` in UTC, `2024-05-01`.
    public static func day(_ date: Date) -> String {
        String(rfc3339(date).prefix(10))
    }
}
