-- Security of the team store: roles, ownership, grants, row-level security, and the triggers
-- that keep invariants (sync cursor, append-only build logs, order lifecycle, same-org references).
--
-- Run by `sqlx migrate` as a superuser, once per database. Roles are cluster-wide, so their
-- creation tolerates both "already exists" and a concurrent creation by another database's
-- migration.
--
-- Model (DESIGN §4):
--   * every person has a LOGIN role `nf_<32 hex of users.id>` (crates/store/src/pg_admin.rs),
--     member of the NOLOGIN role `app_user`; identity is `session_user`, which an app role cannot
--     change (no SET SESSION AUTHORIZATION, and SET ROLE only to roles it belongs to: app_user);
--   * every table is owned by the NOLOGIN role `neuroflow_owner`; RLS is ENABLEd and FORCEd on all
--     of them; policies are `TO app_user` and use SECURITY DEFINER helpers in schema `private`;
--   * the admin path is a superuser (bypasses RLS); tenancy tables are written only there.
--
-- Error codes raised here (for mapping in Rust):
--   42501 insufficient_privilege  RLS refusals, wrong actor for an order move, append-only logs
--   23514 check_violation         an order move that is not in the lifecycle at all
--   23503 foreign_key_violation   a reference to a row of another organization / not visible

-- ---------------------------------------------------------------------------------------------
-- Roles (cluster-wide, idempotent, safe against a concurrent migration of another database)
-- ---------------------------------------------------------------------------------------------
DO $roles$
BEGIN
    BEGIN
        CREATE ROLE neuroflow_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE app_user NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    -- Roles that already existed must still be what this file relies on. (Checked rather than
    -- ALTERed: concurrent ALTER ROLE from two databases fails with "tuple concurrently updated".)
    IF EXISTS (
        SELECT 1 FROM pg_catalog.pg_roles r
        WHERE r.rolname IN ('neuroflow_owner', 'app_user')
          AND (r.rolcanlogin OR r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication)
    ) THEN
        RAISE EXCEPTION 'roles neuroflow_owner and app_user must be NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION';
    END IF;
    IF pg_catalog.pg_has_role('app_user', 'neuroflow_owner', 'MEMBER') THEN
        RAISE EXCEPTION 'app_user must not be a member of neuroflow_owner';
    END IF;
END
$roles$;

-- Nobody but the owner creates objects in public; app roles cannot plant look-alike objects.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO app_user;

CREATE SCHEMA private AUTHORIZATION neuroflow_owner;
REVOKE ALL ON SCHEMA private FROM PUBLIC;
GRANT USAGE ON SCHEMA private TO app_user;
-- Functions are executable by PUBLIC by default; not in this schema.
ALTER DEFAULT PRIVILEGES FOR ROLE neuroflow_owner IN SCHEMA private REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- Identity and membership helpers. SECURITY DEFINER (they read tenancy tables the caller may not
-- see), STABLE, fixed search_path with pg_temp last (a caller's temp table cannot shadow a table),
-- and every name schema-qualified anyway.
-- ---------------------------------------------------------------------------------------------

-- The users.id of the person logged in (session_user), or NULL (admin path / unknown role).
CREATE FUNCTION private.current_user_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT u.id FROM public.users u
    WHERE u.pg_role = session_user::text AND u.deleted_at IS NULL
$$;

-- Organizations the current person is an active member of (any role).
CREATE FUNCTION private.member_org_ids() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT coalesce(array_agg(m.organization_id), '{}'::uuid[])
    FROM public.organization_members m
    JOIN public.users u ON u.id = m.user_id
    WHERE u.pg_role = session_user::text AND u.deleted_at IS NULL AND m.deleted_at IS NULL
$$;

-- Organizations where the current person may write (OWNER, ADMIN, MEMBER; VIEWER is read-only).
CREATE FUNCTION private.writable_org_ids() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT coalesce(array_agg(m.organization_id), '{}'::uuid[])
    FROM public.organization_members m
    JOIN public.users u ON u.id = m.user_id
    WHERE u.pg_role = session_user::text AND u.deleted_at IS NULL AND m.deleted_at IS NULL
      AND m.role IN ('OWNER', 'ADMIN', 'MEMBER')
$$;

-- Organizations where the current person is staff (OWNER, ADMIN).
CREATE FUNCTION private.staff_org_ids() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT coalesce(array_agg(m.organization_id), '{}'::uuid[])
    FROM public.organization_members m
    JOIN public.users u ON u.id = m.user_id
    WHERE u.pg_role = session_user::text AND u.deleted_at IS NULL AND m.deleted_at IS NULL
      AND m.role IN ('OWNER', 'ADMIN')
$$;

-- The current person's role in an organization (OWNER, ADMIN, MEMBER, VIEWER) or NULL.
CREATE FUNCTION private.member_role(org uuid) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT m.role
    FROM public.organization_members m
    JOIN public.users u ON u.id = m.user_id
    WHERE u.pg_role = session_user::text AND u.deleted_at IS NULL AND m.deleted_at IS NULL
      AND m.organization_id = org
    LIMIT 1
$$;

CREATE FUNCTION private.is_member(org uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT private.member_role(org) IS NOT NULL $$;

CREATE FUNCTION private.can_write(org uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$ SELECT coalesce(private.member_role(org) IN ('OWNER', 'ADMIN', 'MEMBER'), false) $$;

-- Users the current person may see: themself and everyone sharing an organization with them.
CREATE FUNCTION private.visible_user_ids() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT coalesce(array_agg(DISTINCT x.user_id), '{}'::uuid[]) FROM (
        SELECT m.user_id FROM public.organization_members m
        WHERE m.deleted_at IS NULL AND m.organization_id = ANY (private.member_org_ids())
        UNION ALL
        SELECT private.current_user_id()
    ) x WHERE x.user_id IS NOT NULL
$$;

-- Whether this session is a person's app role (member of app_user, not a superuser). False on
-- the admin path. Not derived from current_user_id(): a deleted user's role is still an app role.
CREATE FUNCTION private.is_app_session() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
    SELECT coalesce(
        (SELECT NOT r.rolsuper AND pg_catalog.pg_has_role(session_user, 'app_user', 'MEMBER')
         FROM pg_catalog.pg_roles r WHERE r.rolname = session_user),
        true)
$$;

-- ---------------------------------------------------------------------------------------------
-- The order lifecycle: the same table as crates/model/src/order.rs TRANSITIONS (a test compares
-- them). Actors are lower-case names of OrderActor, in the same order as in Rust.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE private.order_transitions (
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actors TEXT[] NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO private.order_transitions (from_status, to_status, actors) VALUES
    ('DRAFT',       'SUBMITTED',   '{client,staff}'),
    ('DRAFT',       'CANCELLED',   '{client,staff}'),
    ('SUBMITTED',   'IN_REVIEW',   '{staff}'),
    ('SUBMITTED',   'CANCELLED',   '{client,staff}'),
    ('IN_REVIEW',   'APPROVED',    '{staff}'),
    ('IN_REVIEW',   'REJECTED',    '{staff}'),
    ('IN_REVIEW',   'CANCELLED',   '{client,staff}'),
    ('APPROVED',    'IN_PROGRESS', '{staff,builder}'),
    ('APPROVED',    'CANCELLED',   '{client,staff}'),
    ('IN_PROGRESS', 'TESTING',     '{staff,builder}'),
    ('IN_PROGRESS', 'CANCELLED',   '{staff}'),
    ('TESTING',     'IN_PROGRESS', '{staff,builder}'),
    ('TESTING',     'COMPLETED',   '{staff,builder}'),
    ('COMPLETED',   'DELIVERED',   '{staff}');
ALTER TABLE private.order_transitions OWNER TO neuroflow_owner;
REVOKE ALL ON private.order_transitions FROM PUBLIC;
GRANT SELECT ON private.order_transitions TO app_user;
ALTER TABLE private.order_transitions ENABLE ROW LEVEL SECURITY;
ALTER TABLE private.order_transitions FORCE ROW LEVEL SECURITY;
CREATE POLICY order_transitions_select ON private.order_transitions FOR SELECT TO app_user USING (true);

-- ---------------------------------------------------------------------------------------------
-- Trigger functions
-- ---------------------------------------------------------------------------------------------

-- Sync pull cursor (DESIGN §5): the writing transaction's id. updated_at stays client-set (HLC).
CREATE FUNCTION private.set_row_xid() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    NEW.row_xid := pg_catalog.pg_current_xact_id();
    RETURN NEW;
END
$$;

-- Columns named in the trigger arguments never change on UPDATE (ids, organization, creator,
-- parent): moving rows between organizations or re-parenting them is not an edit.
CREATE FUNCTION private.guard_immutable() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    o jsonb := to_jsonb(OLD);
    n jsonb := to_jsonb(NEW);
    c text;
BEGIN
    FOREACH c IN ARRAY TG_ARGV LOOP
        IF (o -> c) IS DISTINCT FROM (n -> c) THEN
            RAISE EXCEPTION '%.% cannot be changed', TG_TABLE_NAME, c
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    RETURN NEW;
END
$$;

-- On INSERT by a person, the creator column (trigger argument) must be that person. A row that
-- already exists (INSERT … ON CONFLICT DO UPDATE of a row created by someone else) is not a
-- creation: its creator is immutable and the UPDATE policies apply.
CREATE FUNCTION private.check_creator() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    col text := TG_ARGV[0];
    creator uuid := (to_jsonb(NEW) ->> col)::uuid;
    exists_already boolean;
BEGIN
    IF NOT private.is_app_session() THEN
        RETURN NEW;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I WHERE id = $1)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO exists_already USING NEW.id;
    IF exists_already THEN
        RETURN NEW;
    END IF;
    IF creator IS DISTINCT FROM private.current_user_id() THEN
        RAISE EXCEPTION '%.% must be the current user', TG_TABLE_NAME, col
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

-- References that the schema's single-column foreign keys do not tie to the row's organization.
-- Runs as the caller, so "not visible to you" and "does not exist" are the same answer.
CREATE FUNCTION private.check_references() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF TG_TABLE_NAME = 'team_members' THEN
        IF (TG_OP = 'INSERT' OR NEW.agent_id IS DISTINCT FROM OLD.agent_id)
           AND NOT EXISTS (SELECT 1 FROM public.ai_agents a
                           WHERE a.id = NEW.agent_id AND a.organization_id = NEW.organization_id) THEN
            RAISE EXCEPTION 'agent % does not exist in the team''s organization', NEW.agent_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    ELSIF TG_TABLE_NAME = 'agent_executions' THEN
        IF NEW.workflow_execution_id IS NOT NULL
           AND (TG_OP = 'INSERT' OR NEW.workflow_execution_id IS DISTINCT FROM OLD.workflow_execution_id)
           AND NOT EXISTS (SELECT 1 FROM public.workflow_executions w
                           WHERE w.id = NEW.workflow_execution_id AND w.organization_id = NEW.organization_id) THEN
            RAISE EXCEPTION 'workflow execution % does not exist in the agent''s organization', NEW.workflow_execution_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    ELSIF TG_TABLE_NAME = 'workflow_executions' THEN
        -- Whoever triggered a run is (or was) a member of the run's organization.
        IF NEW.triggered_by IS NOT NULL
           AND (TG_OP = 'INSERT' OR NEW.triggered_by IS DISTINCT FROM OLD.triggered_by)
           AND NOT EXISTS (SELECT 1 FROM public.organization_members m
                           WHERE m.organization_id = NEW.organization_id AND m.user_id = NEW.triggered_by) THEN
            RAISE EXCEPTION 'user % is not a member of the run''s organization', NEW.triggered_by
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    ELSIF TG_TABLE_NAME = 'workflows' THEN
        IF NEW.template_id IS NOT NULL
           AND (TG_OP = 'INSERT' OR NEW.template_id IS DISTINCT FROM OLD.template_id)
           AND NOT EXISTS (SELECT 1 FROM public.workflow_templates t WHERE t.id = NEW.template_id) THEN
            RAISE EXCEPTION 'workflow template % does not exist', NEW.template_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    ELSIF TG_TABLE_NAME = 'template_reviews' THEN
        IF TG_OP = 'INSERT'
           AND NOT EXISTS (SELECT 1 FROM public.agent_templates t WHERE t.id = NEW.template_id) THEN
            RAISE EXCEPTION 'agent template % does not exist', NEW.template_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

-- build_logs are append-only for everyone. The one exception is the admin path purging a whole
-- order or organization: the ON DELETE CASCADE from the parent (trigger depth > 1, not an app
-- session). An app person deleting an order that has logs is refused.
CREATE FUNCTION private.build_logs_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_LEVEL = 'ROW' AND pg_catalog.pg_trigger_depth() > 1
       AND NOT private.is_app_session() THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'build logs are append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- A new order: a person creates it as themself, as DRAFT or SUBMITTED, and only staff assign it.
-- The assignee, if any, is an active non-viewer member of the order's organization.
CREATE FUNCTION private.check_order_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    me uuid;
BEGIN
    IF private.is_app_session() THEN
        -- An upsert of an existing (visible) order is an update: the UPDATE triggers judge it.
        IF EXISTS (SELECT 1 FROM public.custom_agent_orders o WHERE o.id = NEW.id) THEN
            RETURN NEW;
        END IF;
        me := private.current_user_id();
        IF me IS NULL THEN
            RAISE EXCEPTION 'this database role is not linked to an active user'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.created_by IS DISTINCT FROM me THEN
            RAISE EXCEPTION 'an order must be created by the current user'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.status NOT IN ('DRAFT', 'SUBMITTED') THEN
            RAISE EXCEPTION 'a new order must be DRAFT or SUBMITTED, not %', NEW.status
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.assigned_to IS NOT NULL AND NOT NEW.organization_id = ANY (private.staff_org_ids()) THEN
            RAISE EXCEPTION 'only staff may assign an order'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF NEW.assigned_to IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM public.organization_members m
        WHERE m.organization_id = NEW.organization_id AND m.user_id = NEW.assigned_to
          AND m.deleted_at IS NULL AND m.role <> 'VIEWER') THEN
        RAISE EXCEPTION 'the assignee is not a member of the order''s organization'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$;

-- Assignment changes: staff only (for people); the assignee must be an active non-viewer member.
CREATE FUNCTION private.check_order_assignment() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF NEW.assigned_to IS NOT DISTINCT FROM OLD.assigned_to THEN
        RETURN NEW;
    END IF;
    IF private.is_app_session() AND NOT OLD.organization_id = ANY (private.staff_org_ids()) THEN
        RAISE EXCEPTION 'only staff may assign an order'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.assigned_to IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM public.organization_members m
        WHERE m.organization_id = OLD.organization_id AND m.user_id = NEW.assigned_to
          AND m.deleted_at IS NULL AND m.role <> 'VIEWER') THEN
        RAISE EXCEPTION 'the assignee is not a member of the order''s organization'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$$;

-- Status moves: only along private.order_transitions, and only by an allowed actor
-- (OrderActor::of: OWNER/ADMIN = staff; MEMBER who is the assignee = builder; MEMBER who created
-- it = client). The admin path (not an app session) may make any listed move, never an unlisted
-- one. Messages match neuroflow_model::order::TransitionError.
CREATE FUNCTION private.check_order_transition() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    allowed text[];
    role text;
    actor text;
    me uuid;
BEGIN
    IF NEW.status IS NOT DISTINCT FROM OLD.status THEN
        RETURN NEW;
    END IF;
    SELECT t.actors INTO allowed FROM private.order_transitions t
    WHERE t.from_status = OLD.status AND t.to_status = NEW.status;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'an order cannot move from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT private.is_app_session() THEN
        RETURN NEW;
    END IF;
    me := private.current_user_id();
    role := private.member_role(OLD.organization_id);
    actor := CASE
        WHEN me IS NULL THEN NULL
        WHEN role IN ('OWNER', 'ADMIN') THEN 'staff'
        WHEN role = 'MEMBER' AND OLD.assigned_to = me THEN 'builder'
        WHEN role = 'MEMBER' AND OLD.created_by = me THEN 'client'
    END;
    IF actor IS NULL OR NOT actor = ANY (allowed) THEN
        RAISE EXCEPTION 'only % may move an order from % to %',
            array_to_string(allowed, ' or '), OLD.status, NEW.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

-- Keeps agent_templates.rating_avg / rating_count equal to the live reviews. SECURITY DEFINER:
-- a reviewer from another organization cannot (and must not) write the template row itself.
CREATE FUNCTION private.refresh_template_rating() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    tid uuid;
BEGIN
    FOR tid IN SELECT DISTINCT x FROM unnest(ARRAY[
        CASE WHEN TG_OP <> 'INSERT' THEN OLD.template_id END,
        CASE WHEN TG_OP <> 'DELETE' THEN NEW.template_id END]) AS x WHERE x IS NOT NULL
    LOOP
        UPDATE public.agent_templates t
        SET rating_count = s.n, rating_avg = s.avg
        FROM (SELECT count(*)::int AS n, coalesce(avg(r.rating), 0)::double precision AS avg
              FROM public.template_reviews r
              WHERE r.template_id = tid AND r.deleted_at IS NULL) s
        WHERE t.id = tid AND (t.rating_count, t.rating_avg) IS DISTINCT FROM (s.n, s.avg);
    END LOOP;
    RETURN NULL;
END
$$;

-- Admin-only: create or update a person's LOGIN role with a password passed as a bind parameter,
-- so the password never appears in a statement text (client-side query logs, server statement
-- logs, pg_stat_activity). Errors are re-raised without the dynamic statement in their context.
-- Not executable by app_user (EXECUTE revoked from PUBLIC below); the superuser calls it.
CREATE FUNCTION private.admin_upsert_login_role(role_name text, password text) RETURNS void
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
    EXCEPTION WHEN OTHERS THEN
        stmt := NULL;
        RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = SQLERRM;
    END;
    stmt := NULL;
END
$$;

-- Applies what every table needs: owner, no PUBLIC access, the app grant, RLS enabled and forced,
-- the row_xid trigger and the immutable-columns guard. Admin-only (superuser), for this file and
-- for later migrations adding tables (policies stay explicit per table).
CREATE FUNCTION private.secure_table(tbl regclass, app_privileges text, immutable_columns text[])
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    EXECUTE format('ALTER TABLE %s OWNER TO neuroflow_owner', tbl);
    EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', tbl);
    IF app_privileges IS NOT NULL AND app_privileges <> '' THEN
        EXECUTE format('GRANT %s ON %s TO app_user', app_privileges, tbl);
    END IF;
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('CREATE TRIGGER nf_row_xid BEFORE INSERT OR UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION private.set_row_xid()', tbl);
    IF array_length(immutable_columns, 1) > 0 THEN
        EXECUTE format('CREATE TRIGGER nf_guard_immutable BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION private.guard_immutable(%s)',
                       tbl, (SELECT string_agg(quote_literal(c), ', ') FROM unnest(immutable_columns) c));
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Ownership, grants, RLS switches, row_xid and immutability triggers for every table
-- ---------------------------------------------------------------------------------------------
DO $secure$ BEGIN
    PERFORM private.secure_table('public.organizations', 'SELECT', '{id}');
    PERFORM private.secure_table('public.users', 'SELECT', '{id}');
    PERFORM private.secure_table('public.organization_members', 'SELECT', '{id,organization_id,user_id}');
END $secure$;

DO $secure$ BEGIN
    PERFORM private.secure_table('public.workflow_templates', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,created_by}');
    PERFORM private.secure_table('public.workflows', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,created_by}');
    PERFORM private.secure_table('public.custom_agent_orders', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,created_by}');
    PERFORM private.secure_table('public.order_milestones', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,order_id}');
    PERFORM private.secure_table('public.build_logs', 'SELECT, INSERT', '{id,organization_id,order_id}');
    PERFORM private.secure_table('public.agent_templates', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,created_by}');
    PERFORM private.secure_table('public.template_reviews', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,template_id,reviewer_id}');
    PERFORM private.secure_table('public.tool_blueprints', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,created_by}');
    PERFORM private.secure_table('public.project_showcases', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,created_by}');
    PERFORM private.secure_table('public.workflow_nodes', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,workflow_id}');
    PERFORM private.secure_table('public.workflow_edges', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,workflow_id}');
    PERFORM private.secure_table('public.blueprint_components', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,blueprint_id}');
    PERFORM private.secure_table('public.blueprint_connections', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,blueprint_id}');
    PERFORM private.secure_table('public.workflow_executions', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,workflow_id}');
    PERFORM private.secure_table('public.ai_agents', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,created_by}');
    PERFORM private.secure_table('public.agent_executions', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,agent_id}');
    PERFORM private.secure_table('public.agent_teams', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,created_by}');
    PERFORM private.secure_table('public.team_members', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,team_id}');
    PERFORM private.secure_table('public.team_executions', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,team_id}');
    PERFORM private.secure_table('public.integrations', 'SELECT, INSERT, UPDATE, DELETE', '{id,organization_id,created_by}');
END $secure$;

-- Any table this file did not list (a table added to 0001 later) fails the migration instead of
-- silently staying open.
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

-- ---------------------------------------------------------------------------------------------
-- Invariant triggers
-- ---------------------------------------------------------------------------------------------
CREATE TRIGGER nf_append_only BEFORE UPDATE OR DELETE ON public.build_logs
    FOR EACH ROW EXECUTE FUNCTION private.build_logs_append_only();
CREATE TRIGGER nf_append_only_truncate BEFORE TRUNCATE ON public.build_logs
    FOR EACH STATEMENT EXECUTE FUNCTION private.build_logs_append_only();

CREATE TRIGGER nf_order_insert BEFORE INSERT ON public.custom_agent_orders
    FOR EACH ROW EXECUTE FUNCTION private.check_order_insert();
CREATE TRIGGER nf_order_assignment BEFORE UPDATE OF assigned_to ON public.custom_agent_orders
    FOR EACH ROW EXECUTE FUNCTION private.check_order_assignment();
CREATE TRIGGER check_order_transition BEFORE UPDATE OF status ON public.custom_agent_orders
    FOR EACH ROW EXECUTE FUNCTION private.check_order_transition();

CREATE TRIGGER nf_creator BEFORE INSERT ON public.workflows
    FOR EACH ROW EXECUTE FUNCTION private.check_creator('created_by');
CREATE TRIGGER nf_creator BEFORE INSERT ON public.ai_agents
    FOR EACH ROW EXECUTE FUNCTION private.check_creator('created_by');
CREATE TRIGGER nf_creator BEFORE INSERT ON public.agent_teams
    FOR EACH ROW EXECUTE FUNCTION private.check_creator('created_by');
CREATE TRIGGER nf_creator BEFORE INSERT ON public.integrations
    FOR EACH ROW EXECUTE FUNCTION private.check_creator('created_by');
CREATE TRIGGER nf_creator BEFORE INSERT ON public.tool_blueprints
    FOR EACH ROW EXECUTE FUNCTION private.check_creator('created_by');
CREATE TRIGGER nf_creator BEFORE INSERT ON public.project_showcases
    FOR EACH ROW EXECUTE FUNCTION private.check_creator('created_by');
CREATE TRIGGER nf_creator BEFORE INSERT ON public.agent_templates
    FOR EACH ROW EXECUTE FUNCTION private.check_creator('created_by');
CREATE TRIGGER nf_creator BEFORE INSERT ON public.workflow_templates
    FOR EACH ROW EXECUTE FUNCTION private.check_creator('created_by');
CREATE TRIGGER nf_creator BEFORE INSERT ON public.template_reviews
    FOR EACH ROW EXECUTE FUNCTION private.check_creator('reviewer_id');

CREATE TRIGGER nf_references BEFORE INSERT OR UPDATE ON public.team_members
    FOR EACH ROW EXECUTE FUNCTION private.check_references();
CREATE TRIGGER nf_references BEFORE INSERT OR UPDATE ON public.agent_executions
    FOR EACH ROW EXECUTE FUNCTION private.check_references();
CREATE TRIGGER nf_references BEFORE INSERT OR UPDATE ON public.workflow_executions
    FOR EACH ROW EXECUTE FUNCTION private.check_references();
CREATE TRIGGER nf_references BEFORE INSERT OR UPDATE ON public.workflows
    FOR EACH ROW EXECUTE FUNCTION private.check_references();
CREATE TRIGGER nf_references BEFORE INSERT ON public.template_reviews
    FOR EACH ROW EXECUTE FUNCTION private.check_references();

CREATE TRIGGER nf_rating AFTER INSERT OR UPDATE OR DELETE ON public.template_reviews
    FOR EACH ROW EXECUTE FUNCTION private.refresh_template_rating();

-- ---------------------------------------------------------------------------------------------
-- Policies. Membership arrays are wrapped in (SELECT …) so they are computed once per statement.
--   M = organization_id is one of my organizations            (read)
--   W = organization_id is one I can write (not VIEWER)         (write)
-- ---------------------------------------------------------------------------------------------

-- Tenancy: read-only for people; written only on the admin path.
CREATE POLICY organizations_select ON public.organizations FOR SELECT TO app_user
    USING (id = ANY ((SELECT private.member_org_ids())::uuid[]));
CREATE POLICY organization_members_select ON public.organization_members FOR SELECT TO app_user
    USING (user_id = (SELECT private.current_user_id())
           OR organization_id = ANY ((SELECT private.member_org_ids())::uuid[]));
CREATE POLICY users_select ON public.users FOR SELECT TO app_user
    USING (id = ANY ((SELECT private.visible_user_ids())::uuid[]));
-- The definer helpers run as neuroflow_owner, which FORCE also subjects to RLS: reads only.
CREATE POLICY users_owner_select ON public.users FOR SELECT TO neuroflow_owner USING (true);
CREATE POLICY organization_members_owner_select ON public.organization_members FOR SELECT TO neuroflow_owner USING (true);
-- private.refresh_template_rating (definer) reads reviews and writes the two rating columns.
CREATE POLICY template_reviews_owner_select ON public.template_reviews FOR SELECT TO neuroflow_owner USING (true);
CREATE POLICY agent_templates_owner_select ON public.agent_templates FOR SELECT TO neuroflow_owner USING (true);
CREATE POLICY agent_templates_owner_update ON public.agent_templates FOR UPDATE TO neuroflow_owner USING (true) WITH CHECK (true);

-- Plain tenant tables.
DO $plain$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['workflows', 'ai_agents', 'agent_teams', 'integrations'] LOOP
        EXECUTE format($f$CREATE POLICY %1$s_select ON public.%1$I FOR SELECT TO app_user
            USING (organization_id = ANY ((SELECT private.member_org_ids())::uuid[]))$f$, t);
        EXECUTE format($f$CREATE POLICY %1$s_insert ON public.%1$I FOR INSERT TO app_user
            WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))$f$, t);
        EXECUTE format($f$CREATE POLICY %1$s_update ON public.%1$I FOR UPDATE TO app_user
            USING (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))
            WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))$f$, t);
        EXECUTE format($f$CREATE POLICY %1$s_delete ON public.%1$I FOR DELETE TO app_user
            USING (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))$f$, t);
    END LOOP;
END
$plain$;

-- Orders: members read; writers create; the creator, the assignee and staff edit (status moves
-- are judged by check_order_transition); staff delete, or the creator while it is a DRAFT.
CREATE POLICY custom_agent_orders_select ON public.custom_agent_orders FOR SELECT TO app_user
    USING (organization_id = ANY ((SELECT private.member_org_ids())::uuid[]));
CREATE POLICY custom_agent_orders_insert ON public.custom_agent_orders FOR INSERT TO app_user
    WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]));
CREATE POLICY custom_agent_orders_update ON public.custom_agent_orders FOR UPDATE TO app_user
    USING (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[])
           AND (organization_id = ANY ((SELECT private.staff_org_ids())::uuid[])
                OR created_by = (SELECT private.current_user_id())
                OR assigned_to = (SELECT private.current_user_id())))
    WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]));
CREATE POLICY custom_agent_orders_delete ON public.custom_agent_orders FOR DELETE TO app_user
    USING (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[])
           AND (organization_id = ANY ((SELECT private.staff_org_ids())::uuid[])
                OR (created_by = (SELECT private.current_user_id()) AND status = 'DRAFT')));

-- Showcases and blueprints: public ones are readable by everyone; writes stay in the org.
DO $public$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['project_showcases', 'tool_blueprints'] LOOP
        EXECUTE format($f$CREATE POLICY %1$s_select ON public.%1$I FOR SELECT TO app_user
            USING (is_public OR organization_id = ANY ((SELECT private.member_org_ids())::uuid[]))$f$, t);
        EXECUTE format($f$CREATE POLICY %1$s_insert ON public.%1$I FOR INSERT TO app_user
            WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))$f$, t);
        EXECUTE format($f$CREATE POLICY %1$s_update ON public.%1$I FOR UPDATE TO app_user
            USING (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))
            WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))$f$, t);
        EXECUTE format($f$CREATE POLICY %1$s_delete ON public.%1$I FOR DELETE TO app_user
            USING (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))$f$, t);
    END LOOP;
END
$public$;

-- Templates: system (organization_id NULL) and public ones are readable by everyone; a system
-- row is never writable by a person (NULL = ANY(…) is never true).
DO $templates$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['agent_templates', 'workflow_templates'] LOOP
        EXECUTE format($f$CREATE POLICY %1$s_select ON public.%1$I FOR SELECT TO app_user
            USING (is_system OR is_public OR organization_id = ANY ((SELECT private.member_org_ids())::uuid[]))$f$, t);
        EXECUTE format($f$CREATE POLICY %1$s_insert ON public.%1$I FOR INSERT TO app_user
            WITH CHECK (NOT is_system AND organization_id IS NOT NULL
                        AND organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))$f$, t);
        EXECUTE format($f$CREATE POLICY %1$s_update ON public.%1$I FOR UPDATE TO app_user
            USING (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))
            WITH CHECK (NOT is_system AND organization_id IS NOT NULL
                        AND organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))$f$, t);
        EXECUTE format($f$CREATE POLICY %1$s_delete ON public.%1$I FOR DELETE TO app_user
            USING (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))$f$, t);
    END LOOP;
END
$templates$;

-- Reviews: a review belongs to its reviewer (reviewer_id = me to write it) and to the reviewer's
-- organization (organization_id, writable). Readable by members of that organization and by
-- anyone who can see the reviewed template — so reviews of public and system templates are
-- public, reviews of an organization's private template stay inside it.
CREATE POLICY template_reviews_select ON public.template_reviews FOR SELECT TO app_user
    USING (organization_id = ANY ((SELECT private.member_org_ids())::uuid[])
           OR EXISTS (SELECT 1 FROM public.agent_templates t WHERE t.id = template_reviews.template_id));
CREATE POLICY template_reviews_insert ON public.template_reviews FOR INSERT TO app_user
    WITH CHECK (reviewer_id = (SELECT private.current_user_id())
                AND organization_id = ANY ((SELECT private.writable_org_ids())::uuid[])
                AND EXISTS (SELECT 1 FROM public.agent_templates t WHERE t.id = template_reviews.template_id));
CREATE POLICY template_reviews_update ON public.template_reviews FOR UPDATE TO app_user
    USING (reviewer_id = (SELECT private.current_user_id())
           AND organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]))
    WITH CHECK (reviewer_id = (SELECT private.current_user_id())
                AND organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]));
CREATE POLICY template_reviews_delete ON public.template_reviews FOR DELETE TO app_user
    USING (reviewer_id = (SELECT private.current_user_id())
           AND organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]));

-- Child tables: isolated through their parent. A child is visible only when its parent row (same
-- id and organization) is visible to the caller — the EXISTS runs under the parent's RLS — and
-- writable only in an organization the caller can write.
DO $children$
DECLARE
    r record;
    parent_visible text;
BEGIN
    FOR r IN SELECT * FROM (VALUES
        ('order_milestones',      'order_id',     'custom_agent_orders', false, true),
        ('build_logs',            'order_id',     'custom_agent_orders', false, false),
        ('workflow_nodes',        'workflow_id',  'workflows',           false, true),
        ('workflow_edges',        'workflow_id',  'workflows',           false, true),
        ('workflow_executions',   'workflow_id',  'workflows',           false, true),
        ('agent_executions',      'agent_id',     'ai_agents',           false, true),
        ('team_members',          'team_id',      'agent_teams',         false, true),
        ('team_executions',       'team_id',      'agent_teams',         false, true),
        ('blueprint_components',  'blueprint_id', 'tool_blueprints',     true,  true),
        ('blueprint_connections', 'blueprint_id', 'tool_blueprints',     true,  true)
    ) AS v(child, fk, parent, parent_can_be_public, mutable)
    LOOP
        parent_visible := format(
            'EXISTS (SELECT 1 FROM public.%1$I p WHERE p.id = %2$I.%3$I AND p.organization_id = %2$I.organization_id%4$s)',
            r.parent, r.child, r.fk,
            CASE WHEN r.parent_can_be_public
                 THEN ' AND (p.is_public OR p.organization_id = ANY ((SELECT private.member_org_ids())::uuid[]))'
                 ELSE ' AND p.organization_id = ANY ((SELECT private.member_org_ids())::uuid[])' END);
        EXECUTE format('CREATE POLICY %1$s_select ON public.%1$I FOR SELECT TO app_user USING (%2$s%3$s)',
            r.child,
            CASE WHEN r.parent_can_be_public THEN ''
                 ELSE 'organization_id = ANY ((SELECT private.member_org_ids())::uuid[]) AND ' END,
            parent_visible);
        EXECUTE format('CREATE POLICY %1$s_insert ON public.%1$I FOR INSERT TO app_user
            WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]) AND %2$s)',
            r.child, parent_visible);
        IF r.mutable THEN
            EXECUTE format('CREATE POLICY %1$s_update ON public.%1$I FOR UPDATE TO app_user
                USING (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]) AND %2$s)
                WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]) AND %2$s)',
                r.child, parent_visible);
            EXECUTE format('CREATE POLICY %1$s_delete ON public.%1$I FOR DELETE TO app_user
                USING (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[]) AND %2$s)',
                r.child, parent_visible);
        END IF;
    END LOOP;
END
$children$;

-- build_logs: no UPDATE / DELETE policy, no UPDATE / DELETE / TRUNCATE grant, and the trigger
-- above refuses them even on the admin path.
REVOKE UPDATE, DELETE, TRUNCATE ON public.build_logs FROM app_user;

-- ---------------------------------------------------------------------------------------------
-- Ownership and privileges of the private functions
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

-- What policies call (they run as the caller).
GRANT EXECUTE ON FUNCTION
    private.current_user_id(),
    private.member_org_ids(),
    private.writable_org_ids(),
    private.staff_org_ids(),
    private.member_role(uuid),
    private.is_member(uuid),
    private.can_write(uuid),
    private.visible_user_ids(),
    private.is_app_session()
TO app_user;
