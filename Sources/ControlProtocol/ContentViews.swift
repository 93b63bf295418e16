/// A view of one item's plaintext, opened for one caller (`view.open`): read it with `view.read`
/// ranges, close it with `view.close`. Each view is audited when it opens and when it ends.
public struct ContentView: Codable, Sendable, Equatable {
    /// The view's token: unguessable, good for the caller who opened it only.
    public var id: String
    public var item: String
    /// Plaintext bytes.
    public var size: Int64
    /// The file name it had on the camera.
    public var name: String
    /// SHA-256 recorded at ingest: what the served bytes must hash to.
    public var sha256: String
    /// `video`, `audio`, `photo`, `other`, when probed.
    public var kind: String?
    /// A MIME type players understand, from the name.
    public var mimeType: String

    public init(
        id: String, item: String, size: Int64, name: String, sha256: String, kind: String?, mimeType: String
    ) {
        self.id = id
        self.item = item
        self.size = size
        self.name = name
        self.sha256 = sha256
        self.kind = kind
        self.mimeType = mimeType
    }

    enum CodingKeys: String, CodingKey {
        case id, item, size, name, sha256, kind
        case mimeType = "mime_type"
    }
}

/// An export request and where it stands (`export.*`).
public struct ExportView: Codable, Sendable, Equatable {
    public var id: Int64
    public var items: [String]
    public var recipient: String
    public var purpose: String
    /// `requested`, `approved`, `rejected`, `opened`, `written`, `expired`.
    public var state: String
    public var requestedBy: String
    public var requestedAt: String
    public var approvedBy: String?
    public var approvedAt: String?
    public var validUntil: String?
    public var rejectedBy: String?
    public var rejectReason: String?
    public var writtenBy: String?
    public var writtenAt: String?
    /// SHA-256 of the bag's `manifest-sha256.txt`, recorded when the bag was written: always the
    /// expected one below (the daemon refuses any other).
    public var manifestSHA256: String?
    /// SHA-256 of the `manifest-sha256.txt` the daemon decided the bag must have, recorded when the
    /// export was first opened.
    public var expectedManifestSHA256: String?
    /// The audit chain's sequence number the bag's audit excerpts run to: each item's excerpt holds
    /// exactly the item's entries up to it. Set at every opening, fixed when the bag is written.
    public var excerptSeq: Int64?
    /// `export.open`: the payload files the bag must hold, in `items` order.
    public var payload: [ExportPayloadFile]?
    /// `export.open`: one content view per item, in `items` order, and each item's detail.
    public var views: [ContentView]?
    public var details: [ItemDetailView]?
    /// `export.open`: the audit chain's head when the export was opened.
    public var chainHead: AuditEntryView?

    public init(
        id: Int64, items: [String], recipient: String, purpose: String, state: String, requestedBy: String,
        requestedAt: String
    ) {
        self.id = id
        self.items = items
        self.recipient = recipient
        self.purpose = purpose
        self.state = state
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, items, recipient, purpose, state, views, details, payload
        case requestedBy = "requested_by"
        case requestedAt = "requested_at"
        case approvedBy = "approved_by"
        case approvedAt = "approved_at"
        case validUntil = "valid_until"
        case rejectedBy = "rejected_by"
        case rejectReason = "reject_reason"
        case writtenBy = "written_by"
        case writtenAt = "written_at"
        case manifestSHA256 = "manifest_sha256"
        case expectedManifestSHA256 = "expected_manifest_sha256"
        case excerptSeq = "excerpt_seq"
        case chainHead = "chain_head"
    }
}
