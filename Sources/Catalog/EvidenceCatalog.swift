import CustodyCore
import Foundation
import GRDB

/// The catalog: items, ingest intents and the audit chain, in one SQLite database (WAL, foreign keys,
/// `synchronous=FULL`, `secure_delete`). Every mutation and its audit entries commit together.
public struct EvidenceCatalog: Sendable {
    /// How long a connection waits for another's lock before failing with SQLITE_BUSY.
    static let busyTimeoutMilliseconds = 30_000

    /// A pool when opened for writing; a read-only queue for `init(readingOnly:)`.
    private let pool: any DatabaseWriter
    /// Who this process acts as, in the audit log.
    public let actor: AuditActor
    /// The database file.
    public let path: String

    /// Opens an existing catalog and applies pending migrations.
    /// - Throws: `CatalogError.unavailable` when the file is missing or not a Custody catalog.
    public init(path: String, actor: AuditActor) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CatalogError(
                code: .unavailable,
                message: "no catalog at \(path); create the state directory with `custodyd init`")
        }
        try self.init(opening: path, actor: actor)
    }

    private init(opening path: String, actor: AuditActor) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(Double(Self.busyTimeoutMilliseconds) / 1000)
        configuration.prepareDatabase { db in
            // FULL: a commit is on disk when it returns, so a verified row survives power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try CatalogMigrations.migrator.migrate(pool)
        } catch let error as DatabaseError {
            if let full = CatalogFiles.diskFullMessage(for: error, path: path) {
                throw CatalogError(code: .database, message: full, cause: error)
            }
            throw CatalogError(code: .unavailable, message: "cannot open the catalog at \(path)", cause: error)
        }
        self.actor = actor
        self.path = path
    }

    /// Opens an existing catalog for reading only: nothing is migrated or written, so it works on a
    /// read-only copy and for a user who may only read the file (`audit verify`, keyless `verify`).
    /// - Throws: `CatalogError.unavailable` when the file is missing or cannot be read.
    public init(readingOnly path: String, actor: AuditActor) throws {
        pool = try CatalogFiles.openReadOnly(path)
        self.actor = actor
        self.path = path
    }

    /// Whether this catalog was opened by `init(readingOnly:)`: writes (audit entries too) fail.
    public var isReadOnly: Bool { pool.configuration.readonly }

    /// Creates a new catalog bound to a KEK fingerprint and audits its creation. The file and its
    /// `-wal` and `-shm` companions are 0600 whatever the umask: the catalog holds wrapped keys.
    /// - Throws: `CatalogError.unavailable` if one already exists there.
    public static func create(path: String, actor: AuditActor, keyFingerprint: [UInt8]) throws -> EvidenceCatalog {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CatalogError(
                code: .unavailable, message: "a catalog already exists at \(path); refusing to replace it")
        }
        try CatalogFiles.createPrivate(path)
        let catalog = try EvidenceCatalog(opening: path, actor: actor)
        try catalog.write { db in
            try db.execute(
                sql: "INSERT INTO store_meta (key, value) VALUES ('kek_fingerprint', ?), ('format_version', ?)",
                arguments: [Data(keyFingerprint), Data("1".utf8)])
            try AuditChain.append(
                [AuditEvent(action: .storeCreated, detail: ["kek_fingerprint": Hex.encode(keyFingerprint)])],
                actor: actor, at: Date(), in: db)
        }
        return catalog
    }

    /// The fingerprint of the KEK this store was created with.
    /// - Throws: `CatalogError.unavailable` when it is missing.
    public func keyFingerprint() throws -> [UInt8] {
        let value = try read { db in
            try Data.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'kek_fingerprint'")
        }
        guard let value else {
            throw CatalogError(code: .unavailable, message: "the catalog at \(path) records no key fingerprint")
        }
        return Array(value)
    }

    // MARK: - Ingest

    /// The catalogued items that came from the same source file (same root, path, size and
    /// modification time) — the candidate for "already in the store". Where the filesystem stored the
    /// time without a zone (FAT), the raw stored value is compared, so the same card imported with a
    /// different assumed zone is still recognised.
    /// Several items can share a source key when one card slot or folder later held different content.
    public func itemsFromSameSource(_ source: SourceReference) throws -> [ItemRecord] {
        try read { db in
            var request =
                ItemRecord
                .filter(ItemRecord.Columns.sourceRoot == source.root)
                .filter(ItemRecord.Columns.sourcePath == Data(source.path.bytes))
                .filter(ItemRecord.Columns.sourceSize == source.size)
            if let raw = source.modificationTimeRaw {
                request = request.filter(ItemRecord.Columns.sourceModificationTimeRaw == raw)
            } else {
                request = request.filter(
                    ItemRecord.Columns.sourceModificationTime == source.modificationTimeNanoseconds)
            }
            return try request.fetchAll(db)
        }
    }

    /// Records the intent to rename objects into place (step 3 of the commit protocol).
    public func recordIntents(_ objects: [(id: EvidenceID, ciphertextSHA256: SHA256Digest)]) throws {
        let now = Date().catalogMilliseconds
        try write { db in
            for object in objects {
                try db.execute(
                    sql: "INSERT INTO pending_object (item_id, ciphertext_sha256, created_at) VALUES (?, ?, ?)",
                    arguments: [object.id.description, Data(object.ciphertextSHA256.bytes), now])
            }
        }
    }

    /// Intents left by an interrupted ingest: their objects may or may not be in place.
    public func pendingObjects() throws -> [(id: EvidenceID, ciphertextSHA256: SHA256Digest)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT item_id, ciphertext_sha256 FROM pending_object").compactMap { row in
                guard let id = EvidenceID(row["item_id"] as String),
                    let hash = SHA256Digest(bytes: row["ciphertext_sha256"] as Data)
                else { return nil }
                return (id, hash)
            }
        }
    }

    /// Drops intents whose objects recovery has removed, auditing each.
    public func discardIntents(_ ids: [EvidenceID], reason: String) throws {
        try write { db in
            for id in ids {
                try db.execute(sql: "DELETE FROM pending_object WHERE item_id = ?", arguments: [id.description])
            }
            try AuditChain.append(
                ids.map { AuditEvent(action: .recoveryDiscarded, itemID: $0, detail: ["reason": reason]) },
                actor: actor, at: Date(), in: db)
        }
    }

    /// Inserts items in state `stored`, clears their intents and writes `events`, in one transaction
    /// (step 5).
    public func recordStored(_ items: [ItemRecord], events: [AuditEvent]) throws {
        try write { db in
            for item in items {
                precondition(item.state == .stored)
                try item.insert(db)
                try db.execute(sql: "DELETE FROM pending_object WHERE item_id = ?", arguments: [item.id.description])
            }
            // Retention counts from ingest until probing finds a recorded-at (DESIGN §12).
            try Self.refreshRetention(of: items.map(\.id.description), at: Date(), in: db)
            try AuditChain.append(events, actor: actor, at: Date(), in: db)
        }
    }

    /// Marks items verified (their read-back matched) and writes `events`, in one transaction (step 6).
    public func recordVerified(_ ids: [EvidenceID], events: [AuditEvent]) throws {
        let now = Date()
        try write { db in
            for id in ids {
                try db.execute(
                    sql: "UPDATE item SET state = 'verified', verified_at = ? WHERE id = ? AND state = 'stored'",
                    arguments: [now.catalogMilliseconds, id.description])
                guard db.changesCount == 1 else {
                    throw CatalogError(code: .notFound, message: "item \(id) is not awaiting verification")
                }
            }
            try AuditChain.append(events, actor: actor, at: now, in: db)
        }
    }

    /// Removes a `stored` item whose read-back failed, so the source is ingested again; never touches a
    /// verified item. Audited.
    public func removeUnverifiedItem(_ id: EvidenceID, reason: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM item WHERE id = ? AND state = 'stored'", arguments: [id.description])
            guard db.changesCount == 1 else {
                throw CatalogError(code: .notFound, message: "item \(id) is not an unverified item")
            }
            try AuditChain.append(
                [AuditEvent(action: .itemDiscarded, itemID: id, detail: ["reason": reason])],
                actor: actor, at: Date(), in: db)
        }
    }

    /// Records what probing found for each item, and audits it, in one transaction.
    public func recordMedia(_ results: [(id: EvidenceID, metadata: MediaMetadata)], reprobe: Bool = false) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try write { db in
            for (id, metadata) in results {
                let summary = MediaSummary(metadata)
                guard let attributed = try Self.attribute(id, fileName: metadata.nameFields, in: db) else {
                    throw CatalogError(code: .notFound, message: "no item \(id) to record media metadata for")
                }
                let (attribution, unitID) = attributed
                try db.execute(
                    sql: """
                        UPDATE item SET media_kind = ?, recorded_at = ?, recorded_at_source = ?, duration_ms = ?,
                            officer_id = ?, has_location = ?, media_damaged = ?, metadata = ?,
                            officer_source = ?, unit_id = ?, name_device = ?, attribution_flags = ?,
                            media_unreadable = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        summary.kind.rawValue, summary.recordedAt?.catalogMilliseconds, summary.recordedAtSource,
                        summary.durationMilliseconds, attribution.officerID, summary.hasLocation ? 1 : 0,
                        summary.damage, String(decoding: try encoder.encode(metadata), as: UTF8.self),
                        attribution.source?.rawValue, unitID, metadata.nameFields?.deviceID?.uppercased(),
                        attribution.flags.isEmpty
                            ? nil : String(decoding: try encoder.encode(attribution.flags), as: UTF8.self),
                        summary.unreadable, id.description,
                    ])
                var detail = ["kind": summary.kind.rawValue]
                detail["officer"] = attribution.officerID
                detail["officer_source"] = attribution.source?.rawValue
                if !attribution.flags.isEmpty { detail["attribution_flags"] = attribution.flags.joined(separator: "; ") }
                detail["damage"] = summary.damage
                detail["unreadable"] = metadata.unreadable
                detail["recorded_at_source"] = summary.recordedAtSource
                // Query holds catch the item as soon as it is attributed; its due date follows its clock.
                let holds = try Self.applyQueryHolds(to: id.description, at: Date(), in: db)
                try Self.refreshRetention(of: [id.description], at: Date(), in: db)
                try AuditChain.append(
                    [AuditEvent(action: reprobe ? AuditAction.itemReprobed : .itemProbed, itemID: id, detail: detail)]
                        + holds.map { AuditEvent(action: .holdApplied, itemID: id, detail: ["hold": "\($0)"]) },
                    actor: actor, at: Date(), in: db)
            }
        }
    }

    /// Decides whose recording `id` is, from the registry at its docking instant, the identity record
    /// its dock saw, and its file name; nil when there is no such item.
    static func attribute(
        _ id: EvidenceID, fileName: MediaMetadata.NameFields?, in db: Database
    ) throws -> (OfficerAttribution, unitID: String?)? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT source_device, docked_at, identity_officer, ingested_at FROM item WHERE id = ?",
                arguments: [id.description])
        else { return nil }
        let device: String? = row["source_device"]
        let dockedAt: Int64? = row["docked_at"]
        let ingestedAt: Int64 = row["ingested_at"]
        let instant = dockedAt ?? ingestedAt
        var registryOfficer: String?
        if let device { registryOfficer = try Self.holder(of: device, at: instant, in: db)?.id }
        let identityOfficer: String? = row["identity_officer"]
        let attribution = OfficerAttribution(
            registry: registryOfficer, identityRecord: identityOfficer, fileName: fileName?.officerID,
            // Only a docked device's serial is expected in its file names; a card reader's or a folder's is not.
            device: dockedAt == nil ? nil : device, fileNameDevice: fileName?.deviceID)
        let unitID = try attribution.officerID.flatMap {
            try String.fetchOne(db, sql: "SELECT unit_id FROM person WHERE id = ?", arguments: [$0])
        }
        return (attribution, unitID)
    }

    /// The full media metadata recorded for an item, if it was probed.
    public func mediaMetadata(for id: EvidenceID) throws -> MediaMetadata? {
        let text = try read { db in
            try String.fetchOne(db, sql: "SELECT metadata FROM item WHERE id = ?", arguments: [id.description])
        }
        guard let text else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(MediaMetadata.self, from: Data(text.utf8))
    }

    /// Writes audit entries on their own.
    public func audit(_ events: [AuditEvent]) throws {
        try write { db in try AuditChain.append(events, actor: actor, at: Date(), in: db) }
    }

    /// Appends `events` to the audit chain on behalf of `actor` (a control-socket caller the kernel
    /// identified), not the process that opened the catalog.
    public func audit(_ events: [AuditEvent], by actor: AuditActor) throws {
        try write { db in try AuditChain.append(events, actor: actor, at: Date(), in: db) }
    }

    // MARK: - Queries

    /// Items in `state`, oldest first.
    public func items(in state: ItemState) throws -> [ItemRecord] {
        try read { db in
            try ItemRecord.filter(ItemRecord.Columns.state == state.rawValue)
                .order(ItemRecord.Columns.ingestedAt).fetchAll(db)
        }
    }

    /// Items matching `filter`, newest first.
    /// - Throws: `CatalogError.invalidQuery` for a malformed filter.
    public func items(matching filter: ItemFilter) throws -> [ItemRecord] {
        let parts = filter.partitionedByScope()
        let requests = try parts.map { try $0.request() }
        let pages = try read { db in try requests.map { try $0.fetchAll(db) } }
        guard pages.count > 1 else { return pages.first ?? [] }
        var seen = Set<EvidenceID>()
        return Array(pages.joined().sorted(by: filter.comesBefore).filter { seen.insert($0.id).inserted }.prefix(filter.limit))
    }

    /// How many items `filter` matches in all, ignoring its limit and cursor: `list`'s total.
    public func itemCount(matching filter: ItemFilter) throws -> Int {
        let request = try filter.matching()
        return try read { db in try request.fetchCount(db) }
    }

    /// Calls `body` with every item, in batches of `batchSize`, in catalog order; each batch is read
    /// in its own transaction so a long sweep does not hold the database.
    public func forEachItem(batchSize: Int = 1000, _ body: ([ItemRecord]) throws -> Void) throws {
        var after: Int64 = 0
        while true {
            let (rows, last): ([ItemRecord], Int64?) = try read { db in
                let rows = try Row.fetchAll(
                    db, sql: "SELECT rowid AS _rowid, * FROM item WHERE rowid > ? ORDER BY rowid LIMIT ?",
                    arguments: [after, batchSize])
                return (try rows.map(ItemRecord.init(row:)), rows.last.map { $0["_rowid"] })
            }
            guard let last else { return }
            // Tombstones have no key and no object: nothing to check, probe or read.
            try body(rows.filter { !$0.isTombstone })
            after = last
        }
    }

    /// The item with this id, or the one item whose id starts with `prefix` (at least 8 characters).
    /// - Throws: `CatalogError.notFound`, `.ambiguous` or `.invalidQuery`.
    public func item(matching prefix: String) throws -> ItemRecord {
        let text = prefix.lowercased()
        guard text.count >= 8, text.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw CatalogError(
                code: .invalidQuery,
                message: "'\(prefix)' is not an item id: give the full id or at least its first 8 characters")
        }
        let matches = try read { db in
            try ItemRecord.filter(ItemRecord.Columns.id >= text && ItemRecord.Columns.id < text + "\u{7f}")
                .limit(2).fetchAll(db)
        }
        guard let first = matches.first else {
            throw CatalogError(code: .notFound, message: "no item has an id starting with \(text); see `custodyd list`")
        }
        guard matches.count == 1 else {
            throw CatalogError(
                code: .ambiguous, message: "more than one item id starts with \(text); give more characters")
        }
        var item = first
        item.sightings = try sightings(of: item.id)
        return item
    }

    /// Number of items in each state.
    public func countsByState() throws -> [ItemState: Int] {
        try read { db in
            var counts: [ItemState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM item GROUP BY state") {
                if let state = ItemState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// Audit entries about one item, oldest first.
    public func auditEntries(for id: EvidenceID) throws -> [AuditEntry] {
        try read { db in
            try AuditEntry.fetchAll(
                db, sql: "SELECT * FROM audit WHERE item_id = ? ORDER BY seq", arguments: [id.description])
        }
    }

    /// When the newest audit entry with `action` was written; nil if there is none.
    public func lastAudited(_ action: AuditAction) throws -> Date? {
        try read { db in
            try AuditEntry.fetchOne(
                db, sql: "SELECT * FROM audit WHERE action = ? ORDER BY seq DESC LIMIT 1", arguments: [action.rawValue])?.at
        }
    }

    /// Walks the whole audit chain and reports the first entry that does not verify.
    public func verifyAuditChain() throws -> AuditChainReport {
        try read { db in
            var expectedSequence: Int64 = 1
            var previous = AuditChain.genesis
            let cursor = try AuditEntry.fetchCursor(db, sql: "SELECT * FROM audit ORDER BY seq")
            while let entry = try cursor.next() {
                func broken(_ reason: String) -> AuditChainReport {
                    AuditChainReport(
                        entries: expectedSequence - 1, headHash: Hex.encode(previous),
                        firstBroken: (entry.sequence, reason))
                }
                guard entry.sequence == expectedSequence else {
                    return broken("entry \(expectedSequence) is missing (next is \(entry.sequence))")
                }
                guard entry.previousHash == previous else {
                    return broken(
                        "it does not link to entry \(expectedSequence - 1): an entry before it was changed, removed or reordered"
                    )
                }
                guard AuditChain.hash(of: entry) == entry.hash else {
                    return broken("its contents do not match its hash: the entry was altered")
                }
                previous = entry.hash
                expectedSequence += 1
            }
            return AuditChainReport(entries: expectedSequence - 1, headHash: Hex.encode(previous), firstBroken: nil)
        }
    }

    // MARK: - Plumbing

    /// Runs a write transaction, mapping SQLite failures (a full disk among them) to `CatalogError`.
    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(updates)
        } catch let error as DatabaseError {
            throw Self.mapped(error, path: path)
        }
    }

    func writeWithoutTransaction<T>(_ updates: (Database) throws -> T) throws -> T {
        do {
            return try pool.writeWithoutTransaction(updates)
        } catch let error as DatabaseError {
            throw Self.mapped(error, path: path)
        }
    }

    /// Copies every page of the catalog, as of one read transaction, into `destination` (SQLite's
    /// online backup API), while writers carry on.
    func backUp(into destination: DatabaseQueue) throws {
        try pool.backup(to: destination)
    }

    func read<T>(_ value: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(value)
        } catch let error as DatabaseError {
            throw Self.mapped(error, path: path)
        }
    }

    private static func mapped(_ error: DatabaseError, path: String) -> CatalogError {
        if let full = CatalogFiles.diskFullMessage(for: error, path: path) {
            return CatalogError(code: .database, message: full, cause: error)
        }
        return CatalogError(code: .database, message: "the catalog at \(path) refused the operation", cause: error)
    }
}
