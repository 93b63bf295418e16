/// Backups made of the catalog and the store (docs/operations.md, "Backups"), in SQL: one row per
/// snapshot, never deleted, so a deletion receipt can always say until when a backup made before a
/// shred may still hold the item's wrapped key. A row changes once, when its snapshot is pruned, and
/// only after its lifetime ended; nothing else about it ever changes.
enum BackupSchema {
    static let v1 = """
        CREATE TABLE backup_snapshot (
            id             INTEGER PRIMARY KEY NOT NULL,
            made_at        INTEGER NOT NULL,
            expires_at     INTEGER NOT NULL CHECK (expires_at >= made_at),
            target         TEXT NOT NULL CHECK (length(target) > 1 AND substr(target, 1, 1) = '/'),
            snapshot       TEXT NOT NULL
                CHECK (length(snapshot) > 0 AND instr(snapshot, '/') = 0 AND snapshot NOT IN ('.', '..')),
            items          INTEGER NOT NULL CHECK (items >= 0),
            objects_copied INTEGER NOT NULL CHECK (objects_copied >= 0 AND objects_copied <= items),
            bytes          INTEGER NOT NULL CHECK (bytes >= 0),
            pruned_at      INTEGER CHECK (pruned_at IS NULL OR pruned_at >= expires_at),
            UNIQUE (target, snapshot)
        ) STRICT;
        CREATE INDEX backup_snapshot_by_expiry ON backup_snapshot (expires_at) WHERE pruned_at IS NULL;
        CREATE TRIGGER backup_snapshot_no_delete BEFORE DELETE ON backup_snapshot
        BEGIN
            SELECT RAISE(ABORT, 'backup records are kept: a deletion receipt relies on them');
        END;
        CREATE TRIGGER backup_snapshot_pruned_once BEFORE UPDATE ON backup_snapshot
        WHEN OLD.pruned_at IS NOT NULL OR NEW.pruned_at IS NULL
          OR NEW.id IS NOT OLD.id OR NEW.made_at IS NOT OLD.made_at OR NEW.expires_at IS NOT OLD.expires_at
          OR NEW.target IS NOT OLD.target OR NEW.snapshot IS NOT OLD.snapshot OR NEW.items IS NOT OLD.items
          OR NEW.objects_copied IS NOT OLD.objects_copied OR NEW.bytes IS NOT OLD.bytes
        BEGIN
            SELECT RAISE(ABORT, 'a backup record changes once, when its snapshot is pruned');
        END;
        """
}
