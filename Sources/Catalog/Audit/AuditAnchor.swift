import CustodyCore
import Foundation
import GRDB

/// The audit chain's head at one instant, published outside the state directory (an anchor file on
/// another disk, the systemd journal) so that a later truncation or rewrite of the chain is detected
/// (docs/audit-log.md, "Anchors").
///
/// As one line of an anchor file: `{"at":"2026-12-02T05:40:00.000Z","chain":"…","hash":"…","seq":42}`.
public struct AuditAnchor: Sendable, Equatable, Codable {
    /// The head entry's sequence number.
    public var sequence: Int64
    /// The head entry's hash, hex.
    public var hash: String
    /// The hash of entry 1, hex: names the chain, so a chain replaced from its start is told apart
    /// from one cut short.
    public var chain: String
    /// When the anchor was taken, RFC 3339 UTC with milliseconds.
    public var at: String

    enum CodingKeys: String, CodingKey {
        case sequence = "seq"
        case hash, chain, at
    }

    /// Creates an anchor.
    public init(sequence: Int64, hash: String, chain: String, at: String) {
        self.sequence = sequence
        self.hash = hash
        self.chain = chain
        self.at = at
    }

    /// The anchor as one line of an anchor file, without the newline: JSON, keys sorted.
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Four strings and an integer always encode.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// Parses one line of an anchor file; nil when it is not an anchor.
    public init?(line: String) {
        guard let anchor = try? JSONDecoder().decode(Self.self, from: Data(line.utf8)) else { return nil }
        self = anchor
    }
}

/// What checking one anchor against the chain found.
public struct AnchorFinding: Sendable, Equatable, Codable {
    /// The anchor checked.
    public var anchor: AuditAnchor
    /// Nil when the chain still holds the anchored entry unchanged; else what is wrong.
    public var problem: String?

    /// Creates a finding.
    public init(anchor: AuditAnchor, problem: String?) {
        self.anchor = anchor
        self.problem = problem
    }
}

extension EvidenceCatalog {
    /// The chain's head now, as an anchor taken at `date`; nil when the log is empty.
    /// - Throws: `CatalogError` when the catalog cannot be read.
    public func auditAnchor(at date: Date = Date()) throws -> AuditAnchor? {
        try read { db in
            guard let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"),
                let first = try Data.fetchOne(db, sql: "SELECT hash FROM audit WHERE seq = 1")
            else { return nil }
            return AuditAnchor(
                sequence: head["seq"], hash: Hex.encode(Array(head["hash"] as Data)), chain: Hex.encode(Array(first)),
                at: AuditAnchor.timestamp(date))
        }
    }

    /// Checks each anchor against the chain: the anchored entry must still be there with the anchored
    /// hash, in a chain with the anchored first entry. Since every hash commits to all before it, an
    /// anchor that matches vouches for every entry up to it.
    /// - Throws: `CatalogError` when the catalog cannot be read.
    public func check(anchors: [AuditAnchor]) throws -> [AnchorFinding] {
        try read { db in
            let last = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM audit") ?? 0
            let first = try Data.fetchOne(db, sql: "SELECT hash FROM audit WHERE seq = 1").map { Hex.encode(Array($0)) }
            return try anchors.map { anchor in
                let hash = try Data.fetchOne(
                    db, sql: "SELECT hash FROM audit WHERE seq = ?", arguments: [anchor.sequence]
                )
                .map { Hex.encode(Array($0)) }
                let problem: String?
                if first != anchor.chain {
                    let this = first.map { "this chain's hashes to \($0)" } ?? "this chain has none"
                    problem =
                        "the anchor of \(anchor.at) belongs to a chain whose first entry hashes to \(anchor.chain), \(this): the chain was replaced (or the anchor is another store's)"
                } else if let hash {
                    problem =
                        hash == anchor.hash.lowercased()
                        ? nil
                        : "entry \(anchor.sequence) hashes to \(hash), but the anchor of \(anchor.at) recorded \(anchor.hash): entries up to \(anchor.sequence) were rewritten"
                } else {
                    problem =
                        "the anchor of \(anchor.at) names entry \(anchor.sequence), but the chain ends at \(last): entries were cut off its end"
                }
                return AnchorFinding(anchor: anchor, problem: problem)
            }
        }
    }
}

extension AuditAnchor {
    /// RFC 3339 UTC with milliseconds, as anchors carry it.
    static func timestamp(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        style.timeZone = TimeZone(identifier: "UTC")!
        return date.formatted(style)
    }
}
