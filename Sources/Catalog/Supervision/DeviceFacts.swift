import CustodyCore
import Foundation
import GRDB

/// What the report's devices section counts from: the registry, and the dock sessions the audit log
/// records (`dock.started` with the device and its clock offset, `dock.finished` with the outcome).
public struct SupervisionDeviceFacts: Sendable, Equatable {
    /// Every device of the scope, and when a dock last started with it (ever, not only in the period).
    public var devices: [Device]
    /// The dock sessions that started or finished in the period.
    public var docks: [Dock]

    public struct Device: Sendable, Equatable {
        public var serial: String
        /// `in_service`, `in_maintenance` or `retired`.
        public var status: String
        public var lastDockedAt: Date?

        public init(serial: String, status: String, lastDockedAt: Date?) {
            self.serial = serial
            self.status = status
            self.lastDockedAt = lastDockedAt
        }
    }

    public struct Dock: Sendable, Equatable {
        public var session: String
        /// From `dock.started`: absent when the session ended before the device said who it is.
        public var serial: String?
        public var bay: String?
        public var startedAt: Date?
        /// The device clock's offset the dock measured, and when Custody set that clock before this
        /// session (`device_clock_set`), if ever; looked up only for offsets over 4 s, since no
        /// smaller one exceeds the tolerance.
        public var offsetSeconds: Double?
        public var lastSetAt: Date?
        /// From `dock.finished`: absent while the session runs.
        public var finishedAt: Date?
        public var outcome: String?
        public var verified: Int?
        public var failed: Int?

        public init(
            session: String, serial: String?, bay: String?, startedAt: Date?, offsetSeconds: Double?, lastSetAt: Date?,
            finishedAt: Date?, outcome: String?, verified: Int?, failed: Int?
        ) {
            self.session = session
            self.serial = serial
            self.bay = bay
            self.startedAt = startedAt
            self.offsetSeconds = offsetSeconds
            self.lastSetAt = lastSetAt
            self.finishedAt = finishedAt
            self.outcome = outcome
            self.verified = verified
            self.failed = failed
        }
    }

    public init(devices: [Device], docks: [Dock]) {
        self.devices = devices
        self.docks = docks
    }
}

extension EvidenceCatalog {
    /// The device facts of `[from, to)` for the devices of `filter`'s scope and officer: every device
    /// for an unnarrowed scope (with the sessions of devices not yet identified), else the devices
    /// currently assigned to someone of the scope's units or to its officer.
    ///
    /// Dock sessions are read from the audit log through its action index (`audit_by_action`): the
    /// cost grows with the dock entries ever written, not with the items or the rest of the log.
    public func supervisionDeviceFacts(from: Date, to: Date, matching filter: ItemFilter) throws
        -> SupervisionDeviceFacts
    {
        let (held, heldArguments) = Self.deviceScopeSQL(filter)
        let started = AuditAction.dockStarted.rawValue
        let finished = AuditAction.dockFinished.rawValue
        let period: StatementArguments = [from.catalogMilliseconds, to.catalogMilliseconds]
        return try read { db in
            let last = try Row.fetchAll(
                db,
                sql: """
                    SELECT json_extract(detail, '$.device') AS device, max(at) FROM audit
                    WHERE action = ? AND device IS NOT NULL GROUP BY device
                    """, arguments: [started]
            ).reduce(into: [String: Date]()) { $0[$1[0]] = Date(catalogMilliseconds: $1[1]) }
            let devices = try Row.fetchAll(
                db, sql: "SELECT serial, status FROM device d WHERE \(held) ORDER BY serial", arguments: heldArguments
            ).map { row in SupervisionDeviceFacts.Device(serial: row[0], status: row[1], lastDockedAt: last[row[0]]) }
            let narrowed = held != "1"
            let known = Set(devices.map(\.serial))
            var docks: [String: SupervisionDeviceFacts.Dock] = [:]
            var order: [String] = []
            func dock(_ session: String) -> SupervisionDeviceFacts.Dock {
                docks[session]
                    ?? .init(
                        session: session, serial: nil, bay: nil, startedAt: nil, offsetSeconds: nil, lastSetAt: nil,
                        finishedAt: nil, outcome: nil, verified: nil, failed: nil)
            }
            let starts = try Row.fetchCursor(
                db,
                sql: """
                    SELECT json_extract(detail, '$.session'), json_extract(detail, '$.device'), json_extract(detail, '$.bay'),
                           at, json_extract(detail, '$.clock_offset_seconds')
                    FROM audit WHERE action = ? AND at >= ? AND at < ?
                    """, arguments: [started] + period)
            while let row = try starts.next() {
                guard let session: String = row[0] else { continue }
                var entry = dock(session)
                entry.serial = row[1]
                entry.bay = row[2]
                entry.startedAt = Date(catalogMilliseconds: row[3])
                entry.offsetSeconds = (row[4] as String?).flatMap(Double.init)
                if docks[session] == nil { order.append(session) }
                docks[session] = entry
            }
            let ends = try Row.fetchCursor(
                db,
                sql: """
                    SELECT json_extract(detail, '$.session'), json_extract(detail, '$.bay'), at,
                           json_extract(detail, '$.outcome'), json_extract(detail, '$.verified'),
                           json_extract(detail, '$.failed')
                    FROM audit WHERE action = ? AND at >= ? AND at < ?
                    """, arguments: [finished] + period)
            var unstarted: [String] = []
            while let row = try ends.next() {
                guard let session: String = row[0] else { continue }
                var entry = dock(session)
                entry.bay = entry.bay ?? row[1]
                entry.finishedAt = Date(catalogMilliseconds: row[2])
                entry.outcome = row[3]
                entry.verified = (row[4] as String?).flatMap(Int.init)
                entry.failed = (row[5] as String?).flatMap(Int.init)
                if docks[session] == nil {
                    order.append(session)
                    unstarted.append(session)
                }
                docks[session] = entry
            }
            // A session that finished in the period but started before it: its device, from its start.
            if !unstarted.isEmpty {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT json_extract(detail, '$.session') AS session, json_extract(detail, '$.device') FROM audit
                        WHERE action = ? AND session IN (SELECT value FROM json_each(?))
                        """, arguments: [started, String(decoding: try JSONEncoder().encode(unstarted), as: UTF8.self)])
                for row in rows { docks[row[0]]?.serial = row[1] }
            }
            var result: [SupervisionDeviceFacts.Dock] = []
            for session in order {
                guard var entry = docks[session] else { continue }
                if narrowed, !(entry.serial.map(known.contains) ?? false) { continue }
                // Within 4 s a clock is within tolerance however recently it was set (3 s a day, one
                // day at least, and a second for the reading): only larger offsets need the history.
                if let serial = entry.serial, let startedAt = entry.startedAt, let offset = entry.offsetSeconds,
                    abs(offset) > Self.offsetAlwaysTolerated
                {
                    entry.lastSetAt = try Int64.fetchOne(
                        db,
                        sql: """
                            SELECT max(set_at) FROM device_clock_set
                            WHERE device = ? AND dock_session <> ? AND set_at <= ?
                            """, arguments: [serial, session, startedAt.catalogMilliseconds]
                    ).map(Date.init(catalogMilliseconds:))
                }
                result.append(entry)
            }
            return SupervisionDeviceFacts(devices: devices, docks: result)
        }
    }

    /// A clock offset no dock flags (`ClockCheck`: 3 s a day over at least one day, and one more second).
    static let offsetAlwaysTolerated = 4.0

    /// The SQL condition on `device d` that keeps the devices of `filter`'s scope and officer.
    static func deviceScopeSQL(_ filter: ItemFilter) -> (String, StatementArguments) {
        let holder =
            "EXISTS (SELECT 1 FROM device_assignment a WHERE a.serial = d.serial AND a.assigned_until IS NULL AND "
        var conditions: [String] = []
        var arguments: StatementArguments = []
        switch filter.scope {
        case .all: break
        case .nothing: conditions.append("0")
        case .officer(let officer):
            conditions.append(holder + "a.person_id = ?)")
            arguments += [officer]
        case .units(let units, let officer):
            let placeholders = Array(repeating: "?", count: units.count).joined(separator: ", ")
            conditions.append(
                holder
                    + "(a.person_id IN (SELECT id FROM person WHERE unit_id IN (\(placeholders))) OR a.person_id IS ?))"
            )
            arguments += StatementArguments(units.sorted())
            arguments += [officer]
        }
        if let officer = filter.officerID {
            conditions.append(holder + "a.person_id = ?)")
            arguments += [officer.uppercased()]
        }
        return (conditions.isEmpty ? "1" : conditions.joined(separator: " AND "), arguments)
    }
}
