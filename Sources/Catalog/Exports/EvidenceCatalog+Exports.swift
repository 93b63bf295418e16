import CustodyCore
import Foundation
import GRDB

/// Export requests (DESIGN §14): requested, approved by another administrator, opened once within
/// the window, written once. Each step commits with its audit entry.
extension EvidenceCatalog {
    /// Records a request for `items` and returns it.
    public func requestExport(
        items: [EvidenceID], recipient: String, purpose: String, requestedBy: String, at date: Date,
        events: (Int64) -> [AuditEvent], by actor: AuditActor
    ) throws -> ExportRecord {
        try change("export request", events: [], by: actor) { db in
            try db.execute(
                sql: "INSERT INTO export_request (recipient, purpose, requested_by, requested_at) VALUES (?, ?, ?, ?)",
                arguments: [recipient, purpose, requestedBy, date.catalogMilliseconds])
            let id = db.lastInsertedRowID
            for (position, item) in items.enumerated() {
                try db.execute(
                    sql: "INSERT INTO export_item (export_id, item_id, position) VALUES (?, ?, ?)",
                    arguments: [id, item.description, position])
            }
            try AuditChain.append(events(id), actor: actor, at: date, in: db)
            return try Self.export(id, in: db)
        }
    }

    /// A step on an export.
    public enum ExportStep: Sendable {
        case approval(until: Date)
        case rejection(reason: String)
        /// An opening: the expected manifest is recorded the first time (and must be the same after);
        /// the excerpt's end moves to the chain's head.
        case opening(expectedManifestSHA256: String)
        case writing(manifestSHA256: String)
    }

    /// Takes `step` on export `id` only if the export is where the step expects it, so each step
    /// happens once even when two callers race. An export is opened by one person, who may open it
    /// again until its bag is written (a write that failed on a full disk is retried); it is written
    /// once.
    /// - Throws: `CatalogError.invalidQuery` naming where the export stands.
    public func takeExportStep(
        _ id: Int64, _ step: ExportStep, by principal: String, at date: Date, events: [AuditEvent], actor: AuditActor
    ) throws -> ExportRecord {
        try change("export \(id)", events: events, by: actor) { db in
            let now = date.catalogMilliseconds
            switch step {
            case .approval(let until):
                try db.execute(
                    sql: """
                        UPDATE export_request SET approved_by = ?, approved_at = ?, valid_until = ?
                        WHERE id = ? AND approved_by IS NULL AND rejected_by IS NULL
                        """, arguments: [principal, now, until.catalogMilliseconds, id])
            case .rejection(let reason):
                try db.execute(
                    sql: """
                        UPDATE export_request SET rejected_by = ?, rejected_at = ?, reject_reason = ?
                        WHERE id = ? AND approved_by IS NULL AND rejected_by IS NULL
                        """, arguments: [principal, now, reason, id])
            case .opening(let expected):
                try db.execute(
                    sql: """
                        UPDATE export_request SET opened_by = coalesce(opened_by, ?), opened_at = coalesce(opened_at, ?),
                            expected_manifest_sha256 = coalesce(expected_manifest_sha256, ?),
                            excerpt_seq = (SELECT coalesce(max(seq), 0) FROM audit)
                        WHERE id = ? AND approved_by IS NOT NULL AND written_at IS NULL AND valid_until > ?
                            AND (opened_by IS NULL OR opened_by = ?)
                            AND (expected_manifest_sha256 IS NULL OR expected_manifest_sha256 = ?)
                        """, arguments: [principal, now, expected, id, now, principal, expected])
            case .writing(let manifest):
                try db.execute(
                    sql: """
                        UPDATE export_request SET written_at = ?, manifest_sha256 = ?
                        WHERE id = ? AND opened_by = ? AND written_at IS NULL AND expected_manifest_sha256 = ?
                        """, arguments: [now, manifest, id, principal, manifest])
            }
            let changed = db.changesCount
            let export = try Self.export(id, in: db)
            guard changed == 1 else {
                throw CatalogError(
                    code: .invalidQuery, message: "export \(id) is \(export.state(at: date)); that step no longer applies")
            }
            return export
        }
    }

    /// One export.
    /// - Throws: `CatalogError.notFound`.
    public func export(_ id: Int64) throws -> ExportRecord {
        try read { db in try Self.export(id, in: db) }
    }

    /// Every export, newest first.
    public func exports() throws -> [ExportRecord] {
        try read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM export_request ORDER BY id DESC").map { try Self.export($0, in: db) }
        }
    }

    /// The audit entry numbered `sequence`, if there is one.
    public func auditEntry(_ sequence: Int64) throws -> AuditEntry? {
        try read { db in try AuditEntry.fetchOne(db, sql: "SELECT * FROM audit WHERE seq = ?", arguments: [sequence]) }
    }

    /// The newest audit entry: the chain's head.
    public func auditHead() throws -> AuditEntry? {
        try read { db in try AuditEntry.fetchOne(db, sql: "SELECT * FROM audit ORDER BY seq DESC LIMIT 1") }
    }

    static func export(_ id: Int64, in db: Database) throws -> ExportRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM export_request WHERE id = ?", arguments: [id]) else {
            throw CatalogError(code: .notFound, message: "no export \(id); see `custody export list`")
        }
        let items = try String.fetchAll(
            db, sql: "SELECT item_id FROM export_item WHERE export_id = ? ORDER BY position", arguments: [id]
        ).compactMap(EvidenceID.init)
        return ExportRecord(row: row, items: items)
    }
}
