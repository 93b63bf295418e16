import CustodyCore
import Foundation
import GRDB

extension EvidenceCatalog {
    /// Audit entries after sequence `after`, oldest first, at most `limit`; only those about `item`
    /// or with `action` when given.
    public func auditEntries(after: Int64, limit: Int, item: EvidenceID? = nil, action: String? = nil) throws
        -> [AuditEntry]
    {
        try read { db in
            var conditions = ["seq > ?"]
            var arguments: [(any DatabaseValueConvertible)?] = [after]
            if let item {
                conditions.append("item_id = ?")
                arguments.append(item.description)
            }
            if let action {
                conditions.append("action = ?")
                arguments.append(action)
            }
            arguments.append(limit)
            return try AuditEntry.fetchAll(
                db,
                sql: "SELECT * FROM audit WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq LIMIT ?",
                arguments: StatementArguments(arguments))
        }
    }
}
