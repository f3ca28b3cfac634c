-- Orders sync as commands (neuroflow_sync::commands): a desktop decides each command again on
-- this database's copy of the order and writes its rows as the person. What a desktop could send
-- around that rule, Postgres holds to here, besides the lifecycle and assignment triggers of 0002.

-- 1. The build belongs to the studio: only staff (OWNER, ADMIN) and the order's builder add
--    milestones, tick them and write build log lines. The one line anyone else writes is the
--    record of their own status move (stage 'lifecycle': a client submits and cancels), and only
--    on an order they made. Before this, any member who could see an order could write to both.
DROP POLICY order_milestones_insert ON public.order_milestones;
DROP POLICY order_milestones_update ON public.order_milestones;
DROP POLICY build_logs_insert ON public.build_logs;

CREATE POLICY order_milestones_insert ON public.order_milestones FOR INSERT TO app_user
    WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[])
        AND EXISTS (SELECT 1 FROM public.custom_agent_orders p
                    WHERE p.id = order_milestones.order_id AND p.organization_id = order_milestones.organization_id
                      AND (p.organization_id = ANY ((SELECT private.staff_org_ids())::uuid[])
                           OR p.assigned_to = (SELECT private.current_user_id()))));
CREATE POLICY order_milestones_update ON public.order_milestones FOR UPDATE TO app_user
    USING (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[])
        AND EXISTS (SELECT 1 FROM public.custom_agent_orders p
                    WHERE p.id = order_milestones.order_id AND p.organization_id = order_milestones.organization_id
                      AND (p.organization_id = ANY ((SELECT private.staff_org_ids())::uuid[])
                           OR p.assigned_to = (SELECT private.current_user_id()))))
    WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[])
        AND EXISTS (SELECT 1 FROM public.custom_agent_orders p
                    WHERE p.id = order_milestones.order_id AND p.organization_id = order_milestones.organization_id
                      AND (p.organization_id = ANY ((SELECT private.staff_org_ids())::uuid[])
                           OR p.assigned_to = (SELECT private.current_user_id()))));
CREATE POLICY build_logs_insert ON public.build_logs FOR INSERT TO app_user
    WITH CHECK (organization_id = ANY ((SELECT private.writable_org_ids())::uuid[])
        AND EXISTS (SELECT 1 FROM public.custom_agent_orders p
                    WHERE p.id = build_logs.order_id AND p.organization_id = build_logs.organization_id
                      AND (p.organization_id = ANY ((SELECT private.staff_org_ids())::uuid[])
                           OR p.assigned_to = (SELECT private.current_user_id())
                           OR (p.created_by = (SELECT private.current_user_id())
                               AND build_logs.stage = 'lifecycle'))));

-- 2. Another device's command wakes the desktops listening, as edits of workflows do (0006).
DO $notify$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['custom_agent_orders', 'order_milestones', 'build_logs'] LOOP
        EXECUTE format('CREATE TRIGGER nf_notify_sync AFTER INSERT OR UPDATE ON public.%I FOR EACH ROW EXECUTE FUNCTION private.notify_sync()', t);
    END LOOP;
END
$notify$;

-- 3. A refused command is recorded too, with the reason: sent again (a device restored from a
--    copy, a push whose answer was lost) it is refused again with the same reason, never applied
--    later on a state that has changed meanwhile after its person was told it was undone.
ALTER TABLE public.sync_mutations ADD COLUMN refused_reason TEXT;
