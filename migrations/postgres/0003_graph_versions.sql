-- Saved versions of workflow and blueprint graphs: an explicit save, a restore, or an autosave
-- checkpoint. Each row holds the whole graph as saved, so any two can be compared or restored.
-- Rows are never changed once written; in Postgres, members of app_user can read and insert them, nothing more.
CREATE TABLE workflow_versions (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    workflow_id UUID NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    kind TEXT NOT NULL CHECK (kind IN ('SAVE', 'AUTOSAVE', 'RESTORE', 'IMPORT')),
    label TEXT NOT NULL DEFAULT '',
    graph JSONB NOT NULL,
    node_count INTEGER NOT NULL DEFAULT 0 CHECK (node_count >= 0),
    edge_count INTEGER NOT NULL DEFAULT 0 CHECK (edge_count >= 0),
    author_id UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ,
    hlc TEXT NOT NULL DEFAULT '',
    row_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    FOREIGN KEY (workflow_id, organization_id) REFERENCES workflows(id, organization_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX workflow_versions_id_org ON workflow_versions (id, organization_id);
CREATE INDEX workflow_versions_org ON workflow_versions (organization_id);
CREATE INDEX workflow_versions_workflow_id ON workflow_versions (workflow_id, created_at);
CREATE INDEX workflow_versions_author_id ON workflow_versions (author_id);

CREATE TABLE blueprint_versions (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    blueprint_id UUID NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    kind TEXT NOT NULL CHECK (kind IN ('SAVE', 'AUTOSAVE', 'RESTORE', 'IMPORT')),
    label TEXT NOT NULL DEFAULT '',
    graph JSONB NOT NULL,
    node_count INTEGER NOT NULL DEFAULT 0 CHECK (node_count >= 0),
    edge_count INTEGER NOT NULL DEFAULT 0 CHECK (edge_count >= 0),
    author_id UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ,
    hlc TEXT NOT NULL DEFAULT '',
    row_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    FOREIGN KEY (blueprint_id, organization_id) REFERENCES tool_blueprints(id, organization_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX blueprint_versions_id_org ON blueprint_versions (id, organization_id);
CREATE INDEX blueprint_versions_org ON blueprint_versions (organization_id);
CREATE INDEX blueprint_versions_blueprint_id ON blueprint_versions (blueprint_id, created_at);
CREATE INDEX blueprint_versions_author_id ON blueprint_versions (author_id);

CREATE INDEX workflow_versions_row_xid ON workflow_versions (row_xid, id);
CREATE INDEX blueprint_versions_row_xid ON blueprint_versions (row_xid, id);

CREATE FUNCTION private.versions_are_immutable() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'saved versions are never changed: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
ALTER FUNCTION private.versions_are_immutable() OWNER TO neuroflow_owner;
REVOKE ALL ON FUNCTION private.versions_are_immutable() FROM PUBLIC;

DO $secure$ BEGIN
    PERFORM private.secure_table('public.workflow_versions', 'SELECT, INSERT', '{id,organization_id,workflow_id,author_id}');
    PERFORM private.secure_table('public.blueprint_versions', 'SELECT, INSERT', '{id,organization_id,blueprint_id,author_id}');
END $secure$;

CREATE TRIGGER nf_versions_immutable BEFORE UPDATE ON public.workflow_versions
    FOR EACH ROW EXECUTE FUNCTION private.versions_are_immutable();
CREATE TRIGGER nf_versions_immutable BEFORE UPDATE ON public.blueprint_versions
    FOR EACH ROW EXECUTE FUNCTION private.versions_are_immutable();

-- Isolated through the parent, as the other graph tables: visible when the workflow (or the
-- blueprint, public ones included) is visible; written only in an organization the caller can
-- write, and only as the caller (author_id).
CREATE POLICY workflow_versions_select ON public.workflow_versions FOR SELECT TO app_user
    USING (organization_id = ANY ((SELECT private.member_org_ids())::uuid[])
           AND EXISTS (SELECT 1 FROM public.workflows p WHERE p.id = workflow_versions.workflow_id
                       AND p.organization_id = workflow_versions.organization_id));
CREATE POLICY workflow_versions_insert ON public.workflow_versions FOR INSERT TO app_user
    WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[])
                AND author_id = (SELECT private.current_user_id())
                AND EXISTS (SELECT 1 FROM public.workflows p WHERE p.id = workflow_versions.workflow_id
                            AND p.organization_id = workflow_versions.organization_id));
CREATE POLICY blueprint_versions_select ON public.blueprint_versions FOR SELECT TO app_user
    USING (EXISTS (SELECT 1 FROM public.tool_blueprints p WHERE p.id = blueprint_versions.blueprint_id
                   AND p.organization_id = blueprint_versions.organization_id
                   AND (p.is_public OR p.organization_id = ANY ((SELECT private.member_org_ids())::uuid[]))));
CREATE POLICY blueprint_versions_insert ON public.blueprint_versions FOR INSERT TO app_user
    WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[])
                AND author_id = (SELECT private.current_user_id())
                AND EXISTS (SELECT 1 FROM public.tool_blueprints p WHERE p.id = blueprint_versions.blueprint_id
                            AND p.organization_id = blueprint_versions.organization_id));

-- As in 0002: a table left without row-level security fails the migration.
DO $check$
DECLARE
    missing text;
BEGIN
    SELECT string_agg(c.relname, ', ') INTO missing
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_sqlx_migrations'
      AND NOT (c.relrowsecurity AND c.relforcerowsecurity);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'tables without row-level security: %', missing;
    END IF;
END
$check$;
