/// What the supervision report reads of each item, kept on the item row (DESIGN §14): its latest
/// review outcome and its categories. A report reads every item of its period; item ids are random, so
/// looking up each item's reviews and categories in their own tables is a random read per item (the
/// item query alone took 6.8 s for 1,000,000 items of which a third were reviewed and four in five
/// categorised; 1.25 s with these columns), where these columns make the report one scan of the items
/// in the order they were written.
///
/// Triggers keep them, so every writer of a review or a category (review done, categorise, a category
/// removed and its assignments with it) keeps them without knowing they exist; another trigger refuses
/// any value but the derived one, so they cannot drift from the rows they summarise.
enum ReportSchema {
    /// The latest review outcome of item `X` (a column expression): the order `show` and the queue use.
    static func latestOutcome(_ item: String) -> String {
        "(SELECT outcome FROM review WHERE review.item_id = \(item) ORDER BY reviewed_at DESC, review.id DESC LIMIT 1)"
    }

    /// Item `X`'s categories, sorted and comma-separated (names cannot hold a comma), or NULL for none.
    static func categoryList(_ item: String) -> String {
        "(SELECT group_concat(category, ',') FROM (SELECT category FROM item_category WHERE item_id = \(item) ORDER BY category))"
    }

    static let v1 = """
        ALTER TABLE item ADD COLUMN review_outcome TEXT
            CHECK (review_outcome IS NULL OR review_outcome IN ('ok', 'incomplete', 'non_compliant', 'important'));
        ALTER TABLE item ADD COLUMN category_list TEXT;
        UPDATE item SET review_outcome = \(latestOutcome("item.id")), category_list = \(categoryList("item.id"));
        -- Every column the report reads of an item, in ingest order: its scan reads this index alone,
        -- never the wide item rows (1.25 s -> 0.75 s of SQL for 1,000,000 items).
        CREATE INDEX item_report ON item (
            ingested_at, officer_id, unit_id, recorded_at, review_state, review_outcome, category_list, id
        );

        CREATE TRIGGER item_report_columns_derived BEFORE UPDATE OF review_outcome, category_list ON item
        WHEN NEW.review_outcome IS NOT \(latestOutcome("NEW.id")) OR NEW.category_list IS NOT \(categoryList("NEW.id"))
        BEGIN
            SELECT RAISE(ABORT, 'an item''s review_outcome and category_list are derived from its reviews and categories');
        END;
        CREATE TRIGGER review_outcome_kept AFTER INSERT ON review
        BEGIN
            UPDATE item SET review_outcome = \(latestOutcome("NEW.item_id")) WHERE id = NEW.item_id;
        END;
        CREATE TRIGGER item_category_list_added AFTER INSERT ON item_category
        BEGIN
            UPDATE item SET category_list = \(categoryList("NEW.item_id")) WHERE id = NEW.item_id;
        END;
        -- Also when a category's removal cascades to its assignments.
        CREATE TRIGGER item_category_list_removed AFTER DELETE ON item_category
        BEGIN
            UPDATE item SET category_list = \(categoryList("OLD.item_id")) WHERE id = OLD.item_id;
        END;
        """
}
