-- A workflow's own settings (model::settings::WorkflowSettings as JSON): kept on the row, never in
-- its graph or files.
ALTER TABLE workflows ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
