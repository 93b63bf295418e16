/// The schema of review, categories, retention and holds (DESIGN §12). Every rule SQL can say is said
/// here, so a bug above cannot write the wrong row: two claims on one item, a review by anyone but the
/// claimant, a note edited or deleted, a released hold placed again, the `uncategorized` category
/// removed or assigned by hand.
///
/// An item is in `uncategorized` exactly when it has no `item_category` row. Its retention clock, the
/// winning category and its due date are materialised on `item` (`due_at` NULL: never due), recomputed
/// by `Retention` in the transaction of every change that affects them, so due-date queries are one
/// index range at any size.
enum ReviewSchema {
    static let v1 = """
        CREATE TABLE category (
            name         TEXT PRIMARY KEY NOT NULL CHECK (length(name) BETWEEN 1 AND 64 AND name = lower(name)
                                                          AND name NOT GLOB '*[^a-z0-9_.-]*'),
            retention    TEXT NOT NULL CHECK (retention = 'permanent' OR (retention GLOB '[1-9]*[dmy]'
                                              AND substr(retention, 1, length(retention) - 1) NOT GLOB '*[^0-9]*')),
            access_class TEXT NOT NULL DEFAULT 'normal' CHECK (access_class IN ('normal', 'restricted')),
            description  TEXT,
            created_by   TEXT NOT NULL,
            created_at   INTEGER NOT NULL
        ) STRICT;
        INSERT INTO category (name, retention, access_class, description, created_by, created_at)
            VALUES ('uncategorized', '6m', 'normal', 'not yet categorised: the safe default', 'system', 0);
        CREATE TRIGGER category_name_write_once BEFORE UPDATE OF name ON category
        BEGIN
            SELECT RAISE(ABORT, 'a category''s name is write-once; add a new category instead');
        END;
        CREATE TRIGGER category_uncategorized_stays BEFORE DELETE ON category WHEN OLD.name = 'uncategorized'
        BEGIN
            SELECT RAISE(ABORT, 'the uncategorized category cannot be removed; change its retention instead');
        END;
        CREATE TRIGGER category_uncategorized_open BEFORE UPDATE OF access_class ON category
        WHEN OLD.name = 'uncategorized' AND NEW.access_class <> 'normal'
        BEGIN
            SELECT RAISE(ABORT, 'the uncategorized category stays of access class normal');
        END;

        CREATE TABLE item_category (
            item_id  TEXT NOT NULL REFERENCES item (id),
            category TEXT NOT NULL REFERENCES category (name) ON DELETE CASCADE,
            added_by TEXT NOT NULL,
            added_at INTEGER NOT NULL,
            PRIMARY KEY (item_id, category)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX item_category_by_category ON item_category (category, item_id);
        CREATE TRIGGER item_category_not_uncategorized BEFORE INSERT ON item_category
        WHEN NEW.category = 'uncategorized'
        BEGIN
            SELECT RAISE(ABORT, 'uncategorized is what an item without categories is; it is not assigned');
        END;

        CREATE TABLE item_case (
            item_id     TEXT NOT NULL REFERENCES item (id),
            case_number TEXT NOT NULL CHECK (length(trim(case_number)) BETWEEN 1 AND 64),
            added_by    TEXT NOT NULL,
            added_at    INTEGER NOT NULL,
            PRIMARY KEY (item_id, case_number)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX item_case_by_case ON item_case (case_number, item_id);

        -- Retention, materialised: the clock it counts from, why recorded-at was not trusted, the
        -- winning category, the due date (NULL: never due). Review state: NULL until verified, then
        -- pending, then reviewed. fixity_failed_at: the first time the object failed a fixity check.
        ALTER TABLE item ADD COLUMN due_at INTEGER;
        ALTER TABLE item ADD COLUMN retention_clock TEXT
            CHECK (retention_clock IS NULL OR retention_clock IN ('recorded_at', 'ingested_at'));
        ALTER TABLE item ADD COLUMN retention_clock_flag TEXT;
        ALTER TABLE item ADD COLUMN retention_category TEXT;
        ALTER TABLE item ADD COLUMN review_state TEXT
            CHECK (review_state IS NULL OR review_state IN ('pending', 'reviewed'));
        ALTER TABLE item ADD COLUMN fixity_failed_at INTEGER;
        CREATE INDEX item_by_due ON item (due_at, id) WHERE due_at IS NOT NULL;
        CREATE INDEX item_review_queue ON item (verified_at, id) WHERE review_state = 'pending';
        CREATE INDEX item_review_queue_by_unit ON item (unit_id, verified_at, id) WHERE review_state = 'pending';
        CREATE INDEX item_review_queue_by_officer ON item (officer_id, verified_at, id) WHERE review_state = 'pending';
        CREATE INDEX item_fixity_failed ON item (fixity_failed_at) WHERE fixity_failed_at IS NOT NULL;
        UPDATE item SET review_state = 'pending' WHERE state = 'verified';
        -- Every verified item enters the review queue, whoever verified it.
        CREATE TRIGGER item_enters_review AFTER UPDATE OF state ON item WHEN NEW.state = 'verified'
        BEGIN
            UPDATE item SET review_state = 'pending' WHERE id = NEW.id AND review_state IS NULL;
        END;
        CREATE TRIGGER item_review_forward BEFORE UPDATE OF review_state ON item
        WHEN NOT ((OLD.review_state IS NULL AND NEW.review_state = 'pending' AND NEW.state = 'verified')
                  OR (OLD.review_state = 'pending' AND NEW.review_state = 'reviewed')
                  OR OLD.review_state IS NEW.review_state)
        BEGIN
            SELECT RAISE(ABORT, 'an item moves from pending review to reviewed, once');
        END;
        -- A fixity failure stays on record: it is cleared by nobody.
        CREATE TRIGGER item_fixity_failure_stays BEFORE UPDATE OF fixity_failed_at ON item
        WHEN OLD.fixity_failed_at IS NOT NULL
        BEGIN
            SELECT RAISE(ABORT, 'a fixity failure stays on the item');
        END;

        -- One claim an item at most (the primary key); a claim is a lease until expires_at.
        CREATE TABLE review_claim (
            item_id    TEXT PRIMARY KEY NOT NULL REFERENCES item (id),
            reviewer   TEXT NOT NULL CHECK (length(reviewer) > 0),
            claimed_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            assigned_by TEXT,
            CHECK (expires_at > claimed_at)
        ) STRICT;
        CREATE INDEX review_claim_by_reviewer ON review_claim (reviewer, expires_at);
        CREATE TRIGGER review_claim_pending_only BEFORE INSERT ON review_claim
        WHEN NOT EXISTS (SELECT 1 FROM item WHERE id = NEW.item_id AND review_state = 'pending')
        BEGIN
            SELECT RAISE(ABORT, 'only an item pending review is claimed');
        END;

        -- Reviews are append-only, and only the holder of a live claim writes one.
        CREATE TABLE review (
            id          INTEGER PRIMARY KEY,
            item_id     TEXT NOT NULL REFERENCES item (id),
            reviewer    TEXT NOT NULL,
            reviewed_at INTEGER NOT NULL,
            outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'incomplete', 'non_compliant', 'important'))
        ) STRICT;
        CREATE INDEX review_by_item ON review (item_id);
        CREATE TRIGGER review_by_claimant BEFORE INSERT ON review
        WHEN NOT EXISTS (SELECT 1 FROM review_claim WHERE item_id = NEW.item_id AND reviewer = NEW.reviewer
                         AND expires_at > NEW.reviewed_at)
        BEGIN
            SELECT RAISE(ABORT, 'a review is written by the reviewer holding a live claim on the item');
        END;
        CREATE TRIGGER review_no_update BEFORE UPDATE ON review
        BEGIN
            SELECT RAISE(ABORT, 'reviews are append-only');
        END;
        CREATE TRIGGER review_no_delete BEFORE DELETE ON review
        BEGIN
            SELECT RAISE(ABORT, 'reviews are append-only');
        END;

        -- Notes: append-only and attributed.
        CREATE TABLE note (
            id      INTEGER PRIMARY KEY,
            item_id TEXT NOT NULL REFERENCES item (id),
            author  TEXT NOT NULL CHECK (length(author) > 0),
            at      INTEGER NOT NULL,
            text    TEXT NOT NULL CHECK (length(trim(text)) BETWEEN 1 AND 10000)
        ) STRICT;
        CREATE INDEX note_by_item ON note (item_id, id);
        CREATE TRIGGER note_no_update BEFORE UPDATE ON note
        BEGIN
            SELECT RAISE(ABORT, 'notes are append-only: add another note');
        END;
        CREATE TRIGGER note_no_delete BEFORE DELETE ON note
        BEGIN
            SELECT RAISE(ABORT, 'notes are append-only');
        END;

        -- A hold: on listed items, or on a query (officer, device, recorded range, case number) that
        -- also catches items attributed later. hold_item holds both, materialised.
        CREATE TABLE hold (
            id             INTEGER PRIMARY KEY,
            matter         TEXT NOT NULL CHECK (length(trim(matter)) > 0),
            authority      TEXT NOT NULL CHECK (length(trim(authority)) > 0),
            reason         TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            placed_by      TEXT NOT NULL,
            placed_at      INTEGER NOT NULL,
            query_officer  TEXT,
            query_device   TEXT,
            query_from     INTEGER,
            query_to       INTEGER,
            query_case     TEXT,
            released_by    TEXT,
            released_at    INTEGER,
            release_reason TEXT,
            CHECK ((released_by IS NULL) = (released_at IS NULL)),
            CHECK (released_by IS NULL OR length(trim(release_reason)) > 0),
            CHECK (query_from IS NULL OR query_to IS NULL OR query_to > query_from),
            -- A time range alone would hold everyone's footage: it narrows an officer or a device.
            CHECK ((query_from IS NULL AND query_to IS NULL) OR query_officer IS NOT NULL OR query_device IS NOT NULL)
        ) STRICT;
        CREATE INDEX hold_open ON hold (id) WHERE released_at IS NULL;
        CREATE TRIGGER hold_write_once BEFORE UPDATE ON hold
        WHEN OLD.released_at IS NOT NULL
          OR NEW.matter IS NOT OLD.matter OR NEW.authority IS NOT OLD.authority OR NEW.reason IS NOT OLD.reason
          OR NEW.placed_by IS NOT OLD.placed_by OR NEW.placed_at IS NOT OLD.placed_at
          OR NEW.query_officer IS NOT OLD.query_officer OR NEW.query_device IS NOT OLD.query_device
          OR NEW.query_from IS NOT OLD.query_from OR NEW.query_to IS NOT OLD.query_to
          OR NEW.query_case IS NOT OLD.query_case
        BEGIN
            SELECT RAISE(ABORT, 'a hold is write-once and a released hold stays released; place a new hold');
        END;
        CREATE TRIGGER hold_no_delete BEFORE DELETE ON hold
        BEGIN
            SELECT RAISE(ABORT, 'holds are never deleted; release them');
        END;

        CREATE TABLE hold_item (
            hold_id  INTEGER NOT NULL REFERENCES hold (id),
            item_id  TEXT NOT NULL REFERENCES item (id),
            added_at INTEGER NOT NULL,
            PRIMARY KEY (hold_id, item_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX hold_item_by_item ON hold_item (item_id, hold_id);
        CREATE TRIGGER hold_item_open_only BEFORE INSERT ON hold_item
        WHEN EXISTS (SELECT 1 FROM hold WHERE id = NEW.hold_id AND released_at IS NOT NULL)
        BEGIN
            SELECT RAISE(ABORT, 'a released hold takes no more items');
        END;
        CREATE TRIGGER hold_item_no_delete BEFORE DELETE ON hold_item
        BEGIN
            SELECT RAISE(ABORT, 'a hold''s items stay on record; release the hold');
        END;
        """
}
