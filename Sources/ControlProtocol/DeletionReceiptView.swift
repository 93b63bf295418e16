/// A shredded item as `show` and a deletion receipt print it (docs/cli-json.md): what it was, and who
/// deleted it, when and why. No key and no content remain.
public struct TombstoneView: Codable, Sendable, Equatable {
    public var item: String
    /// SHA-256 of the plaintext as recorded (still findable, so a re-ingest of the recording is
    /// recognised) and of the ciphertext object that was destroyed, hex.
    public var sha256: String
    public var ciphertextSHA256: String
    public var size: Int64
    /// RFC 3339 UTC.
    public var recordedAt: String?
    public var ingestedAt: String
    public var officer: String?
    public var device: String?
    public var categories: [String]
    /// The deletion request that took it, its reason, and whether the item was due then.
    public var deletion: Int64
    public var reason: String
    public var wasDue: Bool
    public var requestedBy: String
    public var requestedAt: String
    public var approvedBy: String?
    public var approvedAt: String?
    public var trashedAt: String?
    public var shreddedAt: String

    /// Creates a tombstone view.
    public init(
        item: String, sha256: String, ciphertextSHA256: String, size: Int64, recordedAt: String?, ingestedAt: String,
        officer: String?, device: String?, categories: [String], deletion: Int64, reason: String, wasDue: Bool,
        requestedBy: String, requestedAt: String, approvedBy: String?, approvedAt: String?, trashedAt: String?,
        shreddedAt: String
    ) {
        self.item = item
        self.sha256 = sha256
        self.ciphertextSHA256 = ciphertextSHA256
        self.size = size
        self.recordedAt = recordedAt
        self.ingestedAt = ingestedAt
        self.officer = officer
        self.device = device
        self.categories = categories
        self.deletion = deletion
        self.reason = reason
        self.wasDue = wasDue
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
        self.trashedAt = trashedAt
        self.shreddedAt = shreddedAt
    }

    enum CodingKeys: String, CodingKey {
        case item, sha256, size, officer, device, categories, deletion, reason
        case ciphertextSHA256 = "ciphertext_sha256"
        case recordedAt = "recorded_at"
        case ingestedAt = "ingested_at"
        case wasDue = "was_due"
        case requestedBy = "requested_by"
        case requestedAt = "requested_at"
        case approvedBy = "approved_by"
        case approvedAt = "approved_at"
        case trashedAt = "trashed_at"
        case shreddedAt = "shredded_at"
    }
}

/// `custody deletion receipt ITEM --json` (DESIGN §13, docs/retention.md): proof that an item was
/// erased — what, how, when, by whose approval — with the audit entries that record it, whole, so
/// anyone with read access to the catalog can recompute each entry's hash and find it in the chain
/// (`Tests/Interop/check_audit.py --receipt FILE`).
public struct DeletionReceiptView: Codable, Sendable, Equatable {
    /// The receipt format's version.
    public var receipt: Int
    public var generatedAt: String
    public var tombstone: TombstoneView
    /// How it was erased: the method's name and each step, in order.
    public var method: String
    public var steps: [String]
    /// The audit entries of the item's life and deletion, oldest first: its storing, the request and
    /// the approval that named it, its shred, and whatever else names the item.
    public var audit: [AuditEntryView]
    /// The chain's head when the receipt was made: every entry above is covered by it.
    public var auditHeadSeq: Int64
    public var auditHeadHash: String
    /// Backups that still hold the item's wrapped key, and the date after which none can.
    public var backups: BackupExposureView

    /// Creates a receipt.
    public init(
        receipt: Int, generatedAt: String, tombstone: TombstoneView, method: String, steps: [String],
        audit: [AuditEntryView], auditHeadSeq: Int64, auditHeadHash: String, backups: BackupExposureView
    ) {
        self.receipt = receipt
        self.generatedAt = generatedAt
        self.tombstone = tombstone
        self.method = method
        self.steps = steps
        self.audit = audit
        self.auditHeadSeq = auditHeadSeq
        self.auditHeadHash = auditHeadHash
        self.backups = backups
    }

    enum CodingKeys: String, CodingKey {
        case receipt, tombstone, method, steps, audit, backups
        case generatedAt = "generated_at"
        case auditHeadSeq = "audit_head_seq"
        case auditHeadHash = "audit_head_hash"
    }
}

/// The backups made before a shred, which still hold the shredded item's wrapped key until they
/// expire and are pruned.
public struct BackupExposureView: Codable, Sendable, Equatable {
    /// The latest expiry of those backups, RFC 3339 UTC; nil when no backup holds the key.
    public var heldUntil: String?
    public var snapshots: [BackupSnapshotView]

    /// Creates an exposure view.
    public init(heldUntil: String?, snapshots: [BackupSnapshotView]) {
        self.heldUntil = heldUntil
        self.snapshots = snapshots
    }

    enum CodingKeys: String, CodingKey {
        case snapshots
        case heldUntil = "held_until"
    }
}

/// One catalog backup snapshot, as a receipt names it.
public struct BackupSnapshotView: Codable, Sendable, Equatable {
    public var id: String
    public var madeAt: String
    public var expiresAt: String
    public var target: String

    /// Creates a snapshot view.
    public init(id: String, madeAt: String, expiresAt: String, target: String) {
        self.id = id
        self.madeAt = madeAt
        self.expiresAt = expiresAt
        self.target = target
    }

    enum CodingKeys: String, CodingKey {
        case id, target
        case madeAt = "made_at"
        case expiresAt = "expires_at"
    }
}
