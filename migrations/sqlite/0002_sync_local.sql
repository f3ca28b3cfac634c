-- Local-only tables: the sync outbox (written in the same transaction as each edit) and device settings.
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id BLOB NOT NULL UNIQUE,
    table_name TEXT NOT NULL,
    row_id BLOB NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    payload TEXT NOT NULL,
    hlc TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX outbox_row ON outbox (table_name, row_id);

CREATE TABLE local_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Build logs are append-only here too (Postgres enforces it with privileges and triggers).
CREATE TRIGGER build_logs_no_update BEFORE UPDATE ON build_logs
BEGIN SELECT RAISE(ABORT, 'build logs are append-only'); END;
CREATE TRIGGER build_logs_no_delete BEFORE DELETE ON build_logs
BEGIN SELECT RAISE(ABORT, 'build logs are append-only'); END;
