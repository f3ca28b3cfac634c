-- Local only: the canvas's unsaved changes, written moments after each edit, so a crash (or a
-- kill) loses nothing that autosave had not stored yet. One draft per open document; cleared by a
-- save. Never synced.
CREATE TABLE local_drafts (
    owner_id BLOB PRIMARY KEY,
    surface TEXT NOT NULL CHECK (surface IN ('workflow', 'blueprint')),
    base_version INTEGER NOT NULL,
    graph TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
