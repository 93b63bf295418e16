import CustodyCore
import Foundation
import GRDB

/// One evidence item as the catalog holds it.
public struct ItemRecord: Sendable, Equatable {
    public var id: EvidenceID
    public var state: ItemState
    /// SHA-256 of the plaintext, computed while the source was read.
    public var sha256: SHA256Digest
    /// SHA-256 of the object file: also its name in the store.
    public var ciphertextSHA256: SHA256Digest
    public var size: Int64
    public var ciphertextSize: Int64
    /// The data key wrapped by the KEK (never shown).
    public var wrappedKey: [UInt8]

    /// Whether the item was crypto-shredded (DESIGN §13): its wrapped key is erased (zeros, set only
    /// by the shred's trigger) and its object removed; the row is its tombstone.
    public var isTombstone: Bool { wrappedKey.allSatisfy { $0 == 0 } }
    public var source: SourceReference
    public var ingestedAt: Date
    public var verifiedAt: Date?
    /// The probed media summary; nil until the item is probed.
    public var media: MediaSummary?
    /// What the dock session knew when it stored the item: the session, the device's clock offset and
    /// how it was measured, when it docked, the officer its identity record named; nil for an item not
    /// stored by a dock session (a folder or a `custodyd import`). Write-once.
    public var dock: DockFacts?
    /// Whose recording it is and why; nil until the item is probed.
    public var attribution: StoredAttribution?
    /// Every place the content was seen after it was stored, oldest first; loaded for one item
    /// (`EvidenceCatalog.item(matching:)`), empty in lists.
    public var sightings: [ItemSighting] = []
    /// Review and retention as materialised on the item (DESIGN §12); not written by `insert`.
    public var review = StoredReview()
    /// When a retention pass marked it due (DESIGN §13); not written by `insert`.
    public var dueMarkedAt: Date?
    /// Its deletion as the item row keeps it (`ItemStateSchema`), and when the grace period ends
    /// (trashed) or when it was shredded; not written by `insert`.
    public var deletion: ItemLifecycle.Deletion?
    public var deletionAt: Date?

    /// Where the item stands, as people read it everywhere (`ItemLifecycle`).
    public var lifecycle: ItemLifecycle {
        ItemLifecycle(ingest: state, dueMarked: dueMarkedAt != nil, deletion: deletion, deletionAt: deletionAt)
    }

    /// Creates a record.
    public init(
        id: EvidenceID, state: ItemState, sha256: SHA256Digest, ciphertextSHA256: SHA256Digest, size: Int64,
        ciphertextSize: Int64, wrappedKey: [UInt8], source: SourceReference, ingestedAt: Date, verifiedAt: Date?
    ) {
        self.id = id
        self.state = state
        self.sha256 = sha256
        self.ciphertextSHA256 = ciphertextSHA256
        self.size = size
        self.ciphertextSize = ciphertextSize
        self.wrappedKey = wrappedKey
        self.source = source
        self.ingestedAt = ingestedAt
        self.verifiedAt = verifiedAt
    }
}

extension ItemRecord: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "item"

    /// Column names, for queries.
    public enum Columns {
        static let id = Column("id")
        static let state = Column("state")
        static let sha256 = Column("sha256")
        static let ciphertextSHA256 = Column("ciphertext_sha256")
        static let sourceDevice = Column("source_device")
        static let sourceRoot = Column("source_root")
        static let sourcePath = Column("source_path")
        static let sourceSize = Column("source_size")
        static let sourceModificationTime = Column("source_mtime_ns")
        static let sourceModificationTimeRaw = Column("source_mtime_raw")
        static let ingestedAt = Column("ingested_at")
        static let verifiedAt = Column("verified_at")
        static let mediaKind = Column("media_kind")
        static let recordedAt = Column("recorded_at")
        static let officerID = Column("officer_id")
        static let hasLocation = Column("has_location")
        static let unitID = Column("unit_id")
        static let nameDevice = Column("name_device")
        static let attributionFlags = Column("attribution_flags")
        static let dockSession = Column("dock_session")
        static let dueAt = Column("due_at")
        static let reviewState = Column("review_state")
        static let fixityFailedAt = Column("fixity_failed_at")
        static let dueMarkedAt = Column("due_marked_at")
        static let deletionState = Column("deletion_state")
    }

    public init(row: Row) throws {
        let idText: String = row["id"]
        guard let id = EvidenceID(idText),
            let state = ItemState(rawValue: row["state"]),
            let sha256 = SHA256Digest(bytes: row["sha256"] as Data),
            let ciphertextSHA256 = SHA256Digest(bytes: row["ciphertext_sha256"] as Data)
        else {
            throw CatalogError(code: .database, message: "catalog row for item \(idText) is malformed")
        }
        self.init(
            id: id, state: state, sha256: sha256, ciphertextSHA256: ciphertextSHA256, size: row["size"],
            ciphertextSize: row["ciphertext_size"], wrappedKey: Array(row["wrapped_key"] as Data),
            source: SourceReference(catalogRow: row),
            ingestedAt: Date(catalogMilliseconds: row["ingested_at"]),
            verifiedAt: (row["verified_at"] as Int64?).map(Date.init(catalogMilliseconds:)))
        if let source = (row["officer_source"] as String?).flatMap(OfficerAttribution.Source.init) {
            attribution = StoredAttribution(
                source: source, unitID: row["unit_id"], fileNameDevice: row["name_device"],
                flags: StoredAttribution.flags(fromJSON: row["attribution_flags"]))
        } else if let flags = row["attribution_flags"] as String? {
            attribution = StoredAttribution(
                source: nil, unitID: row["unit_id"], fileNameDevice: row["name_device"],
                flags: StoredAttribution.flags(fromJSON: flags))
        }
        if row.hasColumn("due_at") { review = StoredReview(row: row) }
        if row.hasColumn("deletion_state") {
            dueMarkedAt = (row["due_marked_at"] as Int64?).map(Date.init(catalogMilliseconds:))
            deletion = (row["deletion_state"] as String?).flatMap(ItemLifecycle.Deletion.init)
            deletionAt = (row["deletion_at"] as Int64?).map(Date.init(catalogMilliseconds:))
        }
        if row.hasColumn("media_kind"), let kind = (row["media_kind"] as String?).flatMap(MediaMetadata.Kind.init) {
            media = MediaSummary(
                kind: kind, recordedAt: (row["recorded_at"] as Int64?).map(Date.init(catalogMilliseconds:)),
                recordedAtSource: row["recorded_at_source"], durationMilliseconds: row["duration_ms"],
                officerID: row["officer_id"], hasLocation: (row["has_location"] as Int?) == 1,
                damage: row["media_damaged"],
                unreadable: row.hasColumn("media_unreadable") ? row["media_unreadable"] : nil)
        }
        if row.hasColumn("dock_session"), let session = (row["dock_session"] as String?).flatMap(EvidenceID.init) {
            dock = DockFacts(sessionID: session)
            if let milliseconds = row["clock_offset_ms"] as Int64?,
                let method = (row["clock_offset_method"] as String?).flatMap(ClockOffset.Method.init)
            {
                dock?.clockOffset = ClockOffset(seconds: Double(milliseconds) / 1000, method: method)
            }
            dock?.dockedAt = (row["docked_at"] as Int64?).map(Date.init(catalogMilliseconds:))
            dock?.identityOfficer = row["identity_officer"]
        }
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id.description
        container["state"] = state.rawValue
        container["sha256"] = Data(sha256.bytes)
        container["ciphertext_sha256"] = Data(ciphertextSHA256.bytes)
        container["size"] = size
        container["ciphertext_size"] = ciphertextSize
        container["wrapped_key"] = Data(wrappedKey)
        source.encode(to: &container)
        container["ingested_at"] = ingestedAt.catalogMilliseconds
        container["verified_at"] = verifiedAt?.catalogMilliseconds
        container["dock_session"] = dock?.sessionID.description
        container["clock_offset_ms"] = dock?.clockOffset.map { Int64(($0.seconds * 1000).rounded()) }
        container["clock_offset_method"] = dock?.clockOffset?.method.rawValue
        container["docked_at"] = dock?.dockedAt?.catalogMilliseconds
        container["identity_officer"] = dock?.identityOfficer
    }
}

extension SourceReference {
    /// The `source_*` columns of an item or a sighting row.
    init(catalogRow row: Row) {
        self.init(
            deviceID: row["source_device"], root: row["source_root"],
            path: RawPath(bytes: Array(row["source_path"] as Data)), size: row["source_size"],
            modificationTimeNanoseconds: row["source_mtime_ns"], modificationTimeRaw: row["source_mtime_raw"],
            modificationTimeZone: row["source_mtime_zone"])
    }

    /// Writes the `source_*` columns.
    func encode(to container: inout PersistenceContainer) {
        container["source_device"] = deviceID
        container["source_root"] = root
        container["source_path"] = Data(path.bytes)
        container["source_path_display"] = path.displayString
        container["source_size"] = size
        container["source_mtime_ns"] = modificationTimeNanoseconds
        container["source_mtime_raw"] = modificationTimeRaw
        container["source_mtime_zone"] = modificationTimeZone
    }
}

extension Date {
    /// Milliseconds since the Unix epoch: how the catalog stores instants, so ranges are integer compares.
    public var catalogMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The instant `milliseconds` after the Unix epoch.
    public init(catalogMilliseconds milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

/// The typed media columns of an item: what reviewers filter and sort on.
public struct MediaSummary: Sendable, Equatable {
    public var kind: MediaMetadata.Kind
    /// The recorded-at time (corrected by the dock's clock offset when there was one).
    public var recordedAt: Date?
    /// Where `recordedAt` came from: `container`, `exif`, `file_name` or `filesystem`.
    public var recordedAtSource: String?
    public var durationMilliseconds: Int64?
    public var officerID: String?
    public var hasLocation: Bool
    /// Why the media looks damaged, if it does.
    public var damage: String?
    /// Why the file could not be read as media at all (empty, no known container, probing failed).
    public var unreadable: String?

    /// What a reviewer should look at, by short name: `unreadable`, `damaged` (docs/cli-json.md).
    public var flags: [String] {
        (unreadable == nil ? [] : ["unreadable"]) + (damage == nil ? [] : ["damaged"])
    }

    public init(_ metadata: MediaMetadata) {
        kind = metadata.kind
        recordedAt = metadata.recordedAt.map { $0.corrected ?? $0.time }
        recordedAtSource = metadata.recordedAt?.source.rawValue
        durationMilliseconds = metadata.durationSeconds.map { Int64(($0 * 1000).rounded()) }
        officerID = metadata.nameFields?.officerID
        hasLocation = metadata.location != nil
        damage = metadata.damage
        unreadable = metadata.unreadable
    }

    init(
        kind: MediaMetadata.Kind, recordedAt: Date?, recordedAtSource: String?, durationMilliseconds: Int64?,
        officerID: String?, hasLocation: Bool, damage: String?, unreadable: String? = nil
    ) {
        self.unreadable = unreadable
        self.kind = kind
        self.recordedAt = recordedAt
        self.recordedAtSource = recordedAtSource
        self.durationMilliseconds = durationMilliseconds
        self.officerID = officerID
        self.hasLocation = hasLocation
        self.damage = damage
    }
}

/// How an item's officer was decided, as stored.
public struct StoredAttribution: Sendable, Equatable {
    /// Which source named the officer; nil when none did.
    public var source: OfficerAttribution.Source?
    /// The officer's unit when the item was attributed, if the officer is registered.
    public var unitID: String?
    /// The device id in the file name, when the rule found one.
    public var fileNameDevice: String?
    /// The disagreements between the sources.
    public var flags: [String]

    static func flags(fromJSON text: String?) -> [String] {
        guard let text, let flags = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return [] }
        return flags
    }
}

extension DockFacts {
    /// The facts as an item's `item.stored` entry records them (docs/audit-log.md), in the units of
    /// their columns, so a cross-check recomputes them from the row exactly.
    public var auditDetail: [String: String] {
        var detail = ["session": sessionID.description]
        if let offset = clockOffset {
            detail["clock_offset_ms"] = "\(Int64((offset.seconds * 1000).rounded()))"
            detail["clock_offset_method"] = offset.method.rawValue
        }
        detail["docked_at"] = dockedAt.map { "\($0.catalogMilliseconds)" }
        detail["identity_officer"] = identityOfficer
        return detail
    }
}

/// The review and retention columns of an item, as materialised (DESIGN §12).
public struct StoredReview: Sendable, Equatable {
    /// `pending`, `reviewed`, or nil before verification.
    public var state: String?
    /// When the item becomes due; nil when never (permanent or held) or not yet evaluated.
    public var dueAt: Date?
    /// `recorded_at` or `ingested_at`: what the retention counts from.
    public var clock: String?
    /// Why recorded-at was not trusted.
    public var clockFlag: String?
    /// The category whose retention won.
    public var category: String?
    /// When the object first failed a fixity check.
    public var fixityFailedAt: Date?

    public init() {}

    init(row: Row) {
        state = row["review_state"]
        dueAt = (row["due_at"] as Int64?).map(Date.init(catalogMilliseconds:))
        clock = row["retention_clock"]
        clockFlag = row["retention_clock_flag"]
        category = row["retention_category"]
        fixityFailedAt = (row["fixity_failed_at"] as Int64?).map(Date.init(catalogMilliseconds:))
    }
}
