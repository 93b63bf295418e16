import Foundation

/// What Custody learned about an item's media at ingest: container, streams, tags, location, the
/// recorded-at time and where it came from, and whether the media looks damaged.
///
/// Every value read from the file is kept raw alongside anything parsed from it, so a reviewer can see
/// exactly what the camera wrote.
public struct MediaMetadata: Codable, Sendable, Equatable {
    /// What kind of media an item is.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case video, audio, photo, other
    }

    /// One elementary stream.
    public struct Stream: Codable, Sendable, Equatable {
        public var index: Int
        /// `video`, `audio`, `subtitle`, `data`, `attachment` or `unknown`.
        public var kind: String
        public var codec: String?
        public var profile: String?
        public var width: Int?
        public var height: Int?
        /// Average frame rate, frames per second.
        public var frameRate: Double?
        public var sampleRate: Int?
        public var channels: Int?
        public var tags: [String: String]
        /// How a player must turn the picture, in degrees counter-clockwise (FFmpeg's and ffprobe's
        /// convention: `av_display_rotation_get`), when the stream carries a display matrix; a phone or a
        /// body camera worn sideways writes one, and without it a reviewer sees the picture sideways.
        public var rotation: Double?
        /// The stream's display matrix as written (nine 32-bit values: 16.16 fixed point, the third
        /// column 2.30), raw, so a flip or an odd angle is kept even where `rotation` cannot say it.
        public var displayMatrix: [Int32]?

        public init(
            index: Int, kind: String, codec: String? = nil, profile: String? = nil, width: Int? = nil,
            height: Int? = nil, frameRate: Double? = nil, sampleRate: Int? = nil, channels: Int? = nil,
            tags: [String: String] = [:], rotation: Double? = nil, displayMatrix: [Int32]? = nil
        ) {
            self.rotation = rotation
            self.displayMatrix = displayMatrix
            self.index = index
            self.kind = kind
            self.codec = codec
            self.profile = profile
            self.width = width
            self.height = height
            self.frameRate = frameRate
            self.sampleRate = sampleRate
            self.channels = channels
            self.tags = tags
        }
    }

    /// A position on Earth, parsed from ISO 6709 or EXIF GPS.
    public struct Location: Codable, Sendable, Equatable {
        public var latitude: Double
        public var longitude: Double
        public var altitude: Double?
        /// The text or values as the file gave them.
        public var raw: String

        public init(latitude: Double, longitude: Double, altitude: Double?, raw: String) {
            self.latitude = latitude
            self.longitude = longitude
            self.altitude = altitude
            self.raw = raw
        }
    }

    /// When the recording was made, and the evidence for it.
    public struct RecordedAt: Codable, Sendable, Equatable {
        /// Where the time came from, most trusted first.
        public enum Source: String, Codable, Sendable {
            case container, exif, fileName = "file_name", filesystem
        }
        public var source: Source
        /// The value exactly as found (a tag's text, a file-name fragment, a time stamp).
        public var raw: String
        /// The instant it denotes, in UTC, read as the camera's clock said it.
        public var time: Date
        /// `time` corrected by the dock session's measured clock offset, when there is one.
        public var corrected: Date?
        /// The time zone assumed for a value that carries none (EXIF without offset, file names).
        public var assumedZone: String?

        public init(source: Source, raw: String, time: Date, corrected: Date? = nil, assumedZone: String? = nil) {
            self.source = source
            self.raw = raw
            self.time = time
            self.corrected = corrected
            self.assumedZone = assumedZone
        }

        enum CodingKeys: String, CodingKey {
            case source, raw, time, corrected, assumedZone
        }

        // The instants are RFC 3339 text whatever the encoder's date strategy (docs/cli-json.md): a
        // default JSONEncoder would write seconds since 2001, and the catalog's `.iso8601` would drop
        // the milliseconds a container time can carry.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            source = try container.decode(Source.self, forKey: .source)
            raw = try container.decode(String.self, forKey: .raw)
            time = try RFC3339.decode(container, .time)
            corrected = try RFC3339.decodeIfPresent(container, .corrected)
            assumedZone = try container.decodeIfPresent(String.self, forKey: .assumedZone)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(source, forKey: .source)
            try container.encode(raw, forKey: .raw)
            try container.encode(RFC3339.string(time), forKey: .time)
            try container.encodeIfPresent(corrected.map(RFC3339.string), forKey: .corrected)
            try container.encodeIfPresent(assumedZone, forKey: .assumedZone)
        }
    }

    /// Fields a file-name rule pulled out of the item's name.
    public struct NameFields: Codable, Sendable, Equatable {
        public var rule: String
        public var deviceID: String?
        public var officerID: String?
        /// `yyyyMMddHHmmss` as found.
        public var dateTime: String?
        public var sequence: String?

        public init(rule: String, deviceID: String?, officerID: String?, dateTime: String?, sequence: String?) {
            self.rule = rule
            self.deviceID = deviceID
            self.officerID = officerID
            self.dateTime = dateTime
            self.sequence = sequence
        }
    }

    public var kind: Kind
    /// The demuxer's name for the container (`mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`, …).
    public var container: String?
    public var durationSeconds: Double?
    public var bitRate: Int64?
    public var streams: [Stream]
    /// Container-level tags, raw.
    public var tags: [String: String]
    /// EXIF fields of a photo, raw (tag name → value).
    public var exif: [String: String]
    public var make: String?
    public var model: String?
    public var encoder: String?
    public var location: Location?
    public var recordedAt: RecordedAt?
    public var nameFields: NameFields?
    /// Why the media looks damaged (no index, packets ending early, …); nil when it looks whole.
    public var damage: String?
    /// Why nothing could be read as media (not a media file, an empty file); nil when probing worked.
    public var unreadable: String?

    public init(kind: Kind) {
        self.kind = kind
        streams = []
        tags = [:]
        exif = [:]
    }
}
