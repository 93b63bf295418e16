/// An export's bag bound to its record (DESIGN §15): the daemon, not the writer, decides what the
/// bag's `manifest-sha256.txt` must be and records its hash when the export is first opened; each
/// opening records how far the bag's audit excerpts run; a bag is recorded as written only with the
/// expected manifest. What SQL can say is said here, so no code path can record another bag.
enum ExportBindingSchema {
    static let v1 = """
        ALTER TABLE export_request ADD COLUMN expected_manifest_sha256 TEXT;
        ALTER TABLE export_request ADD COLUMN excerpt_seq INTEGER;

        -- A request starts with none of it: each is set by its step.
        CREATE TRIGGER export_binding_starts_empty BEFORE INSERT ON export_request
        WHEN NEW.expected_manifest_sha256 IS NOT NULL OR NEW.excerpt_seq IS NOT NULL
          OR NEW.opened_at IS NOT NULL OR NEW.written_at IS NOT NULL
        BEGIN
            SELECT RAISE(ABORT, 'an export request starts unopened and unwritten; open it with `custody export write`');
        END;

        -- The expected manifest: 64 lowercase hex digits, set by the opening, never changed.
        -- The excerpt's end: an entry of the chain, set by an opening, never moved back.
        CREATE TRIGGER export_binding_shape BEFORE UPDATE ON export_request
        WHEN (NEW.expected_manifest_sha256 IS NOT NULL
              AND (length(NEW.expected_manifest_sha256) <> 64 OR NEW.expected_manifest_sha256 GLOB '*[^0-9a-f]*'
                   OR NEW.opened_at IS NULL))
          OR (OLD.expected_manifest_sha256 IS NOT NULL
              AND NEW.expected_manifest_sha256 IS NOT OLD.expected_manifest_sha256)
          OR (NEW.excerpt_seq IS NOT NULL
              AND (NEW.opened_at IS NULL OR NEW.excerpt_seq < 1
                   OR NEW.excerpt_seq > (SELECT coalesce(max(seq), 0) FROM audit)))
          OR (OLD.excerpt_seq IS NOT NULL AND (NEW.excerpt_seq IS NULL OR NEW.excerpt_seq < OLD.excerpt_seq))
        BEGIN
            SELECT RAISE(ABORT, 'an export''s expected manifest is set once when it is opened, and its excerpt only moves forward');
        END;

        -- A bag is recorded only with the manifest the daemon expected (and an excerpt to check).
        CREATE TRIGGER export_written_as_expected BEFORE UPDATE ON export_request
        WHEN NEW.written_at IS NOT NULL AND OLD.written_at IS NULL
          AND (NEW.expected_manifest_sha256 IS NULL OR NEW.excerpt_seq IS NULL
               OR NEW.manifest_sha256 IS NOT NEW.expected_manifest_sha256)
        BEGIN
            SELECT RAISE(ABORT, 'a bag is recorded only with the manifest custodyd expected; write the export again');
        END;
        """
}
