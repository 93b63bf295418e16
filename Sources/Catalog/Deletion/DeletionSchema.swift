/// The deletion schema (DESIGN §13): due marks, deletion requests, their approval by a second
/// administrator, and the trash. Its constraints and triggers are the state machine, so no code above
/// it can trash an item early, trash a held one, or approve its own request:
///
/// ```
/// retained ──(retention pass: due_at passed, no hold)──► due (item.due_marked_at)
/// due, or not due with a reason ──(request)──► requested ──(second administrator)──► trashed
///   (purge_after = approval + grace) ──(restore)──► restored (retained, review pending again)
/// requested ──(reject)──► rejected
/// requested or trashed ──(a hold reaches the item)──► stopped
/// ```
///
/// Who may request and approve (administrators) is the access policy's decision; that the approver is
/// not the requester is this schema's. Actors are the access policy's principals (`uid:0`, `account:…`).
enum DeletionSchema {
    /// Whether item `X` (a column expression) is under an open hold.
    static func held(_ item: String) -> String {
        "EXISTS (SELECT 1 FROM hold_item hi JOIN hold h ON h.id = hi.hold_id WHERE hi.item_id = \(item) AND h.released_at IS NULL)"
    }

    static let v1 = """
        -- The retention service's judgement, never a deletion: when the item was found past its due
        -- date under no hold. Cleared when a hold reaches it or its due date moves later.
        ALTER TABLE item ADD COLUMN due_marked_at INTEGER;
        CREATE INDEX item_due_marked ON item (due_marked_at, id) WHERE due_marked_at IS NOT NULL;
        CREATE TRIGGER item_due_mark_only_when_due BEFORE UPDATE OF due_marked_at ON item
        WHEN NEW.due_marked_at IS NOT NULL
          AND (NEW.due_at IS NULL OR NEW.due_at > NEW.due_marked_at OR \(held("NEW.id")))
        BEGIN
            SELECT RAISE(ABORT, 'only an item past its due date and under no hold is marked due');
        END;

        CREATE TABLE deletion_request (
            id               INTEGER PRIMARY KEY,
            reason           TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            requested_by     TEXT NOT NULL CHECK (length(requested_by) > 0),
            requested_at     INTEGER NOT NULL,
            -- 1: some item was not due when requested (a court order, a recording made by mistake).
            not_due          INTEGER NOT NULL CHECK (not_due IN (0, 1)),
            grace_ms         INTEGER NOT NULL CHECK (grace_ms >= 0),
            approved_by      TEXT,
            approved_at      INTEGER,
            rejected_by      TEXT,
            rejected_at      INTEGER,
            rejection_reason TEXT,
            CHECK ((approved_by IS NULL) = (approved_at IS NULL)),
            CHECK ((rejected_by IS NULL) = (rejected_at IS NULL)),
            CHECK (approved_by IS NULL OR rejected_by IS NULL),
            -- Two people: nobody approves their own request.
            CHECK (approved_by IS NULL OR approved_by <> requested_by),
            CHECK (rejected_by IS NULL OR length(trim(rejection_reason)) > 0)
        ) STRICT;
        CREATE INDEX deletion_request_open ON deletion_request (id) WHERE approved_by IS NULL AND rejected_by IS NULL;
        -- A decision is taken once and the request itself never changes, so two concurrent decisions
        -- cannot both count.
        CREATE TRIGGER deletion_request_decided_once BEFORE UPDATE ON deletion_request
        WHEN OLD.approved_by IS NOT NULL OR OLD.rejected_by IS NOT NULL
          OR NEW.reason IS NOT OLD.reason OR NEW.requested_by IS NOT OLD.requested_by
          OR NEW.requested_at IS NOT OLD.requested_at OR NEW.not_due IS NOT OLD.not_due
          OR NEW.grace_ms IS NOT OLD.grace_ms
        BEGIN
            SELECT RAISE(ABORT, 'a deletion request is write-once and decided once');
        END;
        CREATE TRIGGER deletion_request_no_delete BEFORE DELETE ON deletion_request
        BEGIN
            SELECT RAISE(ABORT, 'deletion requests stay on record');
        END;

        -- Each item of a request and where it stands. No foreign key to item: the row outlives the
        -- item as part of its tombstone's record.
        CREATE TABLE deletion_item (
            request_id    INTEGER NOT NULL REFERENCES deletion_request (id),
            item_id       TEXT NOT NULL CHECK (length(item_id) = 36),
            was_due       INTEGER NOT NULL CHECK (was_due IN (0, 1)),
            state         TEXT NOT NULL
                CHECK (state IN ('requested', 'trashed', 'rejected', 'stopped', 'restored', 'shredded')),
            trashed_at    INTEGER,
            purge_after   INTEGER,
            stopped_at    INTEGER,
            restored_by   TEXT,
            restored_at   INTEGER,
            shredded_at   INTEGER,
            CHECK ((trashed_at IS NULL) = (purge_after IS NULL)),
            CHECK (purge_after IS NULL OR purge_after >= trashed_at),
            CHECK (state NOT IN ('trashed', 'restored', 'shredded') OR trashed_at IS NOT NULL),
            CHECK ((state = 'stopped') = (stopped_at IS NOT NULL)),
            CHECK ((state = 'restored') = (restored_by IS NOT NULL AND restored_at IS NOT NULL)),
            CHECK ((state = 'shredded') = (shredded_at IS NOT NULL)),
            PRIMARY KEY (request_id, item_id)
        ) STRICT, WITHOUT ROWID;
        -- One live deletion per item.
        CREATE UNIQUE INDEX deletion_item_live ON deletion_item (item_id) WHERE state IN ('requested', 'trashed');
        CREATE INDEX deletion_item_by_purge ON deletion_item (purge_after, item_id) WHERE state = 'trashed';

        CREATE TRIGGER deletion_item_requested BEFORE INSERT ON deletion_item
        WHEN NEW.state <> 'requested'
          OR NOT EXISTS (SELECT 1 FROM item WHERE id = NEW.item_id)
          OR EXISTS (SELECT 1 FROM deletion_request WHERE id = NEW.request_id
                     AND (approved_by IS NOT NULL OR rejected_by IS NOT NULL))
          OR NEW.was_due IS NOT (SELECT due_marked_at IS NOT NULL FROM item WHERE id = NEW.item_id)
          OR (NEW.was_due = 0 AND (SELECT not_due FROM deletion_request WHERE id = NEW.request_id) IS NOT 1)
          OR \(held("NEW.item_id"))
        BEGIN
            SELECT RAISE(ABORT, 'only an existing, unheld item joins an undecided request, marked as due or not as it is');
        END;
        CREATE TRIGGER deletion_item_forward BEFORE UPDATE ON deletion_item
        WHEN NEW.request_id IS NOT OLD.request_id OR NEW.item_id IS NOT OLD.item_id OR NEW.was_due IS NOT OLD.was_due
          OR NOT ((OLD.state = 'requested' AND NEW.state IN ('trashed', 'rejected', 'stopped'))
                  OR (OLD.state = 'trashed' AND NEW.state IN ('stopped', 'restored', 'shredded')))
          OR (OLD.trashed_at IS NOT NULL AND (NEW.trashed_at IS NOT OLD.trashed_at OR NEW.purge_after IS NOT OLD.purge_after))
        BEGIN
            SELECT RAISE(ABORT, 'a deletion moves requested -> trashed -> restored or shredded, or stops');
        END;
        -- Trash only what a second administrator approved and no hold covers.
        CREATE TRIGGER deletion_item_trash_approved BEFORE UPDATE OF state ON deletion_item
        WHEN NEW.state = 'trashed' AND (\(held("NEW.item_id"))
          OR NOT EXISTS (SELECT 1 FROM deletion_request WHERE id = NEW.request_id AND approved_by IS NOT NULL
                         AND NEW.trashed_at >= approved_at AND NEW.purge_after - NEW.trashed_at >= grace_ms))
        BEGIN
            SELECT RAISE(ABORT, 'only an approved, unheld deletion goes to the trash, for the whole grace period');
        END;
        CREATE TRIGGER deletion_item_reject_rejected BEFORE UPDATE OF state ON deletion_item
        WHEN NEW.state = 'rejected'
          AND NOT EXISTS (SELECT 1 FROM deletion_request WHERE id = NEW.request_id AND rejected_by IS NOT NULL)
        BEGIN
            SELECT RAISE(ABORT, 'only a rejected request rejects its items');
        END;
        -- The shred comes after the grace period, never under a hold.
        CREATE TRIGGER deletion_item_shred_after_grace BEFORE UPDATE OF state ON deletion_item
        WHEN NEW.state = 'shredded' AND (NEW.shredded_at < OLD.purge_after OR \(held("NEW.item_id")))
        BEGIN
            SELECT RAISE(ABORT, 'an item is shredded only after its grace period and under no hold');
        END;
        CREATE TRIGGER deletion_item_no_delete BEFORE DELETE ON deletion_item
        BEGIN
            SELECT RAISE(ABORT, 'deletions stay on record');
        END;

        -- A hold placed at any point before the shred stops the deletion and the due mark, whatever
        -- placed it.
        CREATE TRIGGER hold_item_stops_deletion AFTER INSERT ON hold_item
        WHEN EXISTS (SELECT 1 FROM hold WHERE id = NEW.hold_id AND released_at IS NULL)
        BEGIN
            UPDATE deletion_item SET state = 'stopped', stopped_at = NEW.added_at
            WHERE item_id = NEW.item_id AND state IN ('requested', 'trashed');
            UPDATE item SET due_marked_at = NULL WHERE id = NEW.item_id AND due_marked_at IS NOT NULL;
        END;
        -- Restored: retained again with a new review, no longer due until a retention pass finds it
        -- so. The review trigger is replaced to let a restored item, and only one, re-enter the queue.
        DROP TRIGGER item_review_forward;
        CREATE TRIGGER item_review_forward BEFORE UPDATE OF review_state ON item
        WHEN NOT ((OLD.review_state IS NULL AND NEW.review_state = 'pending' AND NEW.state = 'verified')
                  OR (OLD.review_state = 'pending' AND NEW.review_state = 'reviewed')
                  OR (OLD.review_state = 'reviewed' AND NEW.review_state = 'pending'
                      AND EXISTS (SELECT 1 FROM deletion_item WHERE item_id = NEW.id AND state = 'restored'))
                  OR OLD.review_state IS NEW.review_state)
        BEGIN
            SELECT RAISE(ABORT, 'an item moves from pending review to reviewed, once, and back to pending when restored from the trash');
        END;
        CREATE TRIGGER deletion_item_restored AFTER UPDATE OF state ON deletion_item WHEN NEW.state = 'restored'
        BEGIN
            UPDATE item SET due_marked_at = NULL WHERE id = NEW.item_id;
            UPDATE item SET review_state = 'pending' WHERE id = NEW.item_id AND review_state = 'reviewed';
        END;
        """
}
