/// One payload file an export's bag must hold, as the daemon decided it (DESIGN §15): which item,
/// where in the bag, and the SHA-256 the chain's `item.stored` entry recorded for it. The writer
/// writes exactly these; the daemon records the hash of the manifest they make.
public struct ExportPayloadFile: Codable, Sendable, Equatable {
    public var item: String
    /// The path in the bag, `data/NAME`, as a manifest line names it (before percent-encoding).
    public var path: String
    /// SHA-256 of the plaintext, from the item's `item.stored` audit entry.
    public var sha256: String
    /// Plaintext bytes.
    public var size: Int64

    public init(item: String, path: String, sha256: String, size: Int64) {
        self.item = item
        self.path = path
        self.sha256 = sha256
        self.size = size
    }
}
