import CustodyCore
import Foundation

/// Formats and parses the instants the CLI shows and accepts.
public enum Timestamps {
    /// `2024-05-01T10:00:00.123Z`.
    public static func rfc3339(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// `2024-05-01T10:00:00.123456789Z` from nanoseconds since the epoch.
    public static func rfc3339(nanoseconds: Int64) -> String {
        let seconds = nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
        let fraction = nanoseconds - seconds * 1_000_000_000
        let base = Date(timeIntervalSince1970: Double(seconds))
            .formatted(
                .iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
        return String(base.dropLast()) + "." + String(format: "%09lld", fraction) + "Z"
    }

    /// Parses `2024-05-01`, `2024-05-01T10:00:00Z` or with fractional seconds / an offset.
    /// - Throws: `DaemonError.invalidArgument` naming the value and the accepted forms.
    public static func parse(_ text: String, argument: String) throws -> Date {
        let day = Date.ISO8601FormatStyle().year().month().day()
        if text.count == 10, let date = try? day.parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        throw DaemonError(
            code: .invalidArgument,
            message:
                "\(argument) '\(text)' is not a date; use 2024-05-01 or 2024-05-01T10:00:00Z (UTC) or with an offset")
    }
}
