import Catalog
import ControlProtocol
import CustodyCore
import Foundation

/// `deletion receipt ITEM` (DESIGN §13): the proof of a crypto-shred, for administrators and
/// auditors. Everything in it is read from the catalog in one transaction; its audit entries are
/// whole, so a checker recomputes their hashes instead of trusting this daemon.
extension Operations {
    /// The receipt format's version (docs/cli-json.md).
    static let receiptVersion = 1

    static let erasureMethod = "cryptographic erase (NIST SP 800-88 Rev. 1, Purge)"
    static let erasureSteps = [
        "the item's AES-256-GCM data key, stored only wrapped by the key-encryption key, was overwritten with zeros in the catalog in the transaction that recorded the shred (SQLite secure_delete on: freed pages are zeroed)",
        "the catalog's write-ahead log was checkpointed and truncated, so no page of the database, its WAL or shared memory holds the key",
        "the ciphertext object was overwritten, fsynced and unlinked, and its directory fsynced",
    ]

    func deletionReceipt(_ arguments: ControlArguments, _ context: OperationContext) throws -> ControlResponse {
        let text = try Self.required(arguments.item, "item", of: "deletion receipt")
        let allowance = try context.authorize(.viewDeletions)
        let item = try catalog.item(matching: text).id
        let facts = try catalog.deletionReceiptFacts(for: item)
        let receipt = DeletionReceiptView(
            receipt: Self.receiptVersion, generatedAt: Timestamps.rfc3339(context.now),
            tombstone: TombstoneView(facts.tombstone), method: Self.erasureMethod, steps: Self.erasureSteps,
            audit: facts.entries.map(AuditEntryView.init), auditHeadSeq: facts.head.sequence,
            auditHeadHash: Hex.encode(facts.head.hash),
            backups: try backupExposure(of: facts.tombstone))
        try allowance.record(.deletionsViewed, ["receipt": item.description, "deletion": "\(facts.tombstone.request.id)"])
        return .answer(id: context.request.id) { $0.receipt = receipt }
    }
}

extension TombstoneView {
    /// The view of a tombstone record.
    init(_ tombstone: TombstoneRecord) {
        let item = tombstone.item
        self.init(
            item: item.id.description, sha256: item.sha256.hex, ciphertextSHA256: item.ciphertextSHA256.hex,
            size: item.size, recordedAt: item.media?.recordedAt.map(Timestamps.rfc3339),
            ingestedAt: Timestamps.rfc3339(item.ingestedAt), officer: item.media?.officerID,
            device: item.source.deviceID, categories: tombstone.categories, deletion: tombstone.request.id,
            reason: tombstone.request.reason, wasDue: tombstone.deletion.wasDue,
            requestedBy: tombstone.request.requestedBy, requestedAt: Timestamps.rfc3339(tombstone.request.requestedAt),
            approvedBy: tombstone.request.approvedBy, approvedAt: tombstone.request.approvedAt.map(Timestamps.rfc3339),
            trashedAt: tombstone.deletion.trashedAt.map(Timestamps.rfc3339),
            shreddedAt: tombstone.deletion.shreddedAt.map(Timestamps.rfc3339) ?? "")
    }
}

extension Operations {
    /// The backups recorded in the catalog that may still hold the shredded item's wrapped key: made
    /// after it was ingested and before its shred, and not pruned. Each holds it until it is pruned,
    /// which `custodyd backup prune` does once its lifetime ends.
    func backupExposure(of tombstone: TombstoneRecord) throws -> BackupExposureView {
        guard let shreddedAt = tombstone.deletion.shreddedAt else { return BackupExposureView(heldUntil: nil, snapshots: []) }
        let holding = try catalog.backupSnapshots().filter {
            $0.madeAt >= tombstone.item.ingestedAt && $0.mayHoldKey(ofItemShreddedAt: shreddedAt)
        }
        return BackupExposureView(
            heldUntil: holding.map(\.expiresAt).max().map(Timestamps.rfc3339),
            snapshots: holding.map {
                BackupSnapshotView(
                    id: $0.snapshot, madeAt: Timestamps.rfc3339($0.madeAt), expiresAt: Timestamps.rfc3339($0.expiresAt),
                    target: $0.target)
            })
    }
}
