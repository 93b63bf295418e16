/// The crypto-shred (DESIGN §13), in SQL: moving a deletion to `shredded` (after the grace period,
/// under no hold, by `DeletionSchema`'s triggers) overwrites the item's wrapped key with zeros in the
/// same statement, so no transaction can leave a shredded item with its key or an item whose key is
/// gone while the catalog calls it readable. An erased key stays erased, and nothing else erases one.
/// The item row stays as the tombstone: id, hashes, size, recorded-at, officer, categories; the
/// deletion rows say who asked, who approved, when and why.
enum ShredSchema {
    static let v1 = """
        CREATE TRIGGER item_key_erased_only_by_shred BEFORE UPDATE OF wrapped_key ON item
        WHEN NEW.wrapped_key = zeroblob(60)
          AND NOT EXISTS (SELECT 1 FROM deletion_item WHERE item_id = NEW.id AND state = 'shredded')
        BEGIN
            SELECT RAISE(ABORT, 'an item''s key is erased only by its shred');
        END;
        CREATE TRIGGER item_key_stays_erased BEFORE UPDATE OF wrapped_key ON item
        WHEN OLD.wrapped_key = zeroblob(60)
        BEGIN
            SELECT RAISE(ABORT, 'an erased key stays erased: the item is a tombstone');
        END;
        CREATE TRIGGER deletion_item_shred_erases_key AFTER UPDATE OF state ON deletion_item
        WHEN NEW.state = 'shredded'
        BEGIN
            UPDATE item SET wrapped_key = zeroblob(60) WHERE id = NEW.item_id;
        END;
        CREATE INDEX deletion_item_by_item ON deletion_item (item_id, state);
        """
}
