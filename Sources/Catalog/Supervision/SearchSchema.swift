/// Full-text search over notes and case numbers (DESIGN §14): one SQLite FTS5 table, filled from the
/// existing rows once and kept by triggers, so every writer of a note or a case number (review done,
/// note add, later ones) is searchable without knowing the index exists.
enum SearchSchema {
    static let v1 = """
        CREATE VIRTUAL TABLE item_search USING fts5(
            item_id UNINDEXED, kind UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2'
        );
        INSERT INTO item_search (item_id, kind, text) SELECT item_id, 'note', text FROM note;
        INSERT INTO item_search (item_id, kind, text) SELECT item_id, 'case', case_number FROM item_case;
        CREATE TRIGGER note_searchable AFTER INSERT ON note
        BEGIN
            INSERT INTO item_search (item_id, kind, text) VALUES (NEW.item_id, 'note', NEW.text);
        END;
        CREATE TRIGGER case_searchable AFTER INSERT ON item_case
        BEGIN
            INSERT INTO item_search (item_id, kind, text) VALUES (NEW.item_id, 'case', NEW.case_number);
        END;
        -- Rows leave the index with their source (an item's deletion removes both).
        CREATE TRIGGER note_unsearchable AFTER DELETE ON note
        BEGIN
            DELETE FROM item_search WHERE kind = 'note' AND item_id = OLD.item_id AND text = OLD.text;
        END;
        CREATE TRIGGER case_unsearchable AFTER DELETE ON item_case
        BEGIN
            DELETE FROM item_search WHERE kind = 'case' AND item_id = OLD.item_id AND text = OLD.case_number;
        END;
        """

    /// The words of `text` as an FTS5 query that matches items having all of them, each word quoted so
    /// no character a reviewer types (`-`, `:`, `*`, `"`) is taken as query syntax; nil for no word.
    static func query(_ text: String) -> String? {
        let words = text.split(whereSeparator: \.isWhitespace).map {
            "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }
}
