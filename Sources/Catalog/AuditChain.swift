import CustodyCore
import EvidenceCrypto
import Foundation
import GRDB

/// The audit log as a hash chain (docs/audit-log.md): each entry's hash covers its own fields and the
/// previous entry's hash, so changing, removing or reordering any entry breaks every hash after it.
enum AuditChain {
    static let genesis = [UInt8](repeating: 0, count: 32)

    /// Appends `events` in the current transaction, after the last entry.
    static func append(_ events: [AuditEvent], actor: AuditActor, at date: Date, in db: Database) throws {
        guard !events.isEmpty else { return }
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        var sequence: Int64 = last.map { $0["seq"] } ?? 0
        var previous: [UInt8] = last.map { Array($0["hash"] as Data) } ?? genesis
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for event in events {
            sequence += 1
            let detail = String(decoding: try encoder.encode(event.detail), as: UTF8.self)
            let entry = AuditEntry(
                sequence: sequence, at: date, actor: actor.description, action: event.action.rawValue,
                itemID: event.itemID?.description, detail: detail, previousHash: previous, hash: [])
            let hash = self.hash(of: entry)
            try db.execute(
                sql:
                    "INSERT INTO audit (seq, at, actor, action, item_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    sequence, date.catalogMilliseconds, entry.actor, entry.action, entry.itemID, detail,
                    Data(previous), Data(hash),
                ])
            previous = hash
        }
    }

    /// SHA-256 over the domain tag and every field, each length-prefixed, so no two different entries
    /// encode alike.
    static func hash(of entry: AuditEntry) -> [UInt8] {
        AuditEntryHash.hash(
            sequence: entry.sequence, previousHash: entry.previousHash, atMilliseconds: entry.at.catalogMilliseconds,
            actor: entry.actor, action: entry.action, itemID: entry.itemID, detail: entry.detail)
    }
}

/// The outcome of walking the audit chain.
public struct AuditChainReport: Sendable, Equatable {
    /// Entries checked.
    public var entries: Int64
    /// The hash of the last entry: record it elsewhere to detect a later truncation of the log.
    public var headHash: String
    /// The first entry that does not verify, and why; nil when the chain is intact.
    public var firstBroken: (sequence: Int64, reason: String)?

    public static func == (lhs: AuditChainReport, rhs: AuditChainReport) -> Bool {
        lhs.entries == rhs.entries && lhs.headHash == rhs.headHash
            && lhs.firstBroken?.sequence == rhs.firstBroken?.sequence
            && lhs.firstBroken?.reason == rhs.firstBroken?.reason
    }
}

extension AuditEntry: FetchableRecord {
    public init(row: Row) {
        self.init(
            sequence: row["seq"], at: Date(catalogMilliseconds: row["at"]), actor: row["actor"], action: row["action"],
            itemID: row["item_id"], detail: row["detail"], previousHash: Array(row["prev_hash"] as Data),
            hash: Array(row["hash"] as Data))
    }
}
