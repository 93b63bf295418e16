import CustodyCore
import Foundation

/// A pattern that pulls device id, officer id, date, time and sequence number out of a recording's
/// file name, e.g. `{date}_{time}_{seq}_{device}_{officer}` for `20240501_100000_0001_DEV0001_P1234.MP4`.
///
/// A template is literal text with fields in braces: `{date}` (yyyyMMdd), `{time}` (HHmmss),
/// `{datetime}` (yyyyMMddHHmmss), `{seq}` (1–8 digits), `{device}` and `{officer}` (letters and
/// digits), `{any}` (anything, shortest). It is matched against the whole name without its extension.
/// A name that does not match, or whose date or time is impossible, yields no fields.
public struct FileNameRule: Sendable, Equatable, CustomStringConvertible {
    /// The rule's name, recorded with the fields it produced.
    public let name: String
    /// The template it was made from.
    public let template: String
    private let pattern: String

    /// The rules tried when a device profile names none: the layouts of common recorders.
    public static let builtIn: [FileNameRule] = [
        try! FileNameRule(name: "date_time_seq_device_officer", template: "{date}_{time}_{seq}_{device}_{officer}"),
        try! FileNameRule(name: "device_officer_datetime_seq", template: "{device}_{officer}_{datetime}_{seq}"),
        try! FileNameRule(name: "datetime_device_officer", template: "{datetime}_{device}_{officer}"),
    ]

    private static let fields: [String: String] = [
        "date": "(?<date>[0-9]{8})", "time": "(?<time>[0-9]{6})", "datetime": "(?<datetime>[0-9]{14})",
        "seq": "(?<seq>[0-9]{1,8})", "device": "(?<device>[A-Za-z0-9]+)", "officer": "(?<officer>[A-Za-z0-9]+)",
        "any": ".*?",
    ]

    /// Parses a template.
    /// - Throws: `ProbeError.invalidRule` naming the problem: an unknown field, a field used twice, an
    ///   unclosed brace, `{date}` without `{time}`, or no field at all.
    public init(name: String, template: String) throws {
        func invalid(_ why: String) -> ProbeError {
            ProbeError(
                code: .invalidRule,
                message:
                    "file-name rule '\(name)' (\(template)): \(why); fields are {date} {time} {datetime} {seq} {device} {officer} {any}"
            )
        }
        var pattern = "^"
        var used = Set<String>()
        var rest = Substring(template)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<open]))
            guard rest[open] == "{" else { throw invalid("'}' without '{'") }
            guard let close = rest[open...].firstIndex(of: "}") else { throw invalid("'{' is never closed") }
            let field = String(rest[rest.index(after: open)..<close])
            guard let fragment = Self.fields[field] else { throw invalid("unknown field {\(field)}") }
            guard field == "any" || used.insert(field).inserted else { throw invalid("{\(field)} appears twice") }
            pattern += fragment
            rest = rest[rest.index(after: close)...]
        }
        pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
        guard !used.isEmpty else { throw invalid("it has no field") }
        guard used.contains("date") == used.contains("time") else { throw invalid("{date} and {time} go together") }
        guard !(used.contains("datetime") && used.contains("date")) else { throw invalid("{datetime} with {date}") }
        self.name = name
        self.template = template
        self.pattern = pattern
    }

    public var description: String { "\(name): \(template)" }

    /// The fields of `fileName` (extension ignored), or nil when it does not match.
    public func fields(of fileName: String) -> MediaMetadata.NameFields? {
        let stem = fileName.split(separator: "/").last.map(String.init) ?? fileName
        let base = stem.lastIndex(of: ".").map { String(stem[..<$0]) } ?? stem
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: base, range: NSRange(base.startIndex..., in: base))
        else { return nil }
        func group(_ name: String) -> String? {
            let range = match.range(withName: name)
            guard range.location != NSNotFound, let swiftRange = Range(range, in: base) else { return nil }
            return String(base[swiftRange])
        }
        var dateTime = group("datetime")
        if let date = group("date"), let time = group("time") { dateTime = date + time }
        if let dateTime, Self.date(fromDigits: dateTime, zone: TimeZone(identifier: "UTC")!) == nil { return nil }
        return MediaMetadata.NameFields(
            rule: name, deviceID: group("device"), officerID: group("officer"), dateTime: dateTime,
            sequence: group("seq"))
    }

    /// The instant `yyyyMMddHHmmss` denotes in `zone`, or nil for an impossible date or time.
    public static func date(fromDigits digits: String, zone: TimeZone) -> Date? {
        guard digits.count == 14, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        let values = [(0, 4), (4, 2), (6, 2), (8, 2), (10, 2), (12, 2)].map { start, length in
            Int(digits.dropFirst(start).prefix(length))!
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var components = DateComponents()
        (components.year, components.month, components.day) = (values[0], values[1], values[2])
        (components.hour, components.minute, components.second) = (values[3], values[4], values[5])
        guard components.isValidDate(in: calendar), values[3] < 24, values[4] < 60, values[5] < 60 else { return nil }
        return calendar.date(from: components)
    }
}
