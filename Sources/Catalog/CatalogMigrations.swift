import GRDB

/// The catalog schema, as named migrations. Constraints and triggers live in the schema, so a bug in
/// the code above cannot write an impossible row or rewrite history.
enum CatalogMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: items, intents, audit chain") { db in
            try db.execute(
                sql: """
                    CREATE TABLE store_meta (
                        key   TEXT PRIMARY KEY NOT NULL,
                        value BLOB NOT NULL
                    ) STRICT;

                    -- One row per evidence item. Write-once except for the lifecycle columns.
                    CREATE TABLE item (
                        id                  TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                        state               TEXT NOT NULL CHECK (state IN ('stored', 'verified')),
                        sha256              BLOB NOT NULL CHECK (length(sha256) = 32),
                        ciphertext_sha256   BLOB NOT NULL UNIQUE CHECK (length(ciphertext_sha256) = 32),
                        size                INTEGER NOT NULL CHECK (size >= 0),
                        ciphertext_size     INTEGER NOT NULL CHECK (ciphertext_size > size),
                        wrapped_key         BLOB NOT NULL CHECK (length(wrapped_key) = 60),
                        source_device       TEXT,
                        source_root         TEXT NOT NULL,
                        source_path         BLOB NOT NULL,
                        source_path_display TEXT NOT NULL,
                        source_size         INTEGER NOT NULL CHECK (source_size >= 0),
                        source_mtime_ns     INTEGER NOT NULL,
                        ingested_at         INTEGER NOT NULL,
                        verified_at         INTEGER,
                        CHECK ((state = 'verified') = (verified_at IS NOT NULL))
                    ) STRICT;
                    CREATE INDEX item_by_source ON item (source_root, source_path, source_size, source_mtime_ns);
                    CREATE INDEX item_by_device_time ON item (source_device, ingested_at);
                    CREATE INDEX item_by_time ON item (ingested_at);
                    CREATE INDEX item_by_sha256 ON item (sha256);
                    CREATE INDEX item_by_state ON item (state) WHERE state <> 'verified';

                    CREATE TRIGGER item_write_once BEFORE UPDATE OF
                        id, sha256, ciphertext_sha256, size, ciphertext_size, source_device, source_root,
                        source_path, source_path_display, source_size, source_mtime_ns, ingested_at ON item
                    BEGIN
                        SELECT RAISE(ABORT, 'item content and provenance are write-once');
                    END;
                    CREATE TRIGGER item_state_forward BEFORE UPDATE OF state ON item
                    WHEN NOT (OLD.state = 'stored' AND NEW.state = 'verified')
                    BEGIN
                        SELECT RAISE(ABORT, 'an item only moves from stored to verified');
                    END;

                    -- Objects renamed into place but not yet catalogued: recovery removes them.
                    CREATE TABLE pending_object (
                        item_id           TEXT PRIMARY KEY NOT NULL CHECK (length(item_id) = 36),
                        ciphertext_sha256 BLOB NOT NULL CHECK (length(ciphertext_sha256) = 32),
                        created_at        INTEGER NOT NULL
                    ) STRICT;

                    -- The audit log: a hash chain (docs/audit-log.md). Append-only, enforced here.
                    CREATE TABLE audit (
                        seq       INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 1),
                        at        INTEGER NOT NULL,
                        actor     TEXT NOT NULL,
                        action    TEXT NOT NULL,
                        item_id   TEXT,
                        detail    TEXT NOT NULL,
                        prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
                        hash      BLOB NOT NULL UNIQUE CHECK (length(hash) = 32)
                    ) STRICT;
                    CREATE INDEX audit_by_item ON audit (item_id) WHERE item_id IS NOT NULL;
                    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                    BEGIN
                        SELECT RAISE(ABORT, 'the audit log is append-only');
                    END;
                    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                    BEGIN
                        SELECT RAISE(ABORT, 'the audit log is append-only');
                    END;
                    """)
        }
        migrator.registerMigration("volumes: source time zone") { db in
            // FAT stores local time without a zone: keep the raw value and the zone the instant in
            // source_mtime_ns was computed with. Write-once, like the rest of the provenance.
            try db.execute(
                sql: """
                    ALTER TABLE item ADD COLUMN source_mtime_raw TEXT;
                    ALTER TABLE item ADD COLUMN source_mtime_zone TEXT;
                    CREATE TRIGGER item_source_time_write_once BEFORE UPDATE OF
                        source_mtime_raw, source_mtime_zone ON item
                    BEGIN
                        SELECT RAISE(ABORT, 'item content and provenance are write-once');
                    END;
                    """)
        }
        return migrator
    }
}
