-- Orders are private to the people on them. The studio's staff (OWNER, ADMIN) and its read-only
-- VIEWERs see every order of the organization; any other member sees only the orders they made
-- (their client) or were assigned to build. Before this, every member read every order, so one
-- client read another's requests, prices and build logs.
-- Milestones and build logs follow: their policies (0002, "Child tables") see a child only when
-- its parent order is visible, and that EXISTS runs under this policy.
-- The local store applies the same rule (neuroflow_store::orders).
DROP POLICY custom_agent_orders_select ON public.custom_agent_orders;
CREATE POLICY custom_agent_orders_select ON public.custom_agent_orders FOR SELECT TO app_user
    USING (organization_id = ANY ((SELECT private.member_org_ids())::uuid[])
           AND (organization_id = ANY ((SELECT private.staff_org_ids())::uuid[])
                OR private.member_role(organization_id) = 'VIEWER'
                OR created_by = (SELECT private.current_user_id())
                OR assigned_to = (SELECT private.current_user_id())));
