/// The schema of people, units, role grants and the device registry (DESIGN §11), and the columns
/// that attribute an item to an officer. Every rule that can be said in SQL is said here, so a bug
/// above cannot write an impossible row: an approval by the requester or the grantee, a second
/// approval before the first, a grant that outlives its person, two open assignments of one device,
/// a retired device in service again.
///
/// Principals are written as text keys: a registered person by badge id (`P1234`), anyone else by
/// account (`account:alice`) or uid (`uid:0`), so the self-approval checks compare like with like.
enum PeopleSchema {
    static let v1 = """
        CREATE TABLE unit (
            id         TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64 AND id = upper(id)
                                                        AND id NOT GLOB '*[^A-Z0-9_.-]*'),
            name       TEXT NOT NULL CHECK (length(trim(name)) > 0),
            parent_id  TEXT REFERENCES unit (id),
            head       TEXT,
            created_at INTEGER NOT NULL,
            CHECK (parent_id IS NULL OR parent_id <> id)
        ) STRICT;
        CREATE INDEX unit_by_parent ON unit (parent_id);
        -- A unit's parent never becomes one of its own descendants.
        CREATE TRIGGER unit_no_cycle BEFORE UPDATE OF parent_id ON unit
        WHEN NEW.parent_id IS NOT NULL AND NEW.parent_id IN (
            WITH RECURSIVE below(id) AS (
                SELECT NEW.id UNION SELECT unit.id FROM unit JOIN below ON unit.parent_id = below.id)
            SELECT id FROM below)
        BEGIN
            SELECT RAISE(ABORT, 'a unit cannot be placed under itself or one of its sub-units');
        END;

        CREATE TABLE person (
            id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 32 AND id = upper(id)
                                                         AND id NOT GLOB '*[^A-Z0-9_-]*'),
            name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
            unit_id     TEXT NOT NULL REFERENCES unit (id),
            account     TEXT UNIQUE CHECK (account IS NULL OR length(account) BETWEEN 1 AND 64),
            status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
            left_at     INTEGER,
            left_reason TEXT,
            created_at  INTEGER NOT NULL,
            CHECK ((status = 'left') = (left_at IS NOT NULL AND length(trim(left_reason)) > 0))
        ) STRICT;
        CREATE INDEX person_by_unit ON person (unit_id);
        CREATE TRIGGER person_id_write_once BEFORE UPDATE OF id, created_at ON person
        BEGIN
            SELECT RAISE(ABORT, 'a person''s badge id is write-once');
        END;
        CREATE TRIGGER person_left_is_final BEFORE UPDATE OF status ON person
        WHEN OLD.status = 'left'
        BEGIN
            SELECT RAISE(ABORT, 'a person who left cannot be made active again; register a new badge id');
        END;
        -- A person who leaves loses every grant at once, in the same statement.
        CREATE TRIGGER person_left_revokes AFTER UPDATE OF status ON person
        WHEN NEW.status = 'left'
        BEGIN
            UPDATE role_grant SET revoked_at = NEW.left_at, revoked_by = 'system',
                revoke_reason = 'person left: ' || NEW.left_reason
            WHERE person_id = NEW.id AND revoked_at IS NULL AND rejected_at IS NULL;
        END;
        CREATE TRIGGER unit_head_is_a_person_at_insert BEFORE INSERT ON unit
        WHEN NEW.head IS NOT NULL AND NOT EXISTS (SELECT 1 FROM person WHERE id = NEW.head AND status = 'active')
        BEGIN
            SELECT RAISE(ABORT, 'a unit head must be an active registered person');
        END;
        CREATE TRIGGER unit_head_is_a_person BEFORE UPDATE OF head ON unit
        WHEN NEW.head IS NOT NULL AND NOT EXISTS (SELECT 1 FROM person WHERE id = NEW.head AND status = 'active')
        BEGIN
            SELECT RAISE(ABORT, 'a unit head must be an active registered person');
        END;

        -- requested -> first approval (unit head or administrator) -> second approval (another
        -- administrator) -> active until valid_until; or rejected; or revoked at any point.
        CREATE TABLE role_grant (
            id                 INTEGER PRIMARY KEY,
            person_id          TEXT NOT NULL REFERENCES person (id),
            role               TEXT NOT NULL CHECK (role IN ('officer', 'reviewer', 'administrator', 'auditor')),
            scope_unit_id      TEXT REFERENCES unit (id),
            reason             TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            valid_from         INTEGER NOT NULL,
            valid_until        INTEGER NOT NULL,
            requested_by       TEXT NOT NULL CHECK (length(requested_by) > 0),
            requested_at       INTEGER NOT NULL,
            first_approved_by  TEXT,
            first_approved_at  INTEGER,
            second_approved_by TEXT,
            second_approved_at INTEGER,
            rejected_by        TEXT,
            rejected_at        INTEGER,
            reject_reason      TEXT,
            revoked_by         TEXT,
            revoked_at         INTEGER,
            revoke_reason      TEXT,
            last_used_at       INTEGER,
            CHECK (valid_until > valid_from),
            CHECK ((role = 'reviewer') = (scope_unit_id IS NOT NULL)),
            CHECK ((first_approved_by IS NULL) = (first_approved_at IS NULL)),
            CHECK ((second_approved_by IS NULL) = (second_approved_at IS NULL)),
            CHECK ((rejected_by IS NULL) = (rejected_at IS NULL)),
            CHECK ((revoked_by IS NULL) = (revoked_at IS NULL)),
            CHECK (second_approved_by IS NULL OR first_approved_by IS NOT NULL),
            -- Nobody approves their own request, nor a grant to themselves; two different approvers.
            CHECK (first_approved_by IS NULL OR (first_approved_by <> requested_by AND first_approved_by <> person_id)),
            CHECK (second_approved_by IS NULL OR (second_approved_by <> requested_by
                   AND second_approved_by <> person_id AND second_approved_by <> first_approved_by)),
            CHECK (rejected_by IS NULL OR second_approved_by IS NULL),
            CHECK (rejected_by IS NULL OR length(trim(reject_reason)) > 0),
            CHECK (revoked_by IS NULL OR length(trim(revoke_reason)) > 0)
        ) STRICT;
        CREATE INDEX grant_by_person ON role_grant (person_id, valid_until);
        CREATE TRIGGER grant_write_once BEFORE UPDATE OF
            id, person_id, role, scope_unit_id, reason, valid_from, valid_until, requested_by, requested_at
            ON role_grant
        BEGIN
            SELECT RAISE(ABORT, 'a grant request is write-once; request a new grant instead');
        END;
        -- Each decision is taken once: an approval or a rejection is never replaced, so two
        -- concurrent approvals of one request cannot both count.
        CREATE TRIGGER grant_decisions_once BEFORE UPDATE ON role_grant
        WHEN (OLD.first_approved_by IS NOT NULL AND NEW.first_approved_by IS NOT OLD.first_approved_by)
          OR (OLD.second_approved_by IS NOT NULL AND NEW.second_approved_by IS NOT OLD.second_approved_by)
          OR (OLD.rejected_by IS NOT NULL AND NEW.rejected_by IS NOT OLD.rejected_by)
          OR (OLD.revoked_by IS NOT NULL AND NEW.revoked_by IS NOT OLD.revoked_by)
        BEGIN
            SELECT RAISE(ABORT, 'this grant decision was already taken');
        END;
        CREATE TRIGGER grant_closed_stays_closed BEFORE UPDATE OF first_approved_by, second_approved_by ON role_grant
        WHEN OLD.rejected_by IS NOT NULL OR OLD.revoked_by IS NOT NULL
        BEGIN
            SELECT RAISE(ABORT, 'a rejected or revoked grant cannot be approved');
        END;
        CREATE TRIGGER grant_for_active_person BEFORE INSERT ON role_grant
        WHEN NOT EXISTS (SELECT 1 FROM person WHERE id = NEW.person_id AND status = 'active')
        BEGIN
            SELECT RAISE(ABORT, 'grants are only for active registered persons');
        END;
        CREATE TRIGGER grant_no_delete BEFORE DELETE ON role_grant
        BEGIN
            SELECT RAISE(ABORT, 'grants are never deleted; revoke them');
        END;

        CREATE TABLE device (
            serial        TEXT PRIMARY KEY NOT NULL CHECK (length(serial) BETWEEN 1 AND 64),
            model         TEXT,
            family        TEXT NOT NULL CHECK (length(family) > 0),
            status        TEXT NOT NULL DEFAULT 'in_service'
                          CHECK (status IN ('in_service', 'in_maintenance', 'retired')),
            retired_at    INTEGER,
            retire_reason TEXT,
            created_at    INTEGER NOT NULL,
            CHECK ((status = 'retired') = (retired_at IS NOT NULL AND length(trim(retire_reason)) > 0))
        ) STRICT;
        CREATE TRIGGER device_serial_write_once BEFORE UPDATE OF serial, created_at ON device
        BEGIN
            SELECT RAISE(ABORT, 'a device serial is write-once');
        END;
        CREATE TRIGGER device_retired_is_final BEFORE UPDATE ON device
        WHEN OLD.status = 'retired'
        BEGIN
            SELECT RAISE(ABORT, 'a retired device stays retired');
        END;
        CREATE TRIGGER device_no_delete BEFORE DELETE ON device
        BEGIN
            SELECT RAISE(ABORT, 'devices are never deleted from the registry; retire them');
        END;

        -- Who held a device when: assigned_until NULL is the current holder.
        CREATE TABLE device_assignment (
            id             INTEGER PRIMARY KEY,
            serial         TEXT NOT NULL REFERENCES device (serial),
            person_id      TEXT NOT NULL REFERENCES person (id),
            assigned_from  INTEGER NOT NULL,
            assigned_until INTEGER,
            assigned_by    TEXT NOT NULL,
            returned_by    TEXT,
            CHECK (assigned_until IS NULL OR assigned_until >= assigned_from),
            CHECK ((assigned_until IS NULL) = (returned_by IS NULL))
        ) STRICT;
        CREATE UNIQUE INDEX device_one_holder ON device_assignment (serial) WHERE assigned_until IS NULL;
        CREATE INDEX assignment_by_serial ON device_assignment (serial, assigned_from);
        CREATE INDEX assignment_by_person ON device_assignment (person_id, assigned_from);
        CREATE TRIGGER assignment_needs_service BEFORE INSERT ON device_assignment
        WHEN NOT EXISTS (SELECT 1 FROM device WHERE serial = NEW.serial AND status = 'in_service')
          OR NOT EXISTS (SELECT 1 FROM person WHERE id = NEW.person_id AND status = 'active')
        BEGIN
            SELECT RAISE(ABORT, 'only a device in service is assigned, and only to an active person');
        END;
        CREATE TRIGGER assignment_no_overlap BEFORE INSERT ON device_assignment
        WHEN EXISTS (SELECT 1 FROM device_assignment WHERE serial = NEW.serial
                     AND (assigned_until IS NULL OR assigned_until > NEW.assigned_from))
        BEGIN
            SELECT RAISE(ABORT, 'the device is still assigned; return it first');
        END;
        CREATE TRIGGER assignment_history_fixed BEFORE UPDATE ON device_assignment
        WHEN OLD.assigned_until IS NOT NULL OR NEW.serial IS NOT OLD.serial OR NEW.person_id IS NOT OLD.person_id
          OR NEW.assigned_from IS NOT OLD.assigned_from OR NEW.assigned_by IS NOT OLD.assigned_by
        BEGIN
            SELECT RAISE(ABORT, 'assignment history is write-once; only an open assignment is closed');
        END;
        CREATE TRIGGER assignment_no_delete BEFORE DELETE ON device_assignment
        BEGIN
            SELECT RAISE(ABORT, 'assignment history is never deleted');
        END;

        CREATE TABLE device_maintenance (
            id          INTEGER PRIMARY KEY,
            serial      TEXT NOT NULL REFERENCES device (serial),
            at          INTEGER NOT NULL,
            what        TEXT NOT NULL CHECK (length(trim(what)) > 0),
            result      TEXT NOT NULL CHECK (length(trim(result)) > 0),
            recorded_by TEXT NOT NULL
        ) STRICT;
        CREATE INDEX maintenance_by_serial ON device_maintenance (serial, at);
        CREATE TRIGGER maintenance_append_only BEFORE UPDATE ON device_maintenance
        BEGIN
            SELECT RAISE(ABORT, 'maintenance records are append-only');
        END;
        CREATE TRIGGER maintenance_no_delete BEFORE DELETE ON device_maintenance
        BEGIN
            SELECT RAISE(ABORT, 'maintenance records are append-only');
        END;

        -- Attribution (DESIGN §11): who the item is of, from which source, and what disagreed.
        -- identity_officer and docked_at are what the dock saw, write-once like the rest of provenance.
        ALTER TABLE item ADD COLUMN docked_at INTEGER;
        ALTER TABLE item ADD COLUMN identity_officer TEXT;
        ALTER TABLE item ADD COLUMN officer_source TEXT
            CHECK (officer_source IS NULL OR officer_source IN ('registry', 'identity_record', 'file_name'));
        ALTER TABLE item ADD COLUMN unit_id TEXT;
        ALTER TABLE item ADD COLUMN name_device TEXT;
        ALTER TABLE item ADD COLUMN attribution_flags TEXT
            CHECK (attribution_flags IS NULL OR (json_valid(attribution_flags) AND json_type(attribution_flags) = 'array'));
        CREATE TRIGGER item_dock_facts_write_once BEFORE UPDATE OF docked_at, identity_officer ON item
        BEGIN
            SELECT RAISE(ABORT, 'item content and provenance are write-once');
        END;
        CREATE INDEX item_by_unit_ingested ON item (unit_id, ingested_at);
        CREATE INDEX item_by_officer_ingested ON item (officer_id, ingested_at);
        CREATE INDEX item_by_name_device ON item (name_device, ingested_at) WHERE name_device IS NOT NULL;
        CREATE INDEX item_flagged ON item (ingested_at) WHERE attribution_flags IS NOT NULL;
        """
}
