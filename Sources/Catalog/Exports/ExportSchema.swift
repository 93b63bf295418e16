/// The schema of export requests (DESIGN §14, seed 004 §4(三)2): evidence leaves the store only in a
/// bag written once, from a request an administrator other than the requester approved, within its
/// validity window. What SQL can say is said here.
enum ExportSchema {
    static let v1 = """
        CREATE TABLE export_request (
            id              INTEGER PRIMARY KEY,
            recipient       TEXT NOT NULL CHECK (length(trim(recipient)) > 0),
            purpose         TEXT NOT NULL CHECK (length(trim(purpose)) > 0),
            requested_by    TEXT NOT NULL CHECK (length(requested_by) > 0),
            requested_at    INTEGER NOT NULL,
            approved_by     TEXT,
            approved_at     INTEGER,
            valid_until     INTEGER,
            rejected_by     TEXT,
            rejected_at     INTEGER,
            reject_reason   TEXT,
            opened_by       TEXT,
            opened_at       INTEGER,
            written_at      INTEGER,
            manifest_sha256 TEXT CHECK (manifest_sha256 IS NULL OR (length(manifest_sha256) = 64
                                        AND manifest_sha256 NOT GLOB '*[^0-9a-f]*')),
            CHECK ((approved_by IS NULL) = (approved_at IS NULL)),
            CHECK ((approved_by IS NULL) = (valid_until IS NULL)),
            CHECK (valid_until IS NULL OR valid_until > approved_at),
            CHECK (approved_by IS NULL OR approved_by <> requested_by),
            CHECK ((rejected_by IS NULL) = (rejected_at IS NULL)),
            CHECK (rejected_by IS NULL OR (approved_by IS NULL AND rejected_by <> requested_by
                                           AND length(trim(reject_reason)) > 0)),
            CHECK ((opened_by IS NULL) = (opened_at IS NULL)),
            CHECK (opened_at IS NULL OR (approved_at IS NOT NULL AND opened_at < valid_until)),
            CHECK ((written_at IS NULL) = (manifest_sha256 IS NULL)),
            CHECK (written_at IS NULL OR opened_at IS NOT NULL)
        ) STRICT;
        CREATE TRIGGER export_request_write_once BEFORE UPDATE OF
            id, recipient, purpose, requested_by, requested_at ON export_request
        BEGIN
            SELECT RAISE(ABORT, 'an export request is write-once; request a new export');
        END;
        -- Every step is taken once: one approval, one opening, one bag.
        CREATE TRIGGER export_steps_once BEFORE UPDATE ON export_request
        WHEN (OLD.approved_by IS NOT NULL AND (NEW.approved_by IS NOT OLD.approved_by
                                               OR NEW.valid_until IS NOT OLD.valid_until))
          OR (OLD.rejected_by IS NOT NULL)
          OR (OLD.opened_by IS NOT NULL AND NEW.opened_by IS NOT OLD.opened_by)
          OR (OLD.written_at IS NOT NULL)
        BEGIN
            SELECT RAISE(ABORT, 'this export step was already taken; request a new export');
        END;
        CREATE TRIGGER export_request_no_delete BEFORE DELETE ON export_request
        BEGIN
            SELECT RAISE(ABORT, 'export requests are never deleted');
        END;

        CREATE TABLE export_item (
            export_id INTEGER NOT NULL REFERENCES export_request (id),
            item_id   TEXT NOT NULL REFERENCES item (id),
            position  INTEGER NOT NULL CHECK (position >= 0),
            PRIMARY KEY (export_id, item_id),
            UNIQUE (export_id, position)
        ) STRICT;
        CREATE TRIGGER export_item_fixed BEFORE UPDATE ON export_item
        BEGIN
            SELECT RAISE(ABORT, 'an export''s items are fixed when it is requested');
        END;
        CREATE TRIGGER export_item_no_delete BEFORE DELETE ON export_item
        BEGIN
            SELECT RAISE(ABORT, 'an export''s items are fixed when it is requested');
        END;
        CREATE TRIGGER export_item_before_decision BEFORE INSERT ON export_item
        WHEN EXISTS (SELECT 1 FROM export_request WHERE id = NEW.export_id
                     AND (approved_by IS NOT NULL OR rejected_by IS NOT NULL))
        BEGIN
            SELECT RAISE(ABORT, 'an export''s items are fixed when it is requested');
        END;
        """
}
