import CustodyCore
import Foundation
import GRDB

/// An export request and every step taken on it.
public struct ExportRecord: Sendable, Equatable {
    public var id: Int64
    public var items: [EvidenceID]
    public var recipient: String
    public var purpose: String
    public var requestedBy: String
    public var requestedAt: Date
    public var approvedBy: String?
    public var approvedAt: Date?
    public var validUntil: Date?
    public var rejectedBy: String?
    public var rejectedAt: Date?
    public var rejectReason: String?
    public var openedBy: String?
    public var openedAt: Date?
    public var writtenAt: Date?
    public var manifestSHA256: String?
    /// SHA-256 of the `manifest-sha256.txt` the daemon decided the bag must have (set when opened).
    public var expectedManifestSHA256: String?
    /// The chain's sequence number the bag's audit excerpts run to (set at each opening).
    public var excerptSeq: Int64?

    /// Where the export stands at `now`.
    public func state(at now: Date) -> String {
        if writtenAt != nil { return "written" }
        if openedAt != nil { return "opened" }
        if rejectedAt != nil { return "rejected" }
        if let validUntil, approvedAt != nil { return now < validUntil ? "approved" : "expired" }
        return "requested"
    }

    init(row: Row, items: [EvidenceID]) {
        func date(_ column: String) -> Date? { (row[column] as Int64?).map(Date.init(catalogMilliseconds:)) }
        id = row["id"]
        self.items = items
        recipient = row["recipient"]
        purpose = row["purpose"]
        requestedBy = row["requested_by"]
        requestedAt = Date(catalogMilliseconds: row["requested_at"])
        approvedBy = row["approved_by"]
        approvedAt = date("approved_at")
        validUntil = date("valid_until")
        rejectedBy = row["rejected_by"]
        rejectedAt = date("rejected_at")
        rejectReason = row["reject_reason"]
        openedBy = row["opened_by"]
        openedAt = date("opened_at")
        writtenAt = date("written_at")
        manifestSHA256 = row["manifest_sha256"]
        expectedManifestSHA256 = row["expected_manifest_sha256"]
        excerptSeq = row["excerpt_seq"]
    }
}
