import CustodyCore
import Foundation

/// An audit entry as `custody audit log --json` prints it for tools (docs/cli-json.md): `detail` is a
/// JSON object whose values have their types (`"pid": 1178`), by the key table `AuditDetailTypes`;
/// `detail_text` is the stored canonical text, byte for byte, which is what the entry's hash covers
/// (docs/audit-log.md). A checker recomputes hashes from `detail_text`, never from `detail`.
public struct AuditEntryJSON: Encodable, Sendable {
    /// A detail value with its type.
    public enum Value: Encodable, Sendable, Equatable {
        case text(String)
        case integer(Int64)
        case decimal(Double)
        case boolean(Bool)

        /// `text` as the type the vocabulary gives `key`; text when it gives none or `text` does not
        /// read as that type (an old entry, a value written before the key's meaning settled).
        public init(key: String, text: String) {
            switch AuditDetailTypes.type(of: key) {
            case .integer: self = Int64(text).map(Value.integer) ?? .text(text)
            case .decimal: self = Double(text).flatMap { $0.isFinite ? Value.decimal($0) : nil } ?? .text(text)
            case .boolean: self = text == "true" ? .boolean(true) : text == "false" ? .boolean(false) : .text(text)
            case nil: self = .text(text)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .integer(let value): try container.encode(value)
            case .decimal(let value): try container.encode(value)
            case .boolean(let value): try container.encode(value)
            }
        }
    }

    public let entry: AuditEntryView
    /// The typed detail; empty when the stored text is not a JSON object of strings.
    public let detail: [String: Value]

    /// The entry for tools.
    public init(_ entry: AuditEntryView) {
        self.entry = entry
        let stored =
            (try? JSONSerialization.jsonObject(with: Data(entry.detail.utf8))) as? [String: Any] ?? [:]
        var typed: [String: Value] = [:]
        for (key, value) in stored {
            switch value {
            case let text as String: typed[key] = Value(key: key, text: text)
            default: typed[key] = .text("\(value)")
            }
        }
        detail = typed
    }

    enum CodingKeys: String, CodingKey {
        case seq, at, actor, action, detail, item, hash
        case detailText = "detail_text"
        case atMilliseconds = "at_ms"
        case prevHash = "prev_hash"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entry.seq, forKey: .seq)
        try container.encode(entry.at, forKey: .at)
        try container.encode(entry.actor, forKey: .actor)
        try container.encode(entry.action, forKey: .action)
        try container.encode(detail, forKey: .detail)
        try container.encode(entry.detail, forKey: .detailText)
        try container.encodeIfPresent(entry.item, forKey: .item)
        try container.encodeIfPresent(entry.atMilliseconds, forKey: .atMilliseconds)
        try container.encodeIfPresent(entry.prevHash, forKey: .prevHash)
        try container.encodeIfPresent(entry.hash, forKey: .hash)
    }
}
