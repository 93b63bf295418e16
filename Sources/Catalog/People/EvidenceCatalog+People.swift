import CustodyCore
import Foundation
import GRDB

/// People, units and grants (DESIGN §11). Every change commits together with its audit entries.
extension EvidenceCatalog {
    // MARK: Units

    /// Adds a unit.
    /// - Throws: `CatalogError.invalidQuery` when the id is taken, the parent or head does not exist.
    public func addUnit(_ unit: UnitRecord, events: [AuditEvent], by actor: AuditActor) throws {
        try change("unit \(unit.id)", events: events, by: actor) { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM unit WHERE id = ?", arguments: [unit.id]) == true {
                throw CatalogError(code: .invalidQuery, message: "unit \(unit.id) already exists; see `custody unit list`")
            }
            if let parent = unit.parentID, try UnitRecord.fetchOne(db, sql: "SELECT * FROM unit WHERE id = ?", arguments: [parent]) == nil {
                throw CatalogError(code: .notFound, message: "no unit \(parent) to place unit \(unit.id) under; add it first with `custody unit add`")
            }
            try db.execute(
                sql: "INSERT INTO unit (id, name, parent_id, head, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [unit.id, unit.name, unit.parentID, unit.head, unit.createdAt.catalogMilliseconds])
        }
    }

    /// Sets the head of a unit (who gives its grants their first approval).
    public func setUnitHead(_ unitID: String, head: String?, events: [AuditEvent], by actor: AuditActor) throws {
        try change("unit \(unitID)", events: events, by: actor) { db in
            try db.execute(sql: "UPDATE unit SET head = ? WHERE id = ?", arguments: [head, unitID])
            guard db.changesCount == 1 else { throw Self.noUnit(unitID) }
        }
    }

    /// Every unit, by id.
    public func units() throws -> [UnitRecord] {
        try read { db in try UnitRecord.fetchAll(db, sql: "SELECT * FROM unit ORDER BY id") }
    }

    /// One unit.
    /// - Throws: `CatalogError.notFound`.
    public func unit(_ id: String) throws -> UnitRecord {
        guard let unit = try read({ db in try UnitRecord.fetchOne(db, sql: "SELECT * FROM unit WHERE id = ?", arguments: [id]) })
        else { throw Self.noUnit(id) }
        return unit
    }

    /// The units `ids` and every unit below them.
    public func unitsWithSubunits(_ ids: Set<String>) throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try read { db in
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            let rows = try String.fetchAll(
                db,
                sql: """
                    WITH RECURSIVE below(id) AS (
                        SELECT id FROM unit WHERE id IN (\(placeholders))
                        UNION SELECT unit.id FROM unit JOIN below ON unit.parent_id = below.id)
                    SELECT id FROM below
                    """, arguments: StatementArguments(Array(ids)))
            return Set(rows)
        }
    }

    static func noUnit(_ id: String) -> CatalogError {
        CatalogError(code: .notFound, message: "no unit \(id); see `custody unit list`, or add it with `custody unit add`")
    }

    // MARK: Persons

    /// Registers a person.
    /// - Throws: `CatalogError` when the badge id or account is taken or the unit does not exist.
    /// With `headingTheirUnit`, the person also becomes their unit's head in the same transaction: a
    /// new unit's first person, named its head in one step.
    public func addPerson(
        _ person: PersonRecord, headingTheirUnit: Bool = false, events: [AuditEvent], by actor: AuditActor
    ) throws {
        try change("person \(person.id)", events: events, by: actor) { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM person WHERE id = ?", arguments: [person.id]) == true {
                throw CatalogError(code: .invalidQuery, message: "badge id \(person.id) is already registered; see `custody person show \(person.id)`")
            }
            if let account = person.account,
                let holder = try String.fetchOne(db, sql: "SELECT id FROM person WHERE account = ?", arguments: [account])
            {
                throw CatalogError(code: .invalidQuery, message: "account \(account) already belongs to \(holder); one account, one person")
            }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM unit WHERE id = ?", arguments: [person.unitID]) != true {
                throw Self.noUnit(person.unitID)
            }
            try db.execute(
                sql: "INSERT INTO person (id, name, unit_id, account, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [person.id, person.name, person.unitID, person.account, person.createdAt.catalogMilliseconds])
            // Items already attributed to this badge before it was registered join its unit now.
            try db.execute(
                sql: "UPDATE item SET unit_id = ? WHERE officer_id = ? AND unit_id IS NULL",
                arguments: [person.unitID, person.id])
            if headingTheirUnit {
                try db.execute(sql: "UPDATE unit SET head = ? WHERE id = ?", arguments: [person.id, person.unitID])
            }
        }
    }

    /// Records that a person left: every grant of theirs is revoked in the same transaction (by the
    /// schema), and their open device assignments end.
    public func recordLeft(_ id: String, reason: String, at date: Date, events: [AuditEvent], by actor: AuditActor) throws {
        try change("person \(id)", events: events, by: actor) { db in
            guard let person = try PersonRecord.fetchOne(db, sql: "SELECT * FROM person WHERE id = ?", arguments: [id]) else {
                throw Self.noPerson(id)
            }
            guard person.isActive else {
                throw CatalogError(code: .invalidQuery, message: "\(id) already left on \(person.leftAt.map { "\($0)" } ?? "?")")
            }
            try db.execute(
                sql: "UPDATE person SET status = 'left', left_at = ?, left_reason = ? WHERE id = ?",
                arguments: [date.catalogMilliseconds, reason, id])
            try db.execute(
                sql: "UPDATE device_assignment SET assigned_until = ?, returned_by = ? WHERE person_id = ? AND assigned_until IS NULL",
                arguments: [date.catalogMilliseconds, actor.description, id])
        }
    }

    /// One person by badge id (case-insensitive).
    /// - Throws: `CatalogError.notFound`.
    public func person(_ id: String) throws -> PersonRecord {
        guard let person = try read({ db in
            try PersonRecord.fetchOne(db, sql: "SELECT * FROM person WHERE id = ?", arguments: [id.uppercased()])
        }) else { throw Self.noPerson(id) }
        return person
    }

    /// The person whose Unix account is `account`, if one is registered.
    public func person(account: String) throws -> PersonRecord? {
        try read { db in try PersonRecord.fetchOne(db, sql: "SELECT * FROM person WHERE account = ?", arguments: [account]) }
    }

    /// Persons, by badge id; only those of `units` when given.
    public func persons(inUnits units: Set<String>? = nil) throws -> [PersonRecord] {
        try read { db in
            guard let units else { return try PersonRecord.fetchAll(db, sql: "SELECT * FROM person ORDER BY id") }
            guard !units.isEmpty else { return [] }
            let placeholders = Array(repeating: "?", count: units.count).joined(separator: ", ")
            return try PersonRecord.fetchAll(
                db, sql: "SELECT * FROM person WHERE unit_id IN (\(placeholders)) ORDER BY id",
                arguments: StatementArguments(Array(units)))
        }
    }

    static func noPerson(_ id: String) -> CatalogError {
        CatalogError(code: .notFound, message: "no person with badge id \(id); see `custody person list`, or register them with `custody person add`")
    }

    // MARK: Grants

    /// Records a grant request and returns it.
    public func requestGrant(
        person: String, role: Role, scopeUnitID: String?, reason: String, validFrom: Date, validUntil: Date,
        requestedBy: String, at date: Date, events: (Int64) -> [AuditEvent], by actor: AuditActor
    ) throws -> GrantRecord {
        try change("grant request", events: [], by: actor) { db in
            if let scopeUnitID, try Bool.fetchOne(db, sql: "SELECT 1 FROM unit WHERE id = ?", arguments: [scopeUnitID]) != true {
                throw Self.noUnit(scopeUnitID)
            }
            try db.execute(
                sql: """
                    INSERT INTO role_grant (person_id, role, scope_unit_id, reason, valid_from, valid_until, requested_by, requested_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    person, role.rawValue, scopeUnitID, reason, validFrom.catalogMilliseconds,
                    validUntil.catalogMilliseconds, requestedBy, date.catalogMilliseconds,
                ])
            let id = db.lastInsertedRowID
            try AuditChain.append(events(id), actor: actor, at: date, in: db)
            return try GrantRecord.fetchOne(db, sql: "SELECT * FROM role_grant WHERE id = ?", arguments: [id])!
        }
    }

    /// One grant.
    /// - Throws: `CatalogError.notFound`.
    public func grant(_ id: Int64) throws -> GrantRecord {
        guard let grant = try read({ db in try GrantRecord.fetchOne(db, sql: "SELECT * FROM role_grant WHERE id = ?", arguments: [id]) })
        else { throw CatalogError(code: .notFound, message: "no grant \(id); see `custody grant list`") }
        return grant
    }

    /// Grants, newest first; only those of `person` when given.
    public func grants(person: String? = nil) throws -> [GrantRecord] {
        try read { db in
            if let person {
                return try GrantRecord.fetchAll(db, sql: "SELECT * FROM role_grant WHERE person_id = ? ORDER BY id DESC", arguments: [person])
            }
            return try GrantRecord.fetchAll(db, sql: "SELECT * FROM role_grant ORDER BY id DESC")
        }
    }

    /// The grants of `person` in force at `date`: approved twice, within their validity, not
    /// revoked. Evaluated per request, so a grant stops working at its `until` instant.
    public func grantsInForce(person: String, at date: Date) throws -> [GrantRecord] {
        try read { db in
            try GrantRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM role_grant WHERE person_id = ? AND second_approved_at IS NOT NULL
                    AND revoked_at IS NULL AND valid_from <= ? AND ? < valid_until
                    """,
                arguments: [person, date.catalogMilliseconds, date.catalogMilliseconds])
        }
    }

    /// Which decision an update records.
    public enum GrantDecision: Sendable {
        case firstApproval
        case secondApproval
        case rejection(reason: String)
        case revocation(reason: String)
    }

    /// Records a decision on a grant, only if the grant is still where `decision` expects it: of two
    /// concurrent approvals, one counts and the other is told the grant moved on.
    /// - Throws: `CatalogError.invalidQuery` naming where the grant stands; the schema refuses a
    ///   decision by the requester or the grantee.
    public func decideGrant(
        _ id: Int64, _ decision: GrantDecision, by principal: String, at date: Date, events: [AuditEvent],
        actor: AuditActor
    ) throws -> GrantRecord {
        try change("grant \(id)", events: events, by: actor) { db in
            let now = date.catalogMilliseconds
            let sql: String
            let arguments: StatementArguments
            switch decision {
            case .firstApproval:
                sql = """
                    UPDATE role_grant SET first_approved_by = ?, first_approved_at = ?
                    WHERE id = ? AND first_approved_by IS NULL AND rejected_by IS NULL AND revoked_by IS NULL
                    """
                arguments = [principal, now, id]
            case .secondApproval:
                sql = """
                    UPDATE role_grant SET second_approved_by = ?, second_approved_at = ?
                    WHERE id = ? AND first_approved_by IS NOT NULL AND second_approved_by IS NULL
                    AND rejected_by IS NULL AND revoked_by IS NULL
                    """
                arguments = [principal, now, id]
            case .rejection(let reason):
                sql = """
                    UPDATE role_grant SET rejected_by = ?, rejected_at = ?, reject_reason = ?
                    WHERE id = ? AND second_approved_by IS NULL AND rejected_by IS NULL AND revoked_by IS NULL
                    """
                arguments = [principal, now, reason, id]
            case .revocation(let reason):
                sql = """
                    UPDATE role_grant SET revoked_by = ?, revoked_at = ?, revoke_reason = ?
                    WHERE id = ? AND revoked_by IS NULL AND rejected_by IS NULL
                    """
                arguments = [principal, now, reason, id]
            }
            try db.execute(sql: sql, arguments: arguments)
            guard let grant = try GrantRecord.fetchOne(db, sql: "SELECT * FROM role_grant WHERE id = ?", arguments: [id]) else {
                throw CatalogError(code: .notFound, message: "no grant \(id); see `custody grant list`")
            }
            guard db.changesCount == 1 else {
                throw CatalogError(
                    code: .invalidQuery,
                    message: "grant \(id) is \(grant.state(at: date).rawValue.replacingOccurrences(of: "_", with: " ")); that decision no longer applies")
            }
            return grant
        }
    }

    /// Notes that grants authorised a request at `date`, at most once an hour per grant, for the
    /// periodic review of grants nobody uses.
    public func noteGrantsUsed(_ ids: [Int64], at date: Date) throws {
        guard !ids.isEmpty else { return }
        let now = date.catalogMilliseconds
        try write { db in
            for id in ids {
                try db.execute(
                    sql: "UPDATE role_grant SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                    arguments: [now, id, now - 3_600_000])
            }
        }
    }

    // MARK: Plumbing

    /// Runs `body` and appends `events` in one write transaction, turning the schema's refusals into
    /// errors that name `subject`.
    func change<T>(_ subject: String, events: [AuditEvent], by actor: AuditActor, _ body: (Database) throws -> T) throws -> T {
        do {
            return try write { db in
                let value = try body(db)
                try AuditChain.append(events, actor: actor, at: Date(), in: db)
                return value
            }
        } catch let error as CatalogError {
            if let database = error.cause as? DatabaseError, database.resultCode == .SQLITE_CONSTRAINT {
                let text = database.message ?? "a constraint failed"
                throw CatalogError(code: .invalidQuery, message: "\(subject): \(text)", cause: database)
            }
            throw error
        }
    }
}
