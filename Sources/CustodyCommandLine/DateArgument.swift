import ArgumentParser
import ControlProtocol
import Foundation

/// The dates people type into `list`'s filters, resolved on the caller's side into the RFC 3339
/// instants the control protocol carries (DESIGN §14): the daemon runs in its own time zone, so only
/// the caller knows which midnight "today" or "2024-05-01" means.
public enum DateArgument {
    /// The forms accepted, for error messages and help.
    public static let forms = "2024-05-01 (local), 2024-05-01T10:00:00Z, today, yesterday, 7d, 12h, 2w or last tuesday"

    /// `text` as an RFC 3339 instant in UTC, judged at `now` in `timeZone`:
    /// - a date `2024-05-01` is that day's local midnight;
    /// - an RFC 3339 time is itself (with any offset);
    /// - `today` and `yesterday` are local midnights;
    /// - `7d`, `12h`, `2w` are that long before `now`;
    /// - `last tuesday` (or `tuesday`) is the local midnight of the latest Tuesday before today.
    /// - Throws: `ValidationError` naming `option` for anything else.
    public static func resolve(
        _ text: String, option: String, now: Date = Date(), timeZone: TimeZone = .current
    ) throws -> String {
        guard let date = date(text, now: now, timeZone: timeZone) else {
            throw ValidationError("--\(option) '\(text)' is not a date; use \(forms)")
        }
        return Timestamps.rfc3339(date)
    }

    /// The instant `text` names, or nil; see `resolve`.
    public static func date(_ text: String, now: Date, timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let word = text.trimmingCharacters(in: .whitespaces).lowercased()
        let today = calendar.startOfDay(for: now)
        switch word {
        case "today": return today
        case "yesterday": return calendar.date(byAdding: .day, value: -1, to: today)
        default: break
        }
        if let ago = ago(word, now: now) { return ago }
        if let weekday = lastWeekday(word, today: today, calendar: calendar) { return weekday }
        if word.count == 10, let day = localDay(word, calendar: calendar) { return day }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// `7d`, `12h`, `2w`: a span before `now`.
    private static func ago(_ word: String, now: Date) -> Date? {
        guard let unit = word.last, let count = Int(word.dropLast()), count >= 0, count <= 100_000 else { return nil }
        let seconds: Double
        switch unit {
        case "h": seconds = 3_600
        case "d": seconds = 86_400
        case "w": seconds = 7 * 86_400
        default: return nil
        }
        return now.addingTimeInterval(-Double(count) * seconds)
    }

    /// `last tuesday` or `tuesday`: the latest such day strictly before today (a week ago on a Tuesday).
    private static func lastWeekday(_ word: String, today: Date, calendar: Calendar) -> Date? {
        let name = word.hasPrefix("last ") ? String(word.dropFirst(5)).trimmingCharacters(in: .whitespaces) : word
        let names = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
        guard let index = names.firstIndex(where: { $0 == name || (name.count >= 3 && $0.hasPrefix(name)) }) else {
            return nil
        }
        let current = calendar.component(.weekday, from: today)  // 1 = Sunday
        var back = (current - (index + 1) + 7) % 7
        if back == 0 { back = 7 }
        return calendar.date(byAdding: .day, value: -back, to: today)
    }

    /// `2024-05-01` as local midnight.
    private static func localDay(_ word: String, calendar: Calendar) -> Date? {
        let parts = word.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components),
            calendar.component(.day, from: date) == day  // 2024-02-31 is not a date
        else { return nil }
        return date
    }
}
