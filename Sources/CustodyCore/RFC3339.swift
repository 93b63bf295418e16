import Foundation

/// RFC 3339 instants in UTC with milliseconds (`2024-05-01T10:00:00.123Z`): how every time Custody
/// writes into JSON is spelled, so a reader never meets Foundation's seconds-since-2001 default.
public enum RFC3339 {
    /// `date` as `2024-05-01T10:00:00.123Z`.
    public static func string(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// The instant `text` denotes: RFC 3339 with or without fractional seconds, nil when it is not one.
    public static func date(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// Decodes an instant written as RFC 3339 text; a number (seconds since 2001, what a default
    /// `JSONEncoder` wrote before the times were fixed) is still read, so no stored value is lost.
    static func decode<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> Date {
        if let text = try? container.decode(String.self, forKey: key) {
            guard let date = date(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "\(text) is not an RFC 3339 time")
            }
            return date
        }
        return Date(timeIntervalSinceReferenceDate: try container.decode(Double.self, forKey: key))
    }

    /// As `decode`, nil when the key is absent or null.
    static func decodeIfPresent<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> Date? {
        guard container.contains(key), try !container.decodeNil(forKey: key) else { return nil }
        return try decode(container, key)
    }
}
