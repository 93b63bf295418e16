import Catalog
import CustodyCore
import CustodyTesting
import Foundation

/// Items whose due dates really lie in the past, made through the catalog's own writes: a due date
/// is never stored by hand (the retention pass recomputes it and skips an item whose stored one
/// disagrees), and every change gives 24 hours' notice from the instant it is made
/// (`Retention.minimumNotice`), so the change that shortens retention is made at an instant in the
/// past, as a dock whose pass was off for a while would see it.
enum PastDueItems {
    static let root = AuditActor(uid: 0, name: "root")

    /// Catalogues one verified item per entry of `ingested` (ingested at that instant, with the audit
    /// entries ingest writes), then sets `uncategorized`'s retention to one day by a change made at
    /// `changedAt`. An item ingested well before `changedAt` is then due a day after its ingest; one
    /// ingested now is due tomorrow. Returns the ids in the order of `ingested` (rowids 1, 2, … in a
    /// new store).
    static func catalogue(in catalog: EvidenceCatalog, ingested: [Date], changedAt: Date) throws -> [EvidenceID] {
        let records = ingested.enumerated().map { index, at in
            ItemRecord(
                id: EvidenceID(), state: .stored,
                sha256: SHA256Digest(bytes: testBytes(count: 32, seed: UInt64(index)))!,
                ciphertextSHA256: SHA256Digest(bytes: testBytes(count: 32, seed: UInt64(index) + 100_000))!, size: 10,
                ciphertextSize: 90, wrappedKey: testBytes(count: 60, seed: UInt64(index) + 200_000),
                source: SourceReference(
                    deviceID: nil, root: "/import", path: RawPath("DCIM/\(index).mp4"), size: 10,
                    modificationTimeNanoseconds: 5),
                ingestedAt: at, verifiedAt: nil)
        }
        try catalog.recordStored(
            records, events: records.map { AuditEvent(action: .itemStored, itemID: $0.id, detail: $0.storedFacts) })
        try catalog.recordVerified(
            records.map(\.id), events: records.map { AuditEvent(action: .itemVerified, itemID: $0.id) })
        _ = try catalog.changeCategory(
            CategoryRecord.uncategorized, retention: .days(1), at: changedAt,
            events: { preview in
                [
                    AuditEvent(
                        action: .categoryChanged,
                        detail: [
                            "category": CategoryRecord.uncategorized, "retention": "1d",
                            "moved": "\(preview.moves.count)",
                        ])
                ]
            }, by: root)
        return records.map(\.id)
    }
}
