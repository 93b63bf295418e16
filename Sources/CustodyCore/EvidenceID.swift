import Foundation

/// The identity of one evidence item: a random UUID, fixed when the item is first written.
///
/// Its text form (lowercase, hyphenated) is what the catalog, the CLI and the audit log show; its 16
/// raw bytes (RFC 4122 order) are what object headers and key wrapping bind to.
public struct EvidenceID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The underlying UUID.
    public let uuid: UUID

    /// Creates a new random identifier.
    public init() { self.uuid = UUID() }

    /// Wraps an existing UUID.
    public init(_ uuid: UUID) { self.uuid = uuid }

    /// Parses the text form; returns nil for anything that is not a UUID.
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        self.uuid = uuid
    }

    /// Reads the 16 raw bytes; returns nil unless there are exactly 16.
    public init?(bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        guard array.count == 16 else { return nil }
        self.uuid = UUID(
            uuid: (
                array[0], array[1], array[2], array[3], array[4], array[5], array[6], array[7],
                array[8], array[9], array[10], array[11], array[12], array[13], array[14], array[15]
            ))
    }

    /// The 16 raw bytes in RFC 4122 order.
    public var bytes: [UInt8] {
        withUnsafeBytes(of: uuid.uuid) { Array($0) }
    }

    /// Lowercase hyphenated text, e.g. `6f1c…-…`.
    public var description: String { uuid.uuidString.lowercased() }

    public static func < (lhs: EvidenceID, rhs: EvidenceID) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = EvidenceID(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an evidence id: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
