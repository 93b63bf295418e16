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
        migrator.registerMigration("media: metadata") { db in
            try db.execute(
                sql: """
                    -- What probing found. Typed columns for what reviewers filter on; the rest as JSON.
                    -- Filled after verification (and again by reprobe), so not covered by item_write_once.
                    ALTER TABLE item ADD COLUMN media_kind TEXT
                        CHECK (media_kind IS NULL OR media_kind IN ('video', 'audio', 'photo', 'other'));
                    ALTER TABLE item ADD COLUMN recorded_at INTEGER;
                    ALTER TABLE item ADD COLUMN recorded_at_source TEXT
                        CHECK (recorded_at_source IS NULL OR recorded_at_source IN ('container', 'exif', 'file_name', 'filesystem'));
                    ALTER TABLE item ADD COLUMN duration_ms INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0);
                    ALTER TABLE item ADD COLUMN officer_id TEXT;
                    ALTER TABLE item ADD COLUMN has_location INTEGER CHECK (has_location IS NULL OR has_location IN (0, 1));
                    ALTER TABLE item ADD COLUMN media_damaged TEXT;
                    ALTER TABLE item ADD COLUMN metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata));
                    CREATE INDEX item_by_recorded ON item (recorded_at);
                    CREATE INDEX item_by_officer_recorded ON item (officer_id, recorded_at);
                    CREATE INDEX item_by_device_recorded ON item (source_device, recorded_at);
                    CREATE INDEX item_by_kind_recorded ON item (media_kind, recorded_at);
                    CREATE INDEX item_with_location ON item (recorded_at) WHERE has_location = 1;
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
        migrator.registerMigration("daemon: audit by action") { db in
            // The daemon asks when it last did something (the fixity scrubber's last pass).
            try db.execute(sql: "CREATE INDEX audit_by_action ON audit (action, seq)")
        }
        migrator.registerMigration("people: units, persons, grants, devices") { db in
            try db.execute(sql: PeopleSchema.v1)
        }
        migrator.registerMigration("content: export requests") { db in
            try db.execute(sql: ExportSchema.v1)
        }
        migrator.registerMigration("ingest: dock session and clock offset per item") { db in
            // Which dock session stored an item, and the device clock offset it measured and how: part
            // of the item's provenance, so write-once like the rest of it. An offset needs its method.
            try db.execute(
                sql: """
                    ALTER TABLE item ADD COLUMN dock_session TEXT
                        CHECK (dock_session IS NULL OR length(dock_session) = 36);
                    ALTER TABLE item ADD COLUMN clock_offset_ms INTEGER;
                    ALTER TABLE item ADD COLUMN clock_offset_method TEXT
                        CHECK (clock_offset_method IS NULL OR clock_offset_method IN ('device_protocol', 'clock_file'))
                        CHECK ((clock_offset_method IS NULL) = (clock_offset_ms IS NULL))
                        CHECK (clock_offset_method IS NULL OR dock_session IS NOT NULL);
                    CREATE INDEX item_by_dock_session ON item (dock_session) WHERE dock_session IS NOT NULL;
                    CREATE TRIGGER item_dock_write_once BEFORE UPDATE OF
                        dock_session, clock_offset_ms, clock_offset_method ON item
                    BEGIN
                        SELECT RAISE(ABORT, 'item content and provenance are write-once');
                    END;
                    """)
        }
        migrator.registerMigration("ingest: device clock sets") { db in
            // Each time a dock set a device's clock: the next docking measures drift against the last
            // one instead of assuming a day. Append-only, like the audit entry written with each row.
            try db.execute(
                sql: """
                    CREATE TABLE device_clock_set (
                        seq          INTEGER PRIMARY KEY NOT NULL,
                        device       TEXT NOT NULL CHECK (length(device) > 0),
                        set_at       INTEGER NOT NULL,
                        dock_session TEXT NOT NULL CHECK (length(dock_session) = 36)
                    ) STRICT;
                    CREATE INDEX device_clock_set_by_device ON device_clock_set (device, set_at);
                    CREATE TRIGGER device_clock_set_no_update BEFORE UPDATE ON device_clock_set
                    BEGIN
                        SELECT RAISE(ABORT, 'the clock-set history is append-only');
                    END;
                    CREATE TRIGGER device_clock_set_no_delete BEFORE DELETE ON device_clock_set
                    BEGIN
                        SELECT RAISE(ABORT, 'the clock-set history is append-only');
                    END;
                    """)
        }
        migrator.registerMigration("ingest: item sightings") { db in
            // Content already in an item, met again under another name, root or device: every place it
            // was seen, for `show`. Append-only while the item exists; deleting an item (retention)
            // takes its sightings with it.
            try db.execute(
                sql: """
                    CREATE TABLE item_sighting (
                        seq                 INTEGER PRIMARY KEY NOT NULL,
                        item_id             TEXT NOT NULL REFERENCES item (id) ON DELETE CASCADE,
                        seen_at             INTEGER NOT NULL,
                        source_device       TEXT,
                        source_root         TEXT NOT NULL,
                        source_path         BLOB NOT NULL,
                        source_path_display TEXT NOT NULL,
                        source_size         INTEGER NOT NULL CHECK (source_size >= 0),
                        source_mtime_ns     INTEGER NOT NULL,
                        source_mtime_raw    TEXT,
                        source_mtime_zone   TEXT,
                        dock_session        TEXT CHECK (dock_session IS NULL OR length(dock_session) = 36)
                    ) STRICT;
                    CREATE INDEX item_sighting_by_item ON item_sighting (item_id, seq);
                    CREATE TRIGGER item_sighting_no_update BEFORE UPDATE ON item_sighting
                    BEGIN
                        SELECT RAISE(ABORT, 'sightings are append-only');
                    END;
                    CREATE TRIGGER item_sighting_no_delete BEFORE DELETE ON item_sighting
                    WHEN EXISTS (SELECT 1 FROM item WHERE id = OLD.item_id)
                    BEGIN
                        SELECT RAISE(ABORT, 'sightings are append-only while their item exists');
                    END;
                    """)
        }
        migrator.registerMigration("review: categories, retention, review queue, notes, holds, fixity failures") { db in
            try db.execute(sql: ReviewSchema.v1)
            try ReviewSchema.materialiseRetention(in: db)
        }
        migrator.registerMigration("supervision: full-text search over notes and case numbers") { db in
            try db.execute(sql: SearchSchema.v1)
        }
        migrator.registerMigration("deletion: due marks, requests, second-administrator approval, trash") { db in
            try db.execute(sql: DeletionSchema.v1)
        }
        migrator.registerMigration("deletion: the shred erases the wrapped key") { db in
            try db.execute(sql: ShredSchema.v1)
        }
        migrator.registerMigration("backups: snapshots made") { db in
            try db.execute(sql: BackupSchema.v1)
        }
        migrator.registerMigration("supervision: items' latest review outcome and categories") { db in
            try db.execute(sql: ReportSchema.v1)
        }
        migrator.registerMigration("people screens: unreadable recordings flagged") { db in
            try db.execute(
                sql: """
                    -- Why a file could not be read as media at all (empty, random bytes, probing failed):
                    -- `list` flags it beside damaged media and disagreeing attribution, and `list --flagged`
                    -- finds it through the same partial index. Filled by probing; back-filled from the
                    -- metadata probing already stored.
                    ALTER TABLE item ADD COLUMN media_unreadable TEXT;
                    UPDATE item SET media_unreadable = json_extract(metadata, '$.unreadable')
                        WHERE metadata IS NOT NULL AND json_extract(metadata, '$.unreadable') IS NOT NULL;
                    DROP INDEX item_flagged;
                    CREATE INDEX item_flagged ON item (ingested_at)
                        WHERE attribution_flags IS NOT NULL OR media_damaged IS NOT NULL OR media_unreadable IS NOT NULL;
                    """)
        }
        migrator.registerMigration("socket limits: notes by author and time, for the notes' rate limit") { db in
            // `NoteLimits` counts a person's recent notes on every note added.
            try db.execute(sql: "CREATE INDEX note_by_author ON note (author, at)")
        }
        migrator.registerMigration("export binding: expected manifest and audit excerpt") { db in
            try db.execute(sql: ExportBindingSchema.v1)
        }
        migrator.registerMigration("item states: an item's deletion on its row, the queue of live items") { db in
            try db.execute(sql: ItemStateSchema.v1)
        }
        return migrator
    }
}
