import CustodyCore
import Foundation
import GRDB

extension EvidenceCatalog {
    /// Records that a dock session set `device`'s clock at `at`, with its audit entry, in one transaction.
    /// - Throws: `CatalogError` when the catalog cannot be written.
    public func recordClockSet(device: String, at: Date, session: EvidenceID) throws {
        try write { db in
            try db.execute(
                sql: "INSERT INTO device_clock_set (device, set_at, dock_session) VALUES (?, ?, ?)",
                arguments: [device, at.catalogMilliseconds, session.description])
            try AuditChain.append(
                [
                    AuditEvent(
                        action: .deviceClockSet,
                        detail: ["device": device, "session": session.description, "set_at": RFC3339.string(at)])
                ], actor: actor, at: at, in: db)
        }
    }

    /// When a dock last set `device`'s clock; nil when none ever did.
    /// - Throws: `CatalogError` when the catalog cannot be read.
    public func lastClockSet(device: String) throws -> Date? {
        try read { db in
            try Int64.fetchOne(
                db, sql: "SELECT max(set_at) FROM device_clock_set WHERE device = ?", arguments: [device]
            ).map(Date.init(catalogMilliseconds:))
        }
    }
}
