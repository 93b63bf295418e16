/// An item's deletion kept on its row (`item.deletion_state`, `item.deletion_at`), so every reader of
/// items — `list`, its `--item-state` filter, the review queue, the report — tells a trashed or
/// shredded item from a live one without a join to `deletion_item` per item (`ItemLifecycle` names the
/// state). A list page and a report read item rows or the report's covering index only; a join per item
/// would be a random read each.
///
/// Triggers on `deletion_item` keep the columns, so every writer of a deletion (request, approval,
/// rejection, restore, a hold stopping it, the shred) keeps them without knowing they exist; another
/// refuses any value but the derived one. `deletion_at` is when the grace period ends for a trashed
/// item and when it was shredded for a shredded one.
///
/// Trashed and shredded items leave the review queue: the queue's indexes are rebuilt to hold only
/// live items (a retention pass deletes the oldest items first, exactly the ones the queue, oldest
/// first, would otherwise step over one by one), a claim on one is refused, and the trash ends any
/// claim on an item (`EvidenceCatalog.approveDeletion` audits each as released). A tombstone joins no
/// new deletion request.
///
/// Measured before/after on one seeded catalog of 200,000 items (debug build, two cores shared with
/// other builds, so ±30 % between runs): the report's item facts 1,877 -> 1,863 ms (administrator),
/// list pages and the queue's first page unchanged within that noise (10-40 ms); the migration itself
/// takes about 6 s there (rebuilding four indexes), so about half a minute at 1,000,000 items.
enum ItemStateSchema {
    /// Item `X`'s live or final deletion (a column expression): shredded wins, else the one live
    /// deletion (`deletion_item_live` allows one).
    static func deletion(_ item: String, _ column: String) -> String {
        """
        (SELECT \(column) FROM deletion_item WHERE item_id = \(item) AND state IN ('requested', 'trashed', 'shredded') \
        ORDER BY state = 'shredded' DESC LIMIT 1)
        """
    }

    static func derivedState(_ item: String) -> String { deletion(item, "state") }

    static func derivedAt(_ item: String) -> String {
        deletion(item, "CASE state WHEN 'trashed' THEN purge_after WHEN 'shredded' THEN shredded_at END")
    }

    /// An item the review queue holds: pending review and neither trashed nor shredded. Spelled the same
    /// in the queue's partial indexes and every query that means to use them.
    static let queued =
        "review_state = 'pending' AND deletion_state IS NOT 'trashed' AND deletion_state IS NOT 'shredded'"

    /// An item that is not a tombstone (the report's counts; the due filters).
    static let notShredded = "deletion_state IS NOT 'shredded'"

    /// The columns of every item a deletion reached, as the triggers would have kept them: what the
    /// migration fills in for a catalog that already has deletions.
    static let backfill = """
        UPDATE item SET deletion_state = \(derivedState("item.id")), deletion_at = \(derivedAt("item.id"))
            WHERE id IN (SELECT item_id FROM deletion_item);
        """

    static let v1 = """
        ALTER TABLE item ADD COLUMN deletion_state TEXT
            CHECK (deletion_state IS NULL OR deletion_state IN ('requested', 'trashed', 'shredded'));
        ALTER TABLE item ADD COLUMN deletion_at INTEGER
            CHECK ((deletion_at IS NOT NULL) = (deletion_state IS NOT NULL AND deletion_state <> 'requested'));
        \(backfill)
        CREATE INDEX item_by_deletion_state ON item (deletion_state, ingested_at, id) WHERE deletion_state IS NOT NULL;

        CREATE TRIGGER item_deletion_state_derived BEFORE UPDATE OF deletion_state, deletion_at ON item
        WHEN NEW.deletion_state IS NOT \(derivedState("NEW.id")) OR NEW.deletion_at IS NOT \(derivedAt("NEW.id"))
        BEGIN
            SELECT RAISE(ABORT, 'an item''s deletion_state and deletion_at are derived from its deletions');
        END;
        CREATE TRIGGER deletion_item_state_on_item AFTER INSERT ON deletion_item
        BEGIN
            UPDATE item SET deletion_state = \(derivedState("NEW.item_id")), deletion_at = \(derivedAt("NEW.item_id"))
            WHERE id = NEW.item_id;
        END;
        CREATE TRIGGER deletion_item_state_kept_on_item AFTER UPDATE OF state ON deletion_item
        BEGIN
            UPDATE item SET deletion_state = \(derivedState("NEW.item_id")), deletion_at = \(derivedAt("NEW.item_id"))
            WHERE id = NEW.item_id;
        END;
        -- A tombstone is deleted already: it joins no request.
        CREATE TRIGGER deletion_item_not_of_tombstone BEFORE INSERT ON deletion_item
        WHEN EXISTS (SELECT 1 FROM item WHERE id = NEW.item_id AND deletion_state = 'shredded')
        BEGIN
            SELECT RAISE(ABORT, 'a shredded item is deleted already; it joins no deletion request');
        END;

        -- Nobody claims a trashed or shredded item, and the trash ends every claim on one.
        CREATE TRIGGER review_claim_live_only BEFORE INSERT ON review_claim
        WHEN EXISTS (SELECT 1 FROM item WHERE id = NEW.item_id AND deletion_state IN ('trashed', 'shredded'))
        BEGIN
            SELECT RAISE(ABORT, 'a trashed or shredded item is not claimed for review');
        END;
        CREATE TRIGGER deletion_item_trash_ends_claims AFTER UPDATE OF state ON deletion_item
        WHEN NEW.state = 'trashed'
        BEGIN
            DELETE FROM review_claim WHERE item_id = NEW.item_id;
        END;

        DROP INDEX item_review_queue;
        DROP INDEX item_review_queue_by_unit;
        DROP INDEX item_review_queue_by_officer;
        CREATE INDEX item_review_queue ON item (verified_at, id) WHERE \(queued);
        CREATE INDEX item_review_queue_by_unit ON item (unit_id, verified_at, id) WHERE \(queued);
        CREATE INDEX item_review_queue_by_officer ON item (officer_id, verified_at, id) WHERE \(queued);

        -- The report's covering index, with the deletion state: shredded items leave its counts and its
        -- scan still reads this index alone.
        DROP INDEX item_report;
        CREATE INDEX item_report ON item (
            ingested_at, officer_id, unit_id, recorded_at, review_state, review_outcome, category_list,
            deletion_state, id
        );
        """
}
