-- Order changes waiting for the team database, as the commands the person made: sync decides
-- each again on the team database's copy of the order (neuroflow_store::orders::command), so a
-- move another person made meanwhile is judged, not overwritten.
CREATE TABLE command_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    command_id BLOB NOT NULL UNIQUE,
    order_id BLOB NOT NULL,
    command TEXT NOT NULL,
    hlc TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX command_outbox_order ON command_outbox (order_id);

-- Commands the team database refused, with its reason, until the person dismisses them. The
-- order itself went back to the team database's copy when the refusal came.
CREATE TABLE refused_commands (
    id BLOB PRIMARY KEY,
    order_id BLOB NOT NULL,
    order_title TEXT NOT NULL,
    what TEXT NOT NULL,
    reason TEXT NOT NULL,
    made_at TEXT NOT NULL,
    refused_at TEXT NOT NULL
);

-- Build logs stay append-only, with one exception: when the team database refuses a command,
-- sync takes back the lines that command wrote here (it marks itself in local_settings inside
-- its own transaction, and removes the mark before committing).
DROP TRIGGER build_logs_no_delete;
CREATE TRIGGER build_logs_no_delete BEFORE DELETE ON build_logs
WHEN NOT EXISTS (SELECT 1 FROM local_settings WHERE key = 'undoing_refused_command')
BEGIN SELECT RAISE(ABORT, 'build logs are append-only'); END;
