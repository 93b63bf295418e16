import Catalog
import Foundation
import GRDB

// MARK: - report's workload

/// Makes a seeded catalog look like a year of review work, unless it already does: every item
/// verified (so pending review), recorded 0–48 hours before its ingest, one in three reviewed (through a
/// claim, as the schema demands) with a spread of outcomes, four in five in one of four categories.
/// Without it the report would read a catalog with no review, category or recording time, and a
/// figure that hides the per-item reads those bring (3.7 s printed on a catalog without them, while
/// with them the item query of that time alone took 6.8 s).
/// Returns whether it changed the catalog.
func prepareReviewWork(catalogPath path: String) throws -> Bool {
    let queue = try DatabaseQueue(path: path)
    return try queue.write { db in
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM review") == 0 else { return false }
        let now = Date().catalogMilliseconds
        // One statement at a time: those that name the instant take it as their own ?1.
        let statements = [
            """
            UPDATE item SET state = 'verified', verified_at = ingested_at + 1000 WHERE state = 'stored'
            """,
            """
            UPDATE item SET recorded_at = ingested_at - (abs(random()) % 172800000), recorded_at_source = 'container'
                WHERE recorded_at IS NULL
            """,
            """
            INSERT INTO review_claim (item_id, reviewer, claimed_at, expires_at)
                SELECT id, 'bench-reviewer', ?1, ?1 + 3600000 FROM item WHERE rowid % 3 = 0
            """,
            """
            INSERT INTO review (item_id, reviewer, reviewed_at, outcome)
                SELECT item_id, reviewer, ?1,
                CASE abs(random()) % 8 WHEN 0 THEN 'important' WHEN 1 THEN 'incomplete'
                WHEN 2 THEN 'non_compliant' ELSE 'ok' END
                FROM review_claim WHERE reviewer = 'bench-reviewer'
            """,
            """
            UPDATE item SET review_state = 'reviewed'
                WHERE id IN (SELECT item_id FROM review_claim WHERE reviewer = 'bench-reviewer')
            """,
            """
            DELETE FROM review_claim WHERE reviewer = 'bench-reviewer'
            """,
            """
            INSERT OR IGNORE INTO category (name, retention, created_by, created_at) VALUES
                ('traffic', '1y', 'bench', ?1), ('arrest', '5y', 'bench', ?1),
                ('complaint', '3y', 'bench', ?1), ('training', '6m', 'bench', ?1)
            """,
            """
            INSERT OR IGNORE INTO item_category (item_id, category, added_by, added_at)
                SELECT id, CASE rowid % 4 WHEN 0 THEN 'traffic' WHEN 1 THEN 'arrest' WHEN 2 THEN 'complaint'
                ELSE 'training' END, 'bench', ?1
                FROM item WHERE rowid % 5 <> 0
            """,
        ]
        for statement in statements {
            try db.execute(sql: statement, arguments: statement.contains("?1") ? [now] : [])
        }
        return true
    }
}
