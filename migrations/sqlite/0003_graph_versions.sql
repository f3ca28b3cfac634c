-- Saved versions of workflow and blueprint graphs: an explicit save, a restore, or an autosave
-- checkpoint. Each row holds the whole graph as saved, so any two can be compared or restored.
-- Rows are never changed once written.
CREATE TABLE workflow_versions (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    workflow_id BLOB NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    kind TEXT NOT NULL CHECK (kind IN ('SAVE', 'AUTOSAVE', 'RESTORE', 'IMPORT')),
    label TEXT NOT NULL DEFAULT '',
    graph TEXT NOT NULL,
    node_count INTEGER NOT NULL DEFAULT 0 CHECK (node_count >= 0),
    edge_count INTEGER NOT NULL DEFAULT 0 CHECK (edge_count >= 0),
    author_id BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (workflow_id, organization_id) REFERENCES workflows(id, organization_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX workflow_versions_id_org ON workflow_versions (id, organization_id);
CREATE INDEX workflow_versions_org ON workflow_versions (organization_id);
CREATE INDEX workflow_versions_workflow_id ON workflow_versions (workflow_id, created_at);
CREATE INDEX workflow_versions_author_id ON workflow_versions (author_id);

CREATE TABLE blueprint_versions (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    blueprint_id BLOB NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    kind TEXT NOT NULL CHECK (kind IN ('SAVE', 'AUTOSAVE', 'RESTORE', 'IMPORT')),
    label TEXT NOT NULL DEFAULT '',
    graph TEXT NOT NULL,
    node_count INTEGER NOT NULL DEFAULT 0 CHECK (node_count >= 0),
    edge_count INTEGER NOT NULL DEFAULT 0 CHECK (edge_count >= 0),
    author_id BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (blueprint_id, organization_id) REFERENCES tool_blueprints(id, organization_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX blueprint_versions_id_org ON blueprint_versions (id, organization_id);
CREATE INDEX blueprint_versions_org ON blueprint_versions (organization_id);
CREATE INDEX blueprint_versions_blueprint_id ON blueprint_versions (blueprint_id, created_at);
CREATE INDEX blueprint_versions_author_id ON blueprint_versions (author_id);

CREATE TRIGGER workflow_versions_no_update BEFORE UPDATE ON workflow_versions
BEGIN SELECT RAISE(ABORT, 'saved versions are never changed'); END;
CREATE TRIGGER blueprint_versions_no_update BEFORE UPDATE ON blueprint_versions
BEGIN SELECT RAISE(ABORT, 'saved versions are never changed'); END;
