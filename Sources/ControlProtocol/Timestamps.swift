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
}
