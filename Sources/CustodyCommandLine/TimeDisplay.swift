import ControlProtocol
import Foundation

/// How the human views (`list`, `show`) print instants: in the caller's time zone with its offset, so
/// a reviewer reads the hour the recording was made, or in UTC with `--utc` (DESIGN §14). JSON keeps
/// RFC 3339 UTC for scripts.
public struct TimeDisplay: Sendable {
    /// The zone instants are shown in.
    public let timeZone: TimeZone

    /// Shows instants in `timeZone`.
    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// The caller's zone, or UTC when `utc` is set.
    public static func chosen(utc: Bool) -> TimeDisplay {
        TimeDisplay(timeZone: utc ? TimeZone(identifier: "UTC")! : .current)
    }

    /// `2024-05-01 12:00:00 +08:00`.
    public func text(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        let wall = String(
            format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0,
            c.second ?? 0)
        return wall + " " + sign + String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }

    /// An RFC 3339 text from the daemon shown in this zone; text that is not an instant, unchanged.
    public func text(_ rfc3339: String) -> String {
        guard let date = Timestamps.date(from: rfc3339), rfc3339.count > 10 else { return rfc3339 }
        return text(date)
    }

    /// The local calendar date of an RFC 3339 text, `2024-05-01`.
    public func day(_ rfc3339: String) -> String {
        String(text(rfc3339).prefix(10))
    }
}
