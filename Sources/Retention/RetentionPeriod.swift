import Foundation

/// How long a category keeps its items: a number of days, months or years after the retention clock,
/// or for ever. Written `90d`, `6m`, `10y` or `permanent` (the catalog stores this text).
public enum RetentionPeriod: Sendable, Hashable, CustomStringConvertible {
    case days(Int)
    case months(Int)
    case years(Int)
    case permanent

    /// The period `text` names (`90d`, `6m`, `10y`, `permanent`; `90 days`, `6 months`, `1 year` too),
    /// or nil when it names none. Zero and negative counts are refused: a category keeps for a while.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "permanent" {
            self = .permanent
            return
        }
        let digits = trimmed.prefix(while: \.isNumber)
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard let count = Int(digits), count > 0, count <= 1000 else { return nil }
        switch unit {
        case "d", "day", "days": self = .days(count)
        case "m", "month", "months": self = .months(count)
        case "y", "year", "years": self = .years(count)
        default: return nil
        }
    }

    /// The stored form: `90d`, `6m`, `10y`, `permanent`.
    public var description: String {
        switch self {
        case .days(let count): return "\(count)d"
        case .months(let count): return "\(count)m"
        case .years(let count): return "\(count)y"
        case .permanent: return "permanent"
        }
    }

    /// For people: `90 days`, `6 months`, `permanent`.
    public var spelledOut: String {
        func plural(_ count: Int, _ unit: String) -> String { "\(count) \(unit)\(count == 1 ? "" : "s")" }
        switch self {
        case .days(let count): return plural(count, "day")
        case .months(let count): return plural(count, "month")
        case .years(let count): return plural(count, "year")
        case .permanent: return "permanent"
        }
    }

    /// The instant this period ends when it starts at `start`; nil for `permanent`. Months and years
    /// follow the Gregorian calendar in UTC (31 January + 1 month = 28 or 29 February).
    public func end(from start: Date) -> Date? {
        switch self {
        case .days(let count): return start.addingTimeInterval(TimeInterval(count) * 86_400)
        case .months(let count): return Self.utc.date(byAdding: .month, value: count, to: start)
        case .years(let count): return Self.utc.date(byAdding: .year, value: count, to: start)
        case .permanent: return nil
        }
    }

    /// The Gregorian calendar in UTC, made once: every due date of a pass over a million items is
    /// computed with it, and making a calendar costs more than the date arithmetic.
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The safe default of `uncategorized`: six months, the minimum the enforcement rules set for
    /// routine footage.
    public static let uncategorizedDefault = RetentionPeriod.months(6)
}
