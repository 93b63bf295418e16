import CustodyCore
import Foundation
import GRDB

/// What `list` narrows items by. Every field is optional; all given fields must match.
public struct ItemFilter: Sendable, Equatable {
    /// Only items from this device.
    public var deviceID: String?
    /// Only items ingested at or after this instant.
    public var ingestedFrom: Date?
    /// Only items ingested before this instant.
    public var ingestedBefore: Date?
    /// Only items whose plaintext SHA-256 starts with these hex digits.
    public var sha256Prefix: String?
    /// Only items in this state.
    public var state: ItemState?
    /// At most this many items, newest first.
    public var limit: Int

    /// Creates a filter.
    public init(
        deviceID: String? = nil, ingestedFrom: Date? = nil, ingestedBefore: Date? = nil,
        sha256Prefix: String? = nil, state: ItemState? = nil, limit: Int = 100
    ) {
        self.deviceID = deviceID
        self.ingestedFrom = ingestedFrom
        self.ingestedBefore = ingestedBefore
        self.sha256Prefix = sha256Prefix
        self.state = state
        self.limit = limit
    }

    /// The filter as a GRDB request, newest first.
    /// - Throws: `CatalogError.invalidQuery` for a malformed hash prefix or limit.
    func request() throws -> QueryInterfaceRequest<ItemRecord> {
        guard limit > 0 else {
            throw CatalogError(code: .invalidQuery, message: "--limit must be at least 1, not \(limit)")
        }
        var request = ItemRecord.all()
        if let deviceID { request = request.filter(ItemRecord.Columns.sourceDevice == deviceID) }
        if let ingestedFrom {
            request = request.filter(ItemRecord.Columns.ingestedAt >= ingestedFrom.catalogMilliseconds)
        }
        if let ingestedBefore {
            request = request.filter(ItemRecord.Columns.ingestedAt < ingestedBefore.catalogMilliseconds)
        }
        if let sha256Prefix {
            let bounds = try Self.hashBounds(forPrefix: sha256Prefix)
            request = request.filter(
                ItemRecord.Columns.sha256 >= bounds.lower && ItemRecord.Columns.sha256 <= bounds.upper)
        }
        if let state { request = request.filter(ItemRecord.Columns.state == state.rawValue) }
        return request.order(ItemRecord.Columns.ingestedAt.desc, ItemRecord.Columns.id.desc).limit(limit)
    }

    /// A hex prefix as an inclusive range of 32-byte blobs, so the hash index serves it.
    static func hashBounds(forPrefix prefix: String) throws -> (lower: Data, upper: Data) {
        let digits = prefix.lowercased()
        guard !digits.isEmpty, digits.count <= 64, digits.allSatisfy(\.isHexDigit) else {
            throw CatalogError(
                code: .invalidQuery,
                message: "hash prefix '\(prefix)' is not 1 to 64 hexadecimal digits")
        }
        let lower = Hex.decode(digits.padding(toLength: 64, withPad: "0", startingAt: 0))!
        let upper = Hex.decode(digits.padding(toLength: 64, withPad: "f", startingAt: 0))!
        return (Data(lower), Data(upper))
    }
}
