import CustodyCore
import Foundation
import GRDB

/// The device registry (DESIGN §11): devices, who held each when, and their maintenance.
extension EvidenceCatalog {
    /// Adds a device, in service.
    public func addDevice(
        serial: String, model: String?, family: String, at date: Date, events: [AuditEvent], by actor: AuditActor
    ) throws {
        try change("device \(serial)", events: events, by: actor) { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM device WHERE serial = ?", arguments: [serial]) == true {
                throw CatalogError(code: .invalidQuery, message: "device \(serial) is already registered; see `custody device show \(serial)`")
            }
            try db.execute(
                sql: "INSERT INTO device (serial, model, family, created_at) VALUES (?, ?, ?, ?)",
                arguments: [serial, model, family, date.catalogMilliseconds])
        }
    }

    /// Issues a device to a person from `date`.
    /// - Throws: `CatalogError` when the device is not in service, still assigned, or the person is
    ///   not active (the schema refuses those too).
    public func assignDevice(
        _ serial: String, to person: String, at date: Date, events: [AuditEvent], by actor: AuditActor
    ) throws {
        try change("device \(serial)", events: events, by: actor) { db in
            let device = try Self.device(serial, in: db)
            guard device.status == "in_service" else {
                throw CatalogError(code: .invalidQuery, message: "device \(serial) is \(device.status.replacingOccurrences(of: "_", with: " ")); only a device in service is issued")
            }
            if let holder = try String.fetchOne(db, sql: "SELECT person_id FROM device_assignment WHERE serial = ? AND assigned_until IS NULL", arguments: [serial]) {
                throw CatalogError(code: .invalidQuery, message: "device \(serial) is assigned to \(holder); return it first with `custody device return \(serial)`")
            }
            try db.execute(
                sql: "INSERT INTO device_assignment (serial, person_id, assigned_from, assigned_by) VALUES (?, ?, ?, ?)",
                arguments: [serial, person, date.catalogMilliseconds, actor.description])
        }
    }

    /// Ends a device's current assignment at `date`; returns whom it was assigned to.
    public func returnDevice(_ serial: String, at date: Date, events: (String) -> [AuditEvent], by actor: AuditActor) throws -> String {
        try change("device \(serial)", events: [], by: actor) { db in
            _ = try Self.device(serial, in: db)
            guard let holder = try String.fetchOne(db, sql: "SELECT person_id FROM device_assignment WHERE serial = ? AND assigned_until IS NULL", arguments: [serial]) else {
                throw CatalogError(code: .invalidQuery, message: "device \(serial) is not assigned to anyone")
            }
            try db.execute(
                sql: "UPDATE device_assignment SET assigned_until = ?, returned_by = ? WHERE serial = ? AND assigned_until IS NULL",
                arguments: [date.catalogMilliseconds, actor.description, serial])
            try AuditChain.append(events(holder), actor: actor, at: date, in: db)
            return holder
        }
    }

    /// Records maintenance; `status` moves the device in or out of maintenance at the same time.
    public func recordMaintenance(
        _ serial: String, what: String, result: String, status: String?, at date: Date, events: [AuditEvent],
        by actor: AuditActor
    ) throws {
        try change("device \(serial)", events: events, by: actor) { db in
            let device = try Self.device(serial, in: db)
            guard device.status != "retired" else {
                throw CatalogError(code: .invalidQuery, message: "device \(serial) is retired; it takes no more maintenance")
            }
            try db.execute(
                sql: "INSERT INTO device_maintenance (serial, at, what, result, recorded_by) VALUES (?, ?, ?, ?, ?)",
                arguments: [serial, date.catalogMilliseconds, what, result, actor.description])
            if let status {
                try db.execute(sql: "UPDATE device SET status = ? WHERE serial = ?", arguments: [status, serial])
            }
        }
    }

    /// Retires a device for good; an open assignment ends at the same instant.
    public func retireDevice(_ serial: String, reason: String, at date: Date, events: [AuditEvent], by actor: AuditActor) throws {
        try change("device \(serial)", events: events, by: actor) { db in
            let device = try Self.device(serial, in: db)
            guard device.status != "retired" else {
                throw CatalogError(code: .invalidQuery, message: "device \(serial) was already retired")
            }
            try db.execute(
                sql: "UPDATE device_assignment SET assigned_until = ?, returned_by = ? WHERE serial = ? AND assigned_until IS NULL",
                arguments: [date.catalogMilliseconds, actor.description, serial])
            try db.execute(
                sql: "UPDATE device SET status = 'retired', retired_at = ?, retire_reason = ? WHERE serial = ?",
                arguments: [date.catalogMilliseconds, reason, serial])
        }
    }

    /// One device.
    /// - Throws: `CatalogError.notFound`.
    public func device(_ serial: String) throws -> DeviceRecord {
        try read { db in try Self.device(serial, in: db) }
    }

    /// One device, if it is registered.
    public func registeredDevice(_ serial: String) throws -> DeviceRecord? {
        try read { db in try DeviceRecord.fetchOne(db, sql: "SELECT * FROM device WHERE serial = ?", arguments: [serial]) }
    }

    /// Every device, by serial.
    public func devices() throws -> [DeviceRecord] {
        try read { db in try DeviceRecord.fetchAll(db, sql: "SELECT * FROM device ORDER BY serial") }
    }

    /// A device's assignments, oldest first.
    public func assignments(of serial: String) throws -> [AssignmentRecord] {
        try read { db in
            try AssignmentRecord.fetchAll(db, sql: "SELECT * FROM device_assignment WHERE serial = ? ORDER BY assigned_from, id", arguments: [serial])
        }
    }

    /// A device's maintenance records, oldest first.
    public func maintenance(of serial: String) throws -> [MaintenanceRecord] {
        try read { db in
            try MaintenanceRecord.fetchAll(db, sql: "SELECT * FROM device_maintenance WHERE serial = ? ORDER BY at, id", arguments: [serial])
        }
    }

    /// Every registered device not retired, with its holder at `date` (nil: unassigned): what a dock
    /// checks a device's own identity against.
    public func deviceHolders(at date: Date) throws -> [String: String?] {
        try read { db in
            var holders: [String: String?] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT device.serial AS serial, device_assignment.person_id AS person FROM device
                    LEFT JOIN device_assignment ON device_assignment.serial = device.serial
                        AND assigned_from <= ? AND (assigned_until IS NULL OR assigned_until > ?)
                    WHERE device.status <> 'retired'
                    """, arguments: [date.catalogMilliseconds, date.catalogMilliseconds])
            for row in rows { holders[row["serial"]] = .some(row["person"]) }
            return holders
        }
    }

    /// Who held `serial` at `date`, by the registry: the officer of a recording made with it then.
    public func holder(of serial: String, at date: Date) throws -> PersonRecord? {
        try read { db in try Self.holder(of: serial, at: date.catalogMilliseconds, in: db) }
    }

    static func holder(of serial: String, at milliseconds: Int64, in db: Database) throws -> PersonRecord? {
        try PersonRecord.fetchOne(
            db,
            sql: """
                SELECT person.* FROM device_assignment JOIN person ON person.id = device_assignment.person_id
                WHERE serial = ? AND assigned_from <= ? AND (assigned_until IS NULL OR assigned_until > ?)
                ORDER BY assigned_from DESC LIMIT 1
                """, arguments: [serial, milliseconds, milliseconds])
    }

    static func device(_ serial: String, in db: Database) throws -> DeviceRecord {
        guard let device = try DeviceRecord.fetchOne(db, sql: "SELECT * FROM device WHERE serial = ?", arguments: [serial]) else {
            throw CatalogError(code: .notFound, message: "no device \(serial) in the registry; see `custody device list`, or add it with `custody device add`")
        }
        return device
    }
}
