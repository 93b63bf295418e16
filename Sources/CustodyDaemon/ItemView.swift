import Catalog
import CustodyCore
import Foundation

/// The stable JSON shape of one item, as `list --json` and `show --json` print it (docs/cli-json.md).
/// Never includes key material.
public struct ItemView: Codable, Sendable, Equatable {
    public struct Source: Codable, Sendable, Equatable {
        public var device: String?
        public var root: String
        /// The path, printable (invalid UTF-8 and control bytes as `\xNN`).
        public var path: String
        /// The exact path bytes, hex.
        public var pathHex: String
        public var size: Int64
        /// Modification time, RFC 3339 UTC with nanoseconds.
        public var modified: String
        /// The modification time as the source filesystem stored it (FAT: local time), when not an instant.
        public var modifiedRaw: String?
        /// The zone `modified` was computed in, and whether it was recorded or assumed.
        public var modifiedZone: String?

        enum CodingKeys: String, CodingKey {
            case device, root, path, size, modified
            case pathHex = "path_hex"
            case modifiedRaw = "modified_raw"
            case modifiedZone = "modified_zone"
        }
    }

    public var id: String
    public var state: String
    public var sha256: String
    public var ciphertextSHA256: String
    public var size: Int64
    public var ciphertextSize: Int64
    public var source: Source
    public var ingestedAt: String
    public var verifiedAt: String?
    /// The probed media summary; absent until the item is probed.
    public var media: Media?

    /// The typed media fields (docs/cli-json.md).
    public struct Media: Codable, Sendable, Equatable {
        public var kind: String
        public var recordedAt: String?
        public var recordedAtSource: String?
        public var durationSeconds: Double?
        public var officer: String?
        public var hasLocation: Bool
        public var damaged: String?

        enum CodingKeys: String, CodingKey {
            case kind, officer, damaged
            case recordedAt = "recorded_at"
            case recordedAtSource = "recorded_at_source"
            case durationSeconds = "duration_seconds"
            case hasLocation = "has_location"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, state, sha256, size, source, media
        case ciphertextSHA256 = "ciphertext_sha256"
        case ciphertextSize = "ciphertext_size"
        case ingestedAt = "ingested_at"
        case verifiedAt = "verified_at"
    }

    /// The view of `record`.
    public init(_ record: ItemRecord) {
        id = record.id.description
        state = record.state.rawValue
        sha256 = record.sha256.hex
        ciphertextSHA256 = record.ciphertextSHA256.hex
        size = record.size
        ciphertextSize = record.ciphertextSize
        source = Source(
            device: record.source.deviceID, root: record.source.root, path: record.source.path.displayString,
            pathHex: Hex.encode(record.source.path.bytes), size: record.source.size,
            modified: Timestamps.rfc3339(nanoseconds: record.source.modificationTimeNanoseconds),
            modifiedRaw: record.source.modificationTimeRaw, modifiedZone: record.source.modificationTimeZone)
        ingestedAt = Timestamps.rfc3339(record.ingestedAt)
        verifiedAt = record.verifiedAt.map(Timestamps.rfc3339)
        media = record.media.map { summary in
            Media(
                kind: summary.kind.rawValue, recordedAt: summary.recordedAt.map(Timestamps.rfc3339),
                recordedAtSource: summary.recordedAtSource,
                durationSeconds: summary.durationMilliseconds.map { Double($0) / 1000 }, officer: summary.officerID,
                hasLocation: summary.hasLocation, damaged: summary.damage)
        }
    }
}

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
