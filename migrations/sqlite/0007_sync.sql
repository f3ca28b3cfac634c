-- Team sync: each synced row keeps the HLC stamp of each of its fields (what the per-field
-- last-writer-wins merge compares), and the conflicts the team database recorded are pulled here
-- so the desktop can list them offline.
ALTER TABLE workflows ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE workflow_nodes ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE workflow_edges ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE tool_blueprints ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE blueprint_components ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE blueprint_connections ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE ai_agents ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE agent_teams ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';
ALTER TABLE team_members ADD COLUMN field_hlc TEXT NOT NULL DEFAULT '{}';

CREATE TABLE sync_conflicts (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    row_id BLOB NOT NULL,
    field TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('overwritten', 'deleted')),
    lost_value TEXT,
    lost_hlc TEXT NOT NULL,
    lost_by BLOB,
    won_value TEXT,
    won_hlc TEXT NOT NULL,
    won_by BLOB,
    resolved_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_conflicts_row ON sync_conflicts (table_name, row_id);
