import CustodyCore
import Foundation
import GRDB

/// Deletion (DESIGN §13): the retention pass's due marks, requests, the second administrator's
/// decision, the trash and restore. The schema (`DeletionSchema`) refuses every other move.
extension EvidenceCatalog {
    /// Marks items past their due date under no hold as due, and unmarks those held again or whose
    /// due date moved later. Works in rowid ranges of `batchSize`, one short transaction each, so a
    /// pass over a million items never holds the write lock long enough to stall ingest; `events`
    /// gives the audit entries of each batch that changed or skipped something; `committed` is told of
    /// each such batch once it is on disk.
    ///
    /// A stored due date is not trusted: before an item is marked (or unmarked because its due date
    /// moved later) its due date is recomputed from its categories, clock and holds
    /// (`dueDateDisagreements`), and an item whose stored one disagrees is left as it is and reported
    /// in `skipped`, so a due date edited in the catalog file never makes evidence due. Only those
    /// candidates are recomputed, not every item of the batch, and in a read transaction before the
    /// batch's write, so the write lock is held no longer than without the check; the write then
    /// recomputes only a candidate whose due date changed in between (usually none).
    public func markDueItems(
        at now: Date, batchSize: Int64 = 1000, shouldStop: () -> Bool = { false },
        committed: (RetentionPassResult) -> Void = { _ in }, events: (RetentionPassResult) -> [AuditEvent]
    ) throws -> RetentionPassResult {
        let last = try read { db in try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM item") } ?? 0
        var total = RetentionPassResult(marked: 0, cleared: 0)
        var low: Int64 = 0
        let held = DeletionSchema.held("item.id")
        let at = now.catalogMilliseconds
        // What the two updates below would change on the strength of due_at alone, with that due_at.
        let candidateSQL = """
            SELECT id, due_at FROM item
            WHERE rowid >= ? AND rowid < ? AND NOT \(held)
              AND ((due_marked_at IS NULL AND due_at <= ?)
                   OR (due_marked_at IS NOT NULL AND (due_at IS NULL OR due_at > ?)))
            ORDER BY rowid
            """
        func candidates(_ low: Int64, _ high: Int64, in db: Database) throws -> [(id: String, due: Int64?)] {
            try Row.fetchAll(db, sql: candidateSQL, arguments: [low, high, at, at]).map { ($0["id"], $0["due_at"]) }
        }
        while low <= last, !shouldStop() {
            let high = low + batchSize
            let (seen, disagreeing) = try read { db in
                let found = try candidates(low, high, in: db)
                return (found, try Self.dueDateDisagreements(of: found.map(\.id), at: now, in: db))
            }
            // Nothing to mark or unmark when the batch was read: no write, as a pass that found it so.
            guard !seen.isEmpty else {
                low = high
                continue
            }
            let batch = try write { db in
                // A candidate new since the read, or whose due date moved since, is checked now.
                let checked = Dictionary(seen.map { ($0.id, $0.due) }) { first, _ in first }
                let current = try candidates(low, high, in: db)
                let unchecked = current.filter { checked[$0.id] != .some($0.due) }.map(\.id)
                let recheck = Set(unchecked)
                let stillCandidates = Set(current.map(\.id))
                let skipped =
                    try disagreeing.filter { stillCandidates.contains($0.itemID) && !recheck.contains($0.itemID) }
                    + Self.dueDateDisagreements(of: unchecked, at: now, in: db)
                let spared =
                    skipped.isEmpty ? "" : " AND id NOT IN (\(skipped.map { _ in "?" }.joined(separator: ", ")))"
                let sparedIDs = skipped.map(\.itemID)
                try db.execute(
                    sql: """
                        UPDATE item SET due_marked_at = NULL
                        WHERE rowid >= ? AND rowid < ? AND due_marked_at IS NOT NULL
                          AND (due_at IS NULL OR due_at > ? OR \(held))\(spared)
                        """,
                    arguments: StatementArguments([low, high, at] + sparedIDs))
                let cleared = db.changesCount
                try db.execute(
                    sql: """
                        UPDATE item SET due_marked_at = ?
                        WHERE rowid >= ? AND rowid < ? AND due_marked_at IS NULL AND due_at <= ? AND NOT \(held)\(spared)
                        """,
                    arguments: StatementArguments([at, low, high, at] + sparedIDs))
                let result = RetentionPassResult(marked: db.changesCount, cleared: cleared, skipped: skipped)
                if result.marked + result.cleared > 0 || !skipped.isEmpty {
                    try AuditChain.append(events(result), actor: actor, at: now, in: db)
                }
                return result
            }
            total.marked += batch.marked
            total.cleared += batch.cleared
            total.skipped += batch.skipped
            if batch.marked + batch.cleared > 0 || !batch.skipped.isEmpty { committed(batch) }
            low = high
        }
        return total
    }

    /// Items marked due and in no live deletion, soonest due first, at most `limit`.
    public func dueItems(limit: Int = 1000) throws -> [DueItemRecord] {
        try read { db in
            try DueItemRecord.fetchAll(
                db,
                sql: """
                    SELECT id, due_at, due_marked_at, retention_category, officer_id, source_device
                    FROM item WHERE due_marked_at IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM deletion_item d WHERE d.item_id = item.id AND d.state IN ('requested', 'trashed'))
                    ORDER BY due_at, id LIMIT ?
                    """,
                arguments: [limit])
        }
    }

    /// Requests the deletion of `items`. An item not marked due is refused unless `notDue` says the
    /// request is a special deletion (its reason states why); the request records it.
    /// - Throws: `CatalogError.invalidQuery` for no items, a held item, an item already in a live
    ///   deletion, one not due without `notDue`, or one marked due whose stored due date its retention
    ///   does not give; `.notFound` for an unknown item.
    public func requestDeletion(
        of items: [EvidenceID], reason: String, notDue: Bool, grace: TimeInterval, who: String, at now: Date,
        events: (DeletionRequestRecord) -> [AuditEvent], by actor: AuditActor
    ) throws -> DeletionRequestRecord {
        guard !items.isEmpty else {
            throw CatalogError(
                code: .invalidQuery, message: "a deletion request names items; see `custody deletion due`")
        }
        return try change("deletion request", events: [], by: actor) { db in
            try db.execute(
                sql: """
                    INSERT INTO deletion_request (reason, requested_by, requested_at, not_due, grace_ms)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [reason, who, now.catalogMilliseconds, notDue ? 1 : 0, Int64((grace * 1000).rounded())])
            let id = db.lastInsertedRowID
            for item in Set(items.map(\.description)).sorted() {
                guard
                    let due = try Row.fetchOne(
                        db,
                        sql:
                            "SELECT due_marked_at IS NOT NULL AS due, deletion_state IS 'shredded' AS shredded, due_at IS NULL OR due_at > due_marked_at AS early, \(DeletionSchema.held("?")) AS held FROM item WHERE id = ?",
                        arguments: [item, item])
                else { throw CatalogError(code: .notFound, message: "no item \(item) to delete; see `custody list`") }
                if due["shredded"] as Bool {
                    throw CatalogError(
                        code: .invalidQuery,
                        message: "item \(item) was shredded already; there is nothing left to delete")
                }
                if due["held"] as Bool {
                    throw CatalogError(
                        code: .invalidQuery,
                        message: "item \(item) is under a hold; it cannot be deleted until the hold is released")
                }
                let wasDue: Bool = due["due"]
                // A due mark is only as good as the due date behind it: one the rules do not give (a
                // catalog edited outside Custody) deletes nothing.
                if wasDue, let forged = try Self.dueDateDisagreements(of: [item], at: now, in: db).first {
                    throw CatalogError(
                        code: .invalidQuery,
                        message:
                            "item \(item) is marked due, but its stored due date (\(forged.stored.map(RFC3339.string) ?? "never")) is not the one its retention gives (\(forged.recomputed.map(RFC3339.string) ?? "never")): the catalog was changed outside Custody; see `custodyd audit verify` and docs/retention.md"
                    )
                }
                // What the schema's trigger refuses, in case the trigger was dropped with the file.
                if wasDue, due["early"] as Bool {
                    throw CatalogError(
                        code: .invalidQuery,
                        message:
                            "item \(item) is marked due before its due date: the mark was written outside Custody; see `custodyd audit verify` and docs/retention.md"
                    )
                }
                if !wasDue && !notDue {
                    throw CatalogError(
                        code: .invalidQuery,
                        message:
                            "item \(item) is not due; a deletion before its due date needs --not-due and a reason that says why"
                    )
                }
                if try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM deletion_item WHERE item_id = ? AND state IN ('requested', 'trashed')",
                    arguments: [item]) == true
                {
                    throw CatalogError(
                        code: .invalidQuery,
                        message: "item \(item) is already being deleted; see `custody deletion list`")
                }
                try db.execute(
                    sql:
                        "INSERT INTO deletion_item (request_id, item_id, was_due, state) VALUES (?, ?, ?, 'requested')",
                    arguments: [id, item, wasDue ? 1 : 0])
            }
            let request = try Self.deletionRequest(id, in: db)
            try AuditChain.append(events(request), actor: actor, at: now, in: db)
            return request
        }
    }

    /// Approves an open request: its items still requested (a hold may have stopped some) go to the
    /// trash until the grace period ends. The schema refuses an approval by the requester.
    /// - Throws: `CatalogError.notFound`, or `.invalidQuery` for a decided request or self-approval.
    public func approveDeletion(
        _ id: Int64, who: String, at now: Date, events: (DeletionRequestRecord) -> [AuditEvent], by actor: AuditActor
    ) throws -> DeletionRequestRecord {
        try change("deletion request #\(id)", events: [], by: actor) { db in
            let before = try Self.deletionRequest(id, in: db)
            try Self.requireOpen(before)
            guard before.requestedBy != who else {
                throw CatalogError(
                    code: .invalidQuery, message: "deletion request #\(id) is yours; a second administrator approves it"
                )
            }
            let at = now.catalogMilliseconds
            // The trash ends every claim on its items (`ItemStateSchema`); the live ones are audited
            // as released with the approval.
            let claims = try ClaimRecord.fetchAll(
                db,
                sql: """
                    SELECT c.* FROM review_claim c JOIN deletion_item d ON d.item_id = c.item_id
                    WHERE d.request_id = ? AND d.state = 'requested' AND c.expires_at > ? ORDER BY c.item_id
                    """,
                arguments: [id, at])
            try db.execute(
                sql: "UPDATE deletion_request SET approved_by = ?, approved_at = ? WHERE id = ?",
                arguments: [who, at, id])
            try db.execute(
                sql: """
                    UPDATE deletion_item SET state = 'trashed', trashed_at = ?, purge_after = ? + \
                    (SELECT grace_ms FROM deletion_request WHERE id = ?)
                    WHERE request_id = ? AND state = 'requested'
                    """,
                arguments: [at, at, id, id])
            var request = try Self.deletionRequest(id, in: db)
            request.endedClaims = claims
            try AuditChain.append(events(request), actor: actor, at: now, in: db)
            return request
        }
    }

    /// Rejects an open request; its items stay retained. Anyone but the requester rejects (the
    /// requester withdraws by asking another administrator to reject).
    /// - Throws: `CatalogError.notFound`, or `.invalidQuery` for a decided request.
    public func rejectDeletion(
        _ id: Int64, reason: String, who: String, at now: Date, events: (DeletionRequestRecord) -> [AuditEvent],
        by actor: AuditActor
    ) throws -> DeletionRequestRecord {
        try change("deletion request #\(id)", events: [], by: actor) { db in
            try Self.requireOpen(try Self.deletionRequest(id, in: db))
            try db.execute(
                sql: "UPDATE deletion_request SET rejected_by = ?, rejected_at = ?, rejection_reason = ? WHERE id = ?",
                arguments: [who, now.catalogMilliseconds, reason, id])
            try db.execute(
                sql: "UPDATE deletion_item SET state = 'rejected' WHERE request_id = ? AND state = 'requested'",
                arguments: [id])
            let request = try Self.deletionRequest(id, in: db)
            try AuditChain.append(events(request), actor: actor, at: now, in: db)
            return request
        }
    }

    /// Takes `item` out of the trash during its grace period: retained again, pending a new review.
    /// - Throws: `CatalogError.notFound` when the item is not in the trash.
    public func restoreFromTrash(
        _ item: EvidenceID, who: String, at now: Date, events: (DeletionItemRecord) -> [AuditEvent],
        by actor: AuditActor
    ) throws -> DeletionItemRecord {
        try change("item \(item)", events: [], by: actor) { db in
            try db.execute(
                sql:
                    "UPDATE deletion_item SET state = 'restored', restored_by = ?, restored_at = ? WHERE item_id = ? AND state = 'trashed'",
                arguments: [who, now.catalogMilliseconds, item.description])
            guard db.changesCount == 1 else {
                throw CatalogError(
                    code: .notFound, message: "item \(item) is not in the trash; see `custody deletion list`")
            }
            guard
                let restored = try DeletionItemRecord.fetchOne(
                    db,
                    sql:
                        "SELECT * FROM deletion_item WHERE item_id = ? AND state = 'restored' ORDER BY restored_at DESC LIMIT 1",
                    arguments: [item.description])
            else { throw CatalogError(code: .notFound, message: "item \(item) is not in the trash") }
            try AuditChain.append(events(restored), actor: actor, at: now, in: db)
            return restored
        }
    }

    /// Whether `item` is in the trash (unreadable by everyone, restorable by an administrator) or
    /// already shredded (a tombstone).
    public func isTrashed(_ item: EvidenceID) throws -> Bool {
        try read { db in
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM deletion_item WHERE item_id = ? AND state IN ('trashed', 'shredded')",
                arguments: [item.description])
                ?? false
        }
    }

    /// Where `item` stands (`ItemLifecycle`), read from its row alone: what a view asks before each
    /// chunk it serves. Nil for an unknown item.
    public func lifecycle(of item: EvidenceID) throws -> ItemLifecycle? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT state, due_marked_at, deletion_state, deletion_at FROM item WHERE id = ?",
                    arguments: [item.description])
            else { return nil }
            return ItemLifecycle(
                ingest: ItemState(rawValue: row["state"]) ?? .stored, dueMarked: row["due_marked_at"] != nil,
                deletion: (row["deletion_state"] as String?).flatMap(ItemLifecycle.Deletion.init),
                deletionAt: (row["deletion_at"] as Int64?).map(Date.init(catalogMilliseconds:)))
        }
    }

    /// Trashed items whose grace period ended by `now` and that no hold covers, at most `limit`,
    /// soonest first: what the shred takes.
    public func itemsToShred(at now: Date, limit: Int = 500) throws -> [ItemRecord] {
        try read { db in
            try ItemRecord.fetchAll(
                db,
                sql: """
                    SELECT item.* FROM deletion_item d JOIN item ON item.id = d.item_id
                    WHERE d.state = 'trashed' AND d.purge_after <= ? AND NOT \(DeletionSchema.held("d.item_id"))
                    ORDER BY d.purge_after, d.item_id LIMIT ?
                    """,
                arguments: [now.catalogMilliseconds, limit])
        }
    }

    /// Crypto-shreds `items` in one transaction: each deletion moves to `shredded` and the schema's
    /// trigger erases the wrapped key in the same statement; `events` (given each item and the number
    /// of the deletion request that took it, so the chain links the two) are appended with it.
    /// Items no longer trashed (restored, stopped by a hold) are left alone. Returns the shredded ones;
    /// the caller then checkpoints and truncates the WAL (`checkpointTruncating`), so no page of the
    /// database, its WAL or its shared memory still holds a key (`secure_delete` is on for every
    /// connection, so freed space is zeroed), and removes their objects (`EvidenceStore.shredObject`).
    /// - Throws: `CatalogError`; nothing is erased when it throws.
    public func shred(_ items: [ItemRecord], at now: Date, events: (ItemRecord, Int64) -> [AuditEvent]) throws
        -> [ItemRecord]
    {
        let shredded = try write { db in
            var done: [ItemRecord] = []
            for item in items {
                guard
                    let request = try Int64.fetchOne(
                        db,
                        sql:
                            "UPDATE deletion_item SET state = 'shredded', shredded_at = ? WHERE item_id = ? AND state = 'trashed' RETURNING request_id",
                        arguments: [now.catalogMilliseconds, item.id.description])
                else { continue }
                try AuditChain.append(events(item, request), actor: actor, at: now, in: db)
                done.append(item)
            }
            return done
        }
        return shredded
    }

    /// Every tombstone, `batchSize` at a time in item-id order, for a restart to finish removing
    /// objects a crash left behind. Paged, not one list: in a year of routine deletion a catalog
    /// holds a million of them. `shouldStop` is asked between pages.
    public func forEachTombstone(
        batchSize: Int = 1000, shouldStop: () -> Bool = { false }, _ body: ([ItemRecord]) throws -> Void
    ) throws {
        var after = ""
        while !shouldStop() {
            let batch = try read { db in
                try ItemRecord.fetchAll(
                    db,
                    sql: """
                        SELECT item.* FROM deletion_item d JOIN item ON item.id = d.item_id
                        WHERE d.state = 'shredded' AND d.item_id > ? ORDER BY d.item_id LIMIT ?
                        """,
                    arguments: [after, batchSize])
            }
            guard let last = batch.last else { return }
            try body(batch)
            after = last.id.description
        }
    }

    /// Whether any item was shredded.
    public func hasTombstones() throws -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM deletion_item WHERE state = 'shredded')") ?? false
        }
    }

    /// Whether the object with this ciphertext hash belonged to a shredded item: one a crash left
    /// for the shred to remove, not a stray.
    public func isTombstoneObject(_ ciphertextSHA256: SHA256Digest) throws -> Bool {
        try read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM item WHERE ciphertext_sha256 = ? AND wrapped_key = zeroblob(60))",
                arguments: [Data(ciphertextSHA256.bytes)]) ?? false
        }
    }

    /// Copies every WAL page into the database and truncates the WAL to nothing, if no reader is in
    /// the way now. It does not wait for readers: a truncating checkpoint holds the writer lock while
    /// it waits, and every ingest commit would wait behind it.
    /// - Returns: false when a reader or writer kept it from completing; call again later.
    /// - Throws: `CatalogError` when the catalog cannot be written.
    public func checkpointTruncating() throws -> Bool {
        try writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA busy_timeout = 0")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Self.busyTimeoutMilliseconds)") }
            do {
                return try Int.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") == 0
            } catch let error as DatabaseError
                where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
            {
                return false
            }
        }
    }

    /// How many trashed items reach the end of their grace period before `date`, and the first instant.
    public func trashEnding(before date: Date) throws -> (count: Int, first: Date?) {
        try read { db in
            let row = try Row.fetchOne(
                db,
                sql:
                    "SELECT count(*) AS n, min(purge_after) AS first FROM deletion_item WHERE state = 'trashed' AND purge_after < ?",
                arguments: [date.catalogMilliseconds])
            return (row?["n"] ?? 0, (row?["first"] as Int64?).map(Date.init(catalogMilliseconds:)))
        }
    }

    /// Deletion requests, newest first, with their items; only open ones when `openOnly`.
    public func deletionRequests(openOnly: Bool = false, limit: Int = 100) throws -> [DeletionRequestRecord] {
        try read { db in
            let ids = try Int64.fetchAll(
                db,
                sql: "SELECT id FROM deletion_request"
                    + (openOnly ? " WHERE approved_by IS NULL AND rejected_by IS NULL" : "")
                    + " ORDER BY id DESC LIMIT ?",
                arguments: [limit])
            return try ids.map { try Self.deletionRequest($0, in: db) }
        }
    }

    /// One deletion request with its items.
    /// - Throws: `CatalogError.notFound`.
    public func deletionRequest(_ id: Int64) throws -> DeletionRequestRecord {
        try read { db in try Self.deletionRequest(id, in: db) }
    }

    static func deletionRequest(_ id: Int64, in db: Database) throws -> DeletionRequestRecord {
        guard
            var request = try DeletionRequestRecord.fetchOne(
                db, sql: "SELECT * FROM deletion_request WHERE id = ?", arguments: [id])
        else { throw CatalogError(code: .notFound, message: "no deletion request #\(id); see `custody deletion list`") }
        request.items = try DeletionItemRecord.fetchAll(
            db, sql: "SELECT * FROM deletion_item WHERE request_id = ? ORDER BY item_id", arguments: [id])
        return request
    }

    private static func requireOpen(_ request: DeletionRequestRecord) throws {
        guard request.isOpen else {
            let decision = request.approvedBy.map { "approved by \($0)" } ?? "rejected by \(request.rejectedBy ?? "?")"
            throw CatalogError(code: .invalidQuery, message: "deletion request #\(request.id) was already \(decision)")
        }
    }
}
