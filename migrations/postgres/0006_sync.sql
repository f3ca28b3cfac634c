-- Team sync: per-field HLC stamps on every synced row, the mutations already applied (a retried
-- or duplicated push changes nothing) and the conflicts a merge recorded, isolated by
-- organization like every other table.
DO $fields$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['workflows', 'workflow_nodes', 'workflow_edges',
                             'tool_blueprints', 'blueprint_components', 'blueprint_connections',
                             'ai_agents', 'agent_teams', 'team_members'] LOOP
        EXECUTE format($f$ALTER TABLE public.%I ADD COLUMN field_hlc jsonb NOT NULL DEFAULT '{}'$f$, t);
        -- App roles hold UPDATE per column (0005: no table-level UPDATE, so no strong lock).
        EXECUTE format('GRANT UPDATE (field_hlc) ON public.%I TO app_user', t);
        -- 0005: no planner statistics on text/JSON columns (EXPLAIN would leak other tenants').
        PERFORM private.hide_text_statistics(format('public.%I', t)::regclass);
    END LOOP;
END
$fields$;

CREATE TABLE public.sync_mutations (
    organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    mutation_id UUID NOT NULL,
    device_id UUID NOT NULL,
    -- The low 64 bits of the device id as HLC stamps carry it: who wrote a stamp.
    device_node TEXT NOT NULL,
    user_id UUID NOT NULL REFERENCES users(id),
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    row_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (organization_id, mutation_id)
);
CREATE INDEX sync_mutations_device_node ON public.sync_mutations (organization_id, device_node);

CREATE TABLE public.sync_conflicts (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    row_id UUID NOT NULL,
    field TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('overwritten', 'deleted')),
    lost_value JSONB,
    lost_hlc TEXT NOT NULL,
    lost_by UUID REFERENCES users(id),
    won_value JSONB,
    won_hlc TEXT NOT NULL,
    won_by UUID REFERENCES users(id),
    resolved_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    deleted_at TIMESTAMPTZ,
    hlc TEXT NOT NULL DEFAULT '',
    row_xid xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX sync_conflicts_org ON public.sync_conflicts (organization_id);
CREATE INDEX sync_conflicts_row_xid ON public.sync_conflicts (row_xid, id);

DO $secure$ BEGIN
    PERFORM private.secure_table('public.sync_mutations', 'SELECT, INSERT', '{organization_id,mutation_id,device_id,user_id}');
    PERFORM private.secure_table('public.sync_conflicts', 'SELECT, INSERT, UPDATE',
        '{id,organization_id,table_name,row_id,field,reason,lost_value,lost_hlc,lost_by,won_value,won_hlc,won_by}');
END $secure$;

-- A mutation is recorded by the person who pushed it, in an organization they can write.
CREATE POLICY sync_mutations_select ON public.sync_mutations FOR SELECT TO app_user
    USING (organization_id = ANY ((SELECT private.member_org_ids())::uuid[]));
CREATE POLICY sync_mutations_insert ON public.sync_mutations FOR INSERT TO app_user
    WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[])
                AND user_id = (SELECT private.current_user_id()));
-- Conflicts: members read them; writers record them and mark them resolved (the recorded values
-- are immutable, by the guard above).
CREATE POLICY sync_conflicts_select ON public.sync_conflicts FOR SELECT TO app_user
    USING (organization_id = ANY ((SELECT private.member_org_ids())::uuid[]));
CREATE POLICY sync_conflicts_insert ON public.sync_conflicts FOR INSERT TO app_user
    WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]));
CREATE POLICY sync_conflicts_update ON public.sync_conflicts FOR UPDATE TO app_user
    USING (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))
    WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]));

-- 0005's checks: no LOCK-capable grant, no column app roles cannot write, no text statistics.
DO $check$ BEGIN
    PERFORM private.check_app_update_grants();
    PERFORM private.check_hidden_statistics();
END $check$;

-- Live sync: a change to a synced row (or a recorded conflict) notifies its organization's
-- channel, so signed-in devices pull within moments instead of waiting for their next poll.
-- NOTIFY folds identical notifications of one transaction into one. The payload is empty: a
-- listener learns only that something changed (anyone may LISTEN to any channel; the name holds
-- the organization id, which a person of another organization does not know; RLS-LIMITS.md).
CREATE FUNCTION private.notify_sync() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    PERFORM pg_catalog.pg_notify('nf_sync_' || pg_catalog.replace(NEW.organization_id::text, '-', ''), '');
    RETURN NULL;
END
$$;
ALTER FUNCTION private.notify_sync() OWNER TO neuroflow_owner;
REVOKE ALL ON FUNCTION private.notify_sync() FROM PUBLIC;

DO $notify$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['workflows', 'workflow_nodes', 'workflow_edges', 'workflow_versions',
                             'tool_blueprints', 'blueprint_components', 'blueprint_connections',
                             'blueprint_versions', 'ai_agents', 'agent_teams', 'team_members',
                             'sync_conflicts', 'organization_members'] LOOP
        EXECUTE format('CREATE TRIGGER nf_notify_sync AFTER INSERT OR UPDATE ON public.%I FOR EACH ROW EXECUTE FUNCTION private.notify_sync()', t);
    END LOOP;
END
$notify$;

-- The schema version a signing-in desktop compares with its own: an app older than the team
-- database must not write to it, and a team database older than the app needs `db migrate`.
GRANT SELECT ON public._sqlx_migrations TO neuroflow_owner;
CREATE FUNCTION private.schema_version() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT COALESCE(MAX(version), 0) FROM public._sqlx_migrations WHERE success $$;
ALTER FUNCTION private.schema_version() OWNER TO neuroflow_owner;
REVOKE ALL ON FUNCTION private.schema_version() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION private.schema_version() TO app_user;

-- Members: an organization's OWNERs and ADMINs change roles and remove people — in Postgres, so
-- a modified client cannot do more. An ADMIN manages MEMBERs and VIEWERs only (never makes or
-- touches an OWNER); nobody removes or demotes the last OWNER. Creating a person's LOGIN role
-- stays with `neuroflow admin create-user`.
CREATE POLICY organization_members_owner_update ON public.organization_members FOR UPDATE TO neuroflow_owner
    USING (true) WITH CHECK (true);

CREATE FUNCTION private.change_membership(member uuid, new_role text, remove boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    target public.organization_members%ROWTYPE;
    my_role text;
    owners int;
BEGIN
    SELECT * INTO target FROM public.organization_members WHERE id = member AND deleted_at IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'that membership does not exist' USING ERRCODE = 'no_data_found';
    END IF;
    SELECT m.role INTO my_role FROM public.organization_members m
    WHERE m.organization_id = target.organization_id AND m.user_id = private.current_user_id() AND m.deleted_at IS NULL;
    IF my_role IS NULL OR my_role NOT IN ('OWNER', 'ADMIN') THEN
        -- Not staff of that organization (or not in it at all): it does not exist for them.
        RAISE EXCEPTION 'that membership does not exist' USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT remove AND (new_role IS NULL OR new_role NOT IN ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER')) THEN
        RAISE EXCEPTION 'a role is OWNER, ADMIN, MEMBER or VIEWER' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF my_role = 'ADMIN' AND (target.role IN ('OWNER', 'ADMIN') OR new_role IN ('OWNER', 'ADMIN')) AND target.user_id <> private.current_user_id() THEN
        RAISE EXCEPTION 'an admin manages members and viewers; owners manage admins and owners' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF my_role = 'ADMIN' AND NOT remove AND new_role = 'OWNER' THEN
        RAISE EXCEPTION 'only an owner makes an owner' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF target.role = 'OWNER' AND (remove OR new_role <> 'OWNER') THEN
        SELECT count(*) INTO owners FROM public.organization_members
        WHERE organization_id = target.organization_id AND role = 'OWNER' AND deleted_at IS NULL;
        IF owners <= 1 THEN
            RAISE EXCEPTION 'an organization keeps at least one owner' USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF remove THEN
        UPDATE public.organization_members SET deleted_at = now(), updated_at = now() WHERE id = member;
    ELSE
        UPDATE public.organization_members SET role = new_role, updated_at = now() WHERE id = member;
    END IF;
END
$$;
ALTER FUNCTION private.change_membership(uuid, text, boolean) OWNER TO neuroflow_owner;
REVOKE ALL ON FUNCTION private.change_membership(uuid, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION private.change_membership(uuid, text, boolean) TO app_user;

-- Purges: tombstones older than the retention window are deleted for good (admin path, children
-- first). A device whose cursor is older than the newest purged row may have missed a delete
-- whose tombstone is gone: it resyncs in full. This table is how it knows.
CREATE TABLE public.sync_purges (
    id UUID PRIMARY KEY,
    purged_at TIMESTAMPTZ NOT NULL,
    older_than TIMESTAMPTZ NOT NULL,
    rows_purged BIGINT NOT NULL,
    -- The greatest row_xid among the rows purged: a cursor at or below it may have missed one.
    max_row_xid xid8 NOT NULL,
    row_xid xid8 NOT NULL DEFAULT pg_current_xact_id()
);
DO $secure$ BEGIN
    PERFORM private.secure_table('public.sync_purges', 'SELECT', '{}');
END $secure$;
CREATE POLICY sync_purges_select ON public.sync_purges FOR SELECT TO app_user USING (true);
DO $check$ BEGIN
    PERFORM private.check_app_update_grants();
    PERFORM private.check_hidden_statistics();
END $check$;
