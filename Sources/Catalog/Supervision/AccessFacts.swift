import CustodyCore
import Foundation
import GRDB

/// What the report's access section counts from: the period's refusals in the audit log, and the
/// grants of the scope's people with when each last authorised a request (`role_grant.last_used_at`).
public struct SupervisionAccessFacts: Sendable, Equatable {
    public var refusals: [Refusal]
    public var grants: [GrantRecord]

    /// One refusal entry: `access.denied` (refusals of a principal, `detail.principal`) or
    /// `control.refused` (connections of one uid the socket would not serve); either stands for
    /// `detail.refusals` refusals, since a flood of them is coalesced into one entry a minute.
    public struct Refusal: Sendable, Equatable {
        public var at: Date
        /// The principal's key (`P1234`, `account:alice`), or `uid:N` for a refused connection.
        public var principal: String
        public var count: Int

        public init(at: Date, principal: String, count: Int) {
            self.at = at
            self.principal = principal
            self.count = count
        }
    }

    public init(refusals: [Refusal], grants: [GrantRecord]) {
        self.refusals = refusals
        self.grants = grants
    }
}

extension EvidenceCatalog {
    /// The access facts of `[from, to)` for `filter`'s scope and officer: everyone for an unnarrowed
    /// scope; else the registered people of its units (or its officer), whose refusals are those
    /// recorded under their badge id — a refused connection names only a uid, so it is nobody's.
    /// Refusals are read through the audit log's action index; grants are few.
    public func supervisionAccessFacts(from: Date, to: Date, matching filter: ItemFilter) throws
        -> SupervisionAccessFacts
    {
        var people: [String] = []
        var arguments: StatementArguments = []
        switch filter.scope {
        case .all: break
        case .nothing: people.append("0")
        case .officer(let officer):
            people.append("id = ?")
            arguments += [officer]
        case .units(let units, let officer):
            let placeholders = Array(repeating: "?", count: units.count).joined(separator: ", ")
            people.append("(unit_id IN (\(placeholders)) OR id IS ?)")
            arguments += StatementArguments(units.sorted())
            arguments += [officer]
        }
        if let officer = filter.officerID {
            people.append("id = ?")
            arguments += [officer.uppercased()]
        }
        let narrowed = !people.isEmpty
        let persons = "SELECT id FROM person WHERE " + (narrowed ? people.joined(separator: " AND ") : "1")
        return try read { db in
            let known = Set(try String.fetchAll(db, sql: persons, arguments: arguments))
            var refusals: [SupervisionAccessFacts.Refusal] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT at, action, json_extract(detail, '$.principal'), json_extract(detail, '$.uid'),
                           json_extract(detail, '$.refusals')
                    FROM audit WHERE action IN (?, ?) AND at >= ? AND at < ?
                    """,
                arguments: [
                    AuditAction.accessDenied.rawValue, AuditAction.controlRefused.rawValue, from.catalogMilliseconds,
                    to.catalogMilliseconds,
                ])
            while let row = try rows.next() {
                let action: String = row[1]
                let denied = action == AuditAction.accessDenied.rawValue
                let principal = denied ? (row[2] as String?) ?? "-" : "uid:" + ((row[3] as String?) ?? "-")
                if narrowed, !known.contains(principal) { continue }
                refusals.append(
                    .init(
                        at: Date(catalogMilliseconds: row[0]), principal: principal,
                        count: max(1, (row[4] as String?).flatMap(Int.init) ?? 1)))
            }
            let grants = try GrantRecord.fetchAll(
                db, sql: "SELECT * FROM role_grant WHERE person_id IN (\(persons)) ORDER BY id", arguments: arguments)
            return SupervisionAccessFacts(refusals: refusals, grants: grants)
        }
    }
}
