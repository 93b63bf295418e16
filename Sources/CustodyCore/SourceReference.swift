/// Where an item came from: enough to recognise the same file when it is seen again, and to tell a
/// court which device and path the bytes were copied from.
public struct SourceReference: Hashable, Sendable {
    /// The device the file came from (serial or volume label), when known.
    public var deviceID: String?
    /// The import root: an absolute directory path, or a device path.
    public var root: String
    /// The path below the root, as the raw bytes the filesystem gave (not necessarily UTF-8).
    public var path: RawPath
    /// The file's size when it was read.
    public var size: Int64
    /// The file's modification time in nanoseconds since the Unix epoch.
    public var modificationTimeNanoseconds: Int64
    /// The modification time exactly as the source filesystem stored it, when that is not an instant
    /// by itself: FAT keeps local wall-clock time with no zone.
    public var modificationTimeRaw: String?
    /// The time zone the instant was computed in: recorded by the filesystem (exFAT's UTC offset) or
    /// assumed (FAT), and which.
    public var modificationTimeZone: String?

    /// Creates a source reference.
    public init(
        deviceID: String?, root: String, path: RawPath, size: Int64, modificationTimeNanoseconds: Int64,
        modificationTimeRaw: String? = nil, modificationTimeZone: String? = nil
    ) {
        self.deviceID = deviceID
        self.root = root
        self.path = path
        self.size = size
        self.modificationTimeNanoseconds = modificationTimeNanoseconds
        self.modificationTimeRaw = modificationTimeRaw
        self.modificationTimeZone = modificationTimeZone
    }
}

/// A relative path as raw bytes, `/`-separated, exactly as the source filesystem spelled it.
///
/// File names on Linux are bytes, not text; evidence must keep them as they were. `displayString`
/// renders them for people: valid UTF-8 as is, control characters and invalid bytes as `\xNN`.
public struct RawPath: Hashable, Sendable, Comparable {
    /// The path bytes.
    public let bytes: [UInt8]

    /// Wraps path bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Wraps a path given as text.
    public init(_ text: String) { self.bytes = Array(text.utf8) }

    /// This path with one more component appended.
    public func appending(component: [UInt8]) -> RawPath {
        bytes.isEmpty ? RawPath(bytes: component) : RawPath(bytes: bytes + [UInt8(ascii: "/")] + component)
    }

    /// A printable, unambiguous rendering: valid UTF-8 stays; control characters, backslashes and
    /// invalid bytes become `\xNN` escapes, so a name with a newline cannot forge a second line.
    public var displayString: String {
        var out = ""
        var index = 0
        while index < bytes.count {
            let length = Self.utf8SequenceLength(bytes, at: index)
            if length == 0 {
                out += Self.escape(bytes[index])
                index += 1
                continue
            }
            let scalarBytes = bytes[index..<index + length]
            let scalar = String(decoding: scalarBytes, as: UTF8.self).unicodeScalars.first!
            if scalar.value < 0x20 || scalar.value == 0x7f || scalar == "\\" || (0x80..<0xa0).contains(scalar.value) {
                out += scalarBytes.map(Self.escape).joined()
            } else {
                out.unicodeScalars.append(scalar)
            }
            index += length
        }
        return out
    }

    public static func < (lhs: RawPath, rhs: RawPath) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    private static func escape(_ byte: UInt8) -> String {
        let hex = Hex.encode([byte])
        return "\\x\(hex)"
    }

    /// The length of a well-formed UTF-8 sequence at `index`, or 0 when the bytes there are not one.
    private static func utf8SequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        let lowest: UInt32
        switch lead {
        case 0x00...0x7f: return 1
        case 0xc2...0xdf: length = 2; lowest = 0x80
        case 0xe0...0xef: length = 3; lowest = 0x800
        case 0xf0...0xf4: length = 4; lowest = 0x10000
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        var value = UInt32(lead) & (length == 2 ? 0x1f : length == 3 ? 0x0f : 0x07)
        for offset in 1..<length {
            let next = bytes[index + offset]
            guard next & 0xc0 == 0x80 else { return 0 }
            value = value << 6 | UInt32(next & 0x3f)
        }
        guard value >= lowest, value <= 0x10ffff, !(0xd800...0xdfff).contains(value) else { return 0 }
        return length
    }
}
