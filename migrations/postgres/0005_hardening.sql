-- Hardening of the team store against a tenant attacking the others through the shared server
-- (issue 11, item 7). Tested by crates/store/tests/postgres_security.rs (a_tenant_cannot_stall_*,
-- marketplace_counters_*, workflows_and_blueprints_are_tombstoned_*).
--
--  1. No strong table locks for app roles. LOCK TABLE in any mode above ROW EXCLUSIVE needs a
--     *table-level* UPDATE, DELETE or TRUNCATE privilege (LockTableAclCheck). app_user keeps none:
--     UPDATE is granted per column, DELETE is revoked everywhere (the store deletes by tombstone,
--     DESIGN §3; purges are the admin path's), TRUNCATE was never granted.
--     A migration that adds a column app roles must write has to `GRANT UPDATE (col)` it, or call
--     private.grant_app_update(table, excluded) again; private.check_app_update_grants() (run at
--     the end of this file) fails when one is missing.
--  2. Per-role session limits on every person's LOGIN role (settings on app_user would not reach
--     its members: role settings do not inherit): statement_timeout, lock_timeout,
--     idle_in_transaction_session_timeout and a CONNECTION LIMIT. The timeouts are defaults an
--     honest client lives under (a crashed or hung desktop cannot hold locks for long); a hostile
--     role can SET them back in its own session, which is why (1) and RLS, not the timeouts,
--     are what keep it from stalling others. The connection limit cannot be lifted by the role.
--  3. Marketplace counters (usage, rating, featured, views, likes) are not writable by app roles:
--     column privileges leave them out of INSERT (they take their defaults) and UPDATE; they move
--     only through SECURITY DEFINER functions that respect what the caller may see.
--  4. Workflows and blueprints (and every other table) cannot be hard-deleted by app roles, so a
--     cascade can never erase saved versions.
--  5. No planner statistics on text and JSON columns. pg_stats hides RLS tables from app roles,
--     but the planner still uses the statistics for their queries, so EXPLAIN's estimates told
--     another tenant how often a guessed name occurs (equality) and where values lie (range, read
--     out by bisection). Without statistics those estimates are the planner's defaults. Other
--     columns (ids, times, numbers) keep theirs for the planner; docs/RLS-LIMITS.md says what
--     they still reveal.

-- ---------------------------------------------------------------------------------------------
-- 2. Session limits of LOGIN roles
-- ---------------------------------------------------------------------------------------------

-- Admin-only (superuser): the limits every person's LOGIN role carries. The values are in
-- crates/store/tests/postgres_security.rs (STATEMENT_TIMEOUT_S …) and docs/RLS-LIMITS.md.
CREATE FUNCTION private.apply_login_limits(role_name text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF role_name !~ '^nf_[0-9a-f]{32}$' THEN
        RAISE EXCEPTION 'login role names are nf_ followed by 32 hex digits';
    END IF;
    EXECUTE format('ALTER ROLE %I CONNECTION LIMIT 16', role_name);
    EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', role_name, '20s');
    EXECUTE format('ALTER ROLE %I SET lock_timeout = %L', role_name, '5s');
    EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', role_name, '15s');
END
$$;

-- As in 0002, plus the limits (pg_admin::create_user calls this for every new or updated person).
CREATE OR REPLACE FUNCTION private.admin_upsert_login_role(role_name text, password text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    stmt text;
BEGIN
    IF role_name !~ '^nf_[0-9a-f]{32}$' THEN
        RAISE EXCEPTION 'login role names are nf_ followed by 32 hex digits';
    END IF;
    IF password IS NULL OR password = '' THEN
        RAISE EXCEPTION 'the password must not be empty';
    END IF;
    BEGIN
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
            stmt := format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD %L',
                           role_name, password);
            EXECUTE stmt;
            IF NOT pg_catalog.pg_has_role(role_name, 'app_user', 'MEMBER') THEN
                EXECUTE format('GRANT app_user TO %I', role_name);
            END IF;
        ELSE
            stmt := format('CREATE ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD %L IN ROLE app_user',
                           role_name, password);
            EXECUTE stmt;
        END IF;
        stmt := NULL;
        PERFORM private.apply_login_limits(role_name);
    EXCEPTION WHEN OTHERS THEN
        stmt := NULL;
        RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM;
    END;
    stmt := NULL;
END
$$;

-- The people of this database who already have a role. (Only this database's: roles are
-- cluster-wide, and another database's people are that database's migration's business.)
DO $limits$
DECLARE
    r text;
BEGIN
    FOR r IN SELECT u.pg_role FROM public.users u
             JOIN pg_catalog.pg_roles pr ON pr.rolname = u.pg_role
             WHERE u.pg_role ~ '^nf_[0-9a-f]{32}$' LOOP
        PERFORM private.apply_login_limits(r);
    END LOOP;
END
$limits$;

-- ---------------------------------------------------------------------------------------------
-- 1, 3, 4. Privileges: UPDATE per column, no DELETE, counters left out
-- ---------------------------------------------------------------------------------------------

-- Columns no app role writes: the sync cursor (set by trigger) and the server-kept counters.
CREATE FUNCTION private.server_columns(tbl regclass) RETURNS text[]
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT CASE tbl::text
        WHEN 'agent_templates' THEN '{row_xid,usage_count,rating_avg,rating_count}'::text[]
        WHEN 'workflow_templates' THEN '{row_xid,usage_count,rating_avg,rating_count,is_featured}'::text[]
        WHEN 'project_showcases' THEN '{row_xid,views,likes}'::text[]
        ELSE '{row_xid}'::text[]
    END
$$;

-- Admin-only: replaces app_user's table-level UPDATE (if any) by UPDATE on each column but the
-- server's, and takes DELETE and TRUNCATE away. For this file and for later migrations.
CREATE FUNCTION private.grant_app_update(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    cols text;
    had_update boolean := pg_catalog.has_table_privilege('app_user', tbl, 'UPDATE')
        OR pg_catalog.has_any_column_privilege('app_user', tbl, 'UPDATE');
BEGIN
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %s FROM app_user', tbl);
    IF had_update THEN
        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
          AND NOT a.attname = ANY (private.server_columns(tbl));
        EXECUTE format('GRANT UPDATE (%s) ON %s TO app_user', cols, tbl);
    END IF;
END
$$;

-- Admin-only: INSERT on each column but the server's (those take their defaults).
CREATE FUNCTION private.grant_app_insert(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    cols text;
BEGIN
    EXECUTE format('REVOKE INSERT ON %s FROM app_user', tbl);
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
    FROM pg_catalog.pg_attribute a
    WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
      AND NOT a.attname = ANY (private.server_columns(tbl));
    EXECUTE format('GRANT INSERT (%s) ON %s TO app_user', cols, tbl);
END
$$;

-- Fails when app_user could take a strong lock on a table, or when a table it updates has a
-- column (not the server's) it cannot update — a column added without its grant.
CREATE FUNCTION private.check_app_update_grants() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    bad text;
BEGIN
    SELECT string_agg(c.relname, ', ') INTO bad
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('public', 'private') AND c.relkind IN ('r', 'p')
      AND (pg_catalog.has_table_privilege('app_user', c.oid, 'UPDATE')
           OR pg_catalog.has_table_privilege('app_user', c.oid, 'DELETE')
           OR pg_catalog.has_table_privilege('app_user', c.oid, 'TRUNCATE'));
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'app_user holds a table-level UPDATE, DELETE or TRUNCATE (a LOCK TABLE right) on: %', bad;
    END IF;
    SELECT string_agg(c.relname || '.' || a.attname, ', ') INTO bad
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      AND pg_catalog.has_any_column_privilege('app_user', c.oid, 'UPDATE')
      AND NOT a.attname = ANY (private.server_columns(c.oid))
      AND NOT pg_catalog.has_column_privilege('app_user', c.oid, a.attnum, 'UPDATE');
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'columns app_user cannot update (grant them, or list them in private.server_columns): %', bad;
    END IF;
END
$$;

-- Admin-only: no statistics on tbl's text and JSON columns (and none left from before).
CREATE FUNCTION private.hide_text_statistics(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT a.attname, a.attnum FROM pg_catalog.pg_attribute a
             WHERE a.attrelid = tbl AND a.attnum > 0 AND NOT a.attisdropped
               AND a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'json'::regtype, 'jsonb'::regtype)
               AND a.attstattarget <> 0 LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET STATISTICS 0', tbl, r.attname);
        DELETE FROM pg_catalog.pg_statistic s WHERE s.starelid = tbl AND s.staattnum = r.attnum;
    END LOOP;
END
$$;

-- Fails when a text or JSON column of a public table keeps planner statistics.
CREATE FUNCTION private.check_hidden_statistics() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    bad text;
BEGIN
    SELECT string_agg(c.relname || '.' || a.attname, ', ') INTO bad
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_sqlx_migrations'
      AND a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'json'::regtype, 'jsonb'::regtype)
      AND a.attstattarget <> 0;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'text/JSON columns with planner statistics (call private.hide_text_statistics): %', bad;
    END IF;
END
$$;

-- secure_table (0002) granted what it was told, table-level; from now on UPDATE becomes
-- per-column and DELETE / TRUNCATE are never granted, whatever a later migration asks for.
CREATE OR REPLACE FUNCTION private.secure_table(tbl regclass, app_privileges text, immutable_columns text[])
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s OWNER TO neuroflow_owner', tbl);
    EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', tbl);
    IF app_privileges IS NOT NULL AND app_privileges <> '' THEN
        EXECUTE format('GRANT %s ON %s TO app_user', app_privileges, tbl);
    END IF;
    PERFORM private.grant_app_update(tbl);
    PERFORM private.hide_text_statistics(tbl);
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('CREATE TRIGGER nf_row_xid BEFORE INSERT OR UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION private.set_row_xid()', tbl);
    IF array_length(immutable_columns, 1) > 0 THEN
        EXECUTE format('CREATE TRIGGER nf_guard_immutable BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION private.guard_immutable(%s)',
                       tbl, (SELECT string_agg(quote_literal(c), ', ') FROM unnest(immutable_columns) c));
    END IF;
END
$$;

DO $grants$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT c.oid::regclass FROM pg_catalog.pg_class c
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_sqlx_migrations' LOOP
        PERFORM private.grant_app_update(t);
        PERFORM private.hide_text_statistics(t);
    END LOOP;
    PERFORM private.grant_app_insert('public.agent_templates');
    PERFORM private.grant_app_insert('public.workflow_templates');
    PERFORM private.grant_app_insert('public.project_showcases');
END
$grants$;

-- ---------------------------------------------------------------------------------------------
-- 3. The functions that move the counters
-- ---------------------------------------------------------------------------------------------

-- Who used which template (agent or workflow: ids are UUIDv7, unique across both), who viewed and
-- who liked which showcase. One row per person: a person counts once, however often they call.
-- No app role reads or writes these tables; the definer functions below do.
CREATE TABLE private.template_uses (
    template_id UUID NOT NULL,
    user_id UUID NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    used_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (template_id, user_id)
);
CREATE TABLE private.showcase_views (
    showcase_id UUID NOT NULL REFERENCES public.project_showcases(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    viewed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (showcase_id, user_id)
);
CREATE TABLE private.showcase_likes (
    showcase_id UUID NOT NULL REFERENCES public.project_showcases(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES public.users(id) ON DELETE CASCADE,
    liked_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (showcase_id, user_id)
);
ALTER TABLE private.template_uses OWNER TO neuroflow_owner;
ALTER TABLE private.showcase_views OWNER TO neuroflow_owner;
ALTER TABLE private.showcase_likes OWNER TO neuroflow_owner;
REVOKE ALL ON private.template_uses, private.showcase_views, private.showcase_likes FROM PUBLIC;

-- The definer functions run as neuroflow_owner, which FORCE subjects to RLS (as 0002 did for
-- agent_templates): it reads and updates the rows the functions touch.
CREATE POLICY workflow_templates_owner_select ON public.workflow_templates FOR SELECT TO neuroflow_owner USING (true);
CREATE POLICY workflow_templates_owner_update ON public.workflow_templates FOR UPDATE TO neuroflow_owner USING (true) WITH CHECK (true);
CREATE POLICY project_showcases_owner_select ON public.project_showcases FOR SELECT TO neuroflow_owner USING (true);
CREATE POLICY project_showcases_owner_update ON public.project_showcases FOR UPDATE TO neuroflow_owner USING (true) WITH CHECK (true);

-- The current person, or an error: the counters count people.
CREATE FUNCTION private.require_user() RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    me uuid := private.current_user_id();
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'this database role is not linked to an active user'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN me;
END
$$;

-- Records that the current person used an agent template they can see (system, public or of one
-- of their organizations); returns its usage_count (distinct people). "Not visible" and "does
-- not exist" are the same answer (P0002). The template row is locked first so that concurrent
-- callers count one after the other.
CREATE FUNCTION private.record_agent_template_usage(template uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    me uuid := private.require_user();
    n integer;
BEGIN
    PERFORM 1 FROM public.agent_templates t
    WHERE t.id = template AND t.deleted_at IS NULL
      AND (t.is_system OR t.is_public OR t.organization_id = ANY (private.member_org_ids()))
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'agent template % does not exist', template USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO private.template_uses (template_id, user_id) VALUES (template, me) ON CONFLICT DO NOTHING;
    SELECT count(*)::integer INTO n FROM private.template_uses u WHERE u.template_id = template;
    UPDATE public.agent_templates SET usage_count = n WHERE id = template AND usage_count IS DISTINCT FROM n;
    RETURN n;
END
$$;

CREATE FUNCTION private.record_workflow_template_usage(template uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    me uuid := private.require_user();
    n integer;
BEGIN
    PERFORM 1 FROM public.workflow_templates t
    WHERE t.id = template AND t.deleted_at IS NULL
      AND (t.is_system OR t.is_public OR t.organization_id = ANY (private.member_org_ids()))
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'workflow template % does not exist', template USING ERRCODE = 'no_data_found';
    END IF;
    INSERT INTO private.template_uses (template_id, user_id) VALUES (template, me) ON CONFLICT DO NOTHING;
    SELECT count(*)::integer INTO n FROM private.template_uses u WHERE u.template_id = template;
    UPDATE public.workflow_templates SET usage_count = n WHERE id = template AND usage_count IS DISTINCT FROM n;
    RETURN n;
END
$$;

-- A showcase the current person can see (public, or of one of their organizations), locked.
CREATE FUNCTION private.lock_visible_showcase(showcase uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    PERFORM 1 FROM public.project_showcases s
    WHERE s.id = showcase AND s.deleted_at IS NULL
      AND (s.is_public OR s.organization_id = ANY (private.member_org_ids()))
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'showcase % does not exist', showcase USING ERRCODE = 'no_data_found';
    END IF;
END
$$;

-- Records that the current person viewed a showcase; returns its views (distinct people).
CREATE FUNCTION private.record_showcase_view(showcase uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    me uuid := private.require_user();
    n integer;
BEGIN
    PERFORM private.lock_visible_showcase(showcase);
    INSERT INTO private.showcase_views (showcase_id, user_id) VALUES (showcase, me) ON CONFLICT DO NOTHING;
    SELECT count(*)::integer INTO n FROM private.showcase_views v WHERE v.showcase_id = showcase;
    UPDATE public.project_showcases SET views = n WHERE id = showcase AND views IS DISTINCT FROM n;
    RETURN n;
END
$$;

-- The current person likes (or no longer likes) a showcase; returns its likes.
CREATE FUNCTION private.set_showcase_like(showcase uuid, liked boolean) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    me uuid := private.require_user();
    n integer;
BEGIN
    PERFORM private.lock_visible_showcase(showcase);
    IF liked THEN
        INSERT INTO private.showcase_likes (showcase_id, user_id) VALUES (showcase, me) ON CONFLICT DO NOTHING;
    ELSE
        DELETE FROM private.showcase_likes l WHERE l.showcase_id = showcase AND l.user_id = me;
    END IF;
    SELECT count(*)::integer INTO n FROM private.showcase_likes l WHERE l.showcase_id = showcase;
    UPDATE public.project_showcases SET likes = n WHERE id = showcase AND likes IS DISTINCT FROM n;
    RETURN n;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Ownership and EXECUTE of the private functions (new ones were created by the migrating
-- superuser and are executable by PUBLIC until this runs)
-- ---------------------------------------------------------------------------------------------
DO $owners$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
             JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'private' LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO neuroflow_owner', f);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$owners$;

GRANT EXECUTE ON FUNCTION
    private.record_agent_template_usage(uuid),
    private.record_workflow_template_usage(uuid),
    private.record_showcase_view(uuid),
    private.set_showcase_like(uuid, boolean)
TO app_user;

DO $check$ BEGIN
    PERFORM private.check_app_update_grants();
    PERFORM private.check_hidden_statistics();
END $check$;
