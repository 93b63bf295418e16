import CustodyCore
import Foundation

/// The stable JSON shape of one item, as `custodyd list/show --json`, `custody list/show --json` and the
/// control socket carry it (docs/cli-json.md). Never includes key material. Built in the daemon from a
/// catalog record (`ItemView.init(_: ItemRecord)` in CustodyDaemon), so this module needs no catalog.
public struct ItemView: Codable, Sendable, Equatable {
    public struct Source: Codable, Sendable, Equatable {
        public var device: String?
        public var root: String
        /// The path, printable (invalid UTF-8 and control bytes as `\xNN`).
        public var path: String
        /// The exact path bytes, hex.
        public var pathHex: String
        public var size: Int64
        /// Modification time, RFC 3339 UTC with nanoseconds.
        public var modified: String
        /// The modification time as the source filesystem stored it (FAT: local time), when not an instant.
        public var modifiedRaw: String?
        /// The zone `modified` was computed in, and whether it was recorded or assumed.
        public var modifiedZone: String?

        /// Creates a source description.
        public init(
            device: String?, root: String, path: String, pathHex: String, size: Int64, modified: String,
            modifiedRaw: String? = nil, modifiedZone: String? = nil
        ) {
            self.device = device
            self.root = root
            self.path = path
            self.pathHex = pathHex
            self.size = size
            self.modified = modified
            self.modifiedRaw = modifiedRaw
            self.modifiedZone = modifiedZone
        }

        enum CodingKeys: String, CodingKey {
            case device, root, path, size, modified
            case pathHex = "path_hex"
            case modifiedRaw = "modified_raw"
            case modifiedZone = "modified_zone"
        }
    }

    public var id: String
    /// Where the item stands (`ItemLifecycle.State`'s stable names): `stored`, `verified`, `due`,
    /// `deletion_requested`, `trashed`, `shredded`.
    public var state: String
    /// Trashed: when its grace period ends and the shred takes it (RFC 3339). Absent otherwise.
    public var shredAfter: String?
    /// Shredded: when (RFC 3339). Absent otherwise.
    public var shreddedAt: String?
    public var sha256: String
    public var ciphertextSHA256: String
    public var size: Int64
    public var ciphertextSize: Int64
    public var source: Source
    public var ingestedAt: String
    public var verifiedAt: String?
    /// The probed media summary; absent until the item is probed.
    public var media: Media?
    /// Whose recording it is, from which source, and what disagreed; absent until probed.
    public var attribution: Attribution?
    /// `pending`, `reviewed`; absent before verification.
    public var reviewState: String?
    /// When the item becomes due (absent: never, permanent or held), and the category that decided.
    public var dueAt: String?
    public var retentionCategory: String?
    /// When the item's object first failed a fixity check.
    public var fixityFailedAt: String?
    /// What a reviewer should look at, by short name: `unreadable` (not readable as media at all),
    /// `damaged` (media that looks damaged), `attribution` (officer sources disagreed); `[]` when none.
    /// What `list --flagged` finds.
    public var flags: [String]?

    /// How the item's officer was decided (DESIGN §11).
    public struct Attribution: Codable, Sendable, Equatable {
        /// The officer's badge id.
        public var officer: String?
        /// `registry`, `identity_record` or `file_name`.
        public var source: String?
        /// The officer's unit, when the officer is registered.
        public var unit: String?
        /// The officer the docked device's identity record named.
        public var identityOfficer: String?
        /// When the device docked (RFC 3339), for items from a dock.
        public var dockedAt: String?
        /// The device id the file name carries.
        public var fileNameDevice: String?
        /// Every disagreement between the sources; empty when they agree.
        public var flags: [String]

        public init(
            officer: String?, source: String?, unit: String?, identityOfficer: String?, dockedAt: String?,
            fileNameDevice: String?, flags: [String]
        ) {
            self.officer = officer
            self.source = source
            self.unit = unit
            self.identityOfficer = identityOfficer
            self.dockedAt = dockedAt
            self.fileNameDevice = fileNameDevice
            self.flags = flags
        }

        enum CodingKeys: String, CodingKey {
            case officer, source, unit, flags
            case identityOfficer = "identity_officer"
            case dockedAt = "docked_at"
            case fileNameDevice = "file_name_device"
        }
    }

    /// The dock session that stored the item; absent for items from a folder or `import`.
    public var dock: Dock?
    /// Every other place the content was seen after it was stored, oldest first (`show` only; absent in
    /// lists and when there is none).
    public var seen: [Sighting]?

    /// A place an item's content was seen again: another name, root or device.
    public struct Sighting: Codable, Sendable, Equatable {
        /// When, RFC 3339 UTC.
        public var at: String
        /// Where: the same shape as the item's own source.
        public var source: Source
        /// The dock session that saw it, if one did.
        public var session: String?

        /// Creates a sighting.
        public init(at: String, source: Source, session: String? = nil) {
            self.at = at
            self.source = source
            self.session = session
        }
    }

    /// Which dock session stored an item, and the device clock offset it measured.
    public struct Dock: Codable, Sendable, Equatable {
        /// The session id (`session` in its `dock.started` and `dock.finished` audit entries).
        public var session: String
        /// Device minus system time at docking, seconds; nil when the clock was not read.
        public var clockOffsetSeconds: Double?
        /// How it was read: `device_protocol`.
        public var clockOffsetMethod: String?

        /// Creates a dock description.
        public init(session: String, clockOffsetSeconds: Double? = nil, clockOffsetMethod: String? = nil) {
            self.session = session
            self.clockOffsetSeconds = clockOffsetSeconds
            self.clockOffsetMethod = clockOffsetMethod
        }

        enum CodingKeys: String, CodingKey {
            case session
            case clockOffsetSeconds = "clock_offset_seconds"
            case clockOffsetMethod = "clock_offset_method"
        }
    }

    /// The typed media fields (docs/cli-json.md).
    public struct Media: Codable, Sendable, Equatable {
        public var kind: String
        public var recordedAt: String?
        public var recordedAtSource: String?
        public var durationSeconds: Double?
        public var officer: String?
        public var hasLocation: Bool
        public var damaged: String?
        /// Why the file could not be read as media (empty, no known container), or nil.
        public var unreadable: String?

        /// Creates a media summary.
        public init(
            kind: String, recordedAt: String? = nil, recordedAtSource: String? = nil, durationSeconds: Double? = nil,
            officer: String? = nil, hasLocation: Bool = false, damaged: String? = nil, unreadable: String? = nil
        ) {
            self.unreadable = unreadable
            self.kind = kind
            self.recordedAt = recordedAt
            self.recordedAtSource = recordedAtSource
            self.durationSeconds = durationSeconds
            self.officer = officer
            self.hasLocation = hasLocation
            self.damaged = damaged
        }

        enum CodingKeys: String, CodingKey {
            case kind, officer, damaged, unreadable
            case recordedAt = "recorded_at"
            case recordedAtSource = "recorded_at_source"
            case durationSeconds = "duration_seconds"
            case hasLocation = "has_location"
        }
    }

    /// Creates an item view.
    public init(
        id: String, state: String, sha256: String, ciphertextSHA256: String, size: Int64, ciphertextSize: Int64,
        source: Source, ingestedAt: String, verifiedAt: String? = nil, media: Media? = nil,
        attribution: Attribution? = nil
    ) {
        self.attribution = attribution
        self.id = id
        self.state = state
        self.sha256 = sha256
        self.ciphertextSHA256 = ciphertextSHA256
        self.size = size
        self.ciphertextSize = ciphertextSize
        self.source = source
        self.ingestedAt = ingestedAt
        self.verifiedAt = verifiedAt
        self.media = media
    }

    enum CodingKeys: String, CodingKey {
        case id, state, sha256, size, source, media, attribution, dock, seen, flags
        case ciphertextSHA256 = "ciphertext_sha256"
        case ciphertextSize = "ciphertext_size"
        case ingestedAt = "ingested_at"
        case verifiedAt = "verified_at"
        case reviewState = "review_state"
        case dueAt = "due_at"
        case retentionCategory = "retention_category"
        case fixityFailedAt = "fixity_failed_at"
        case shredAfter = "shred_after"
        case shreddedAt = "shredded_at"
    }
}

/// The JSON shape of `list --json`: `{"count": N, "items": [item, …]}`, and `total` (every match)
/// and `next` (the cursor for `--after`, absent on the last page) when known.
public struct ItemListView: Codable, Sendable, Equatable {
    public var items: [ItemView]
    public var count: Int
    public var total: Int?
    public var next: String?

    /// Creates a list view of `items`.
    public init(items: [ItemView]) {
        self.items = items
        count = items.count
    }
}

/// The JSON shape of `show --json`: the item, everything probing found, and its audit trail.
public struct ItemDetailView: Codable, Sendable, Equatable {
    public var item: ItemView
    /// Everything probing found, whole; nil until the item is probed.
    public var metadata: MediaMetadata?
    /// The item's audit entries, oldest first.
    public var audit: [AuditEntryView]
    /// Its review, categories, retention, holds and notes.
    public var review: ItemReviewView?
    /// Set when the item was crypto-shredded: the row is a tombstone, its key and content are gone.
    public var tombstone: TombstoneView?

    /// Creates a detail view.
    public init(item: ItemView, metadata: MediaMetadata?, audit: [AuditEntryView]) {
        self.item = item
        self.metadata = metadata
        self.audit = audit
    }
}

/// One audit entry as the CLIs print it.
public struct AuditEntryView: Codable, Sendable, Equatable {
    public var seq: Int64
    /// RFC 3339 UTC.
    public var at: String
    /// `uid:1000(alice)`.
    public var actor: String
    public var action: String
    /// The stored detail: JSON text with sorted keys.
    public var detail: String
    /// The item it concerns, when any.
    public var item: String?
    /// The entry's `at` as stored (milliseconds since the epoch), its previous entry's hash and its
    /// own, hex: enough to recompute the hash (docs/audit-log.md) and check it against the chain.
    public var atMilliseconds: Int64?
    public var prevHash: String?
    public var hash: String?

    /// Creates an entry view.
    public init(
        seq: Int64, at: String, actor: String, action: String, detail: String, item: String? = nil,
        atMilliseconds: Int64? = nil, prevHash: String? = nil, hash: String? = nil
    ) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.action = action
        self.detail = detail
        self.item = item
        self.atMilliseconds = atMilliseconds
        self.prevHash = prevHash
        self.hash = hash
    }

    enum CodingKeys: String, CodingKey {
        case seq, at, actor, action, detail, item, hash
        case atMilliseconds = "at_ms"
        case prevHash = "prev_hash"
    }
}
