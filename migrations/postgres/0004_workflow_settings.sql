-- A workflow's own settings (model::settings::WorkflowSettings as JSON): kept on the row, never in
-- its graph or files. Written like any other column of the row (RLS and the app_user grants apply).
ALTER TABLE workflows ADD COLUMN settings JSONB NOT NULL DEFAULT '{}'::jsonb;
