# Generates migrations/{sqlite,postgres}/0001_schema.sql from one table list (run once, output committed).
ENUMS = {
 'OrgRole': 'OWNER ADMIN MEMBER VIEWER',
 'ComplexityLevel': 'SIMPLE MODERATE COMPLEX ENTERPRISE',
 'OrderStatus': 'DRAFT SUBMITTED IN_REVIEW APPROVED IN_PROGRESS TESTING COMPLETED DELIVERED CANCELLED REJECTED',
 'OrderPriority': 'LOW NORMAL HIGH URGENT',
 'AgentCategory': 'SALES SUPPORT ANALYSIS CONTENT AUTOMATION RESEARCH',
 'AIToolCategory': 'AUTOMATION ANALYTICS INTEGRATION UI API WORKFLOW',
 'LogLevel': 'DEBUG INFO WARN ERROR',
 'ShowcaseCategory': 'AI_AGENT AUTOMATION_TOOL INTEGRATION WORKFLOW CUSTOM_SOLUTION',
 'AgentStatus': 'IDLE BUSY OFFLINE ERROR',
 'TeamStructure': 'HIERARCHICAL COLLABORATIVE PIPELINE DEMOCRATIC',
 'TeamRole': 'LEADER WORKER COORDINATOR SPECIALIST',
 'ExecutionStatus': 'PENDING RUNNING COMPLETED FAILED CANCELLED',
 'IntegrationStatus': 'CONNECTED DISCONNECTED ERROR TESTING',
 'TemplateCategory': 'SALES SUPPORT MARKETING DATA_PROCESSING AUTOMATION ANALYTICS CONTENT COMMUNICATION',
 'DifficultyLevel': 'BEGINNER INTERMEDIATE ADVANCED EXPERT',
 'IntegrationProvider': 'SLACK GMAIL WEBHOOK HTTP',
}
# column: (name, type, nullable, default, extra) ; type in uuid text int real bool json time enum:Name ref:table
T = []
def table(name, org='req', parent=None, cols=(), uniques=(), indexes=(), checks=(), comment='', extra_fks=()):
    T.append(dict(name=name, org=org, parent=parent, cols=cols, uniques=uniques, indexes=indexes, checks=checks, comment=comment, extra_fks=extra_fks))

table('custom_agent_orders', comment="A client's order for a custom AI agent", cols=[
 ('title','text',0,None),('description','text',0,"''"),('requirements','text',0,"''"),
 ('status','enum:OrderStatus',0,"'DRAFT'"),('priority','enum:OrderPriority',0,"'NORMAL'"),('complexity','enum:ComplexityLevel',0,"'SIMPLE'"),
 ('progress','int',0,'0'),('agent_config','json',0,"'{}'"),('tools_config','json',0,"'[]'"),
 ('estimated_hours','real',0,'0'),('estimated_cost','real',0,'0'),('final_cost','real',1,None),('currency','text',0,"'USD'"),
 ('due_date','time',1,None),('submitted_at','time',1,None),('approved_at','time',1,None),('started_at','time',1,None),('completed_at','time',1,None),('delivered_at','time',1,None),
 ('created_by','ref:users',0,None),('assigned_to','ref:users',1,None)],
 checks=['progress BETWEEN 0 AND 100','estimated_hours >= 0','estimated_cost >= 0'],
 indexes=['status','created_by','assigned_to','created_at','due_date'])
table('order_milestones', parent=('order_id','custom_agent_orders'), cols=[
 ('order_id','uuid',0,None),('title','text',0,None),('stage','text',0,"''"),('description','text',0,"''"),('position','int',0,'0'),
 ('due_date','time',1,None),('completed_at','time',1,None)], indexes=['order_id','due_date'])
table('build_logs', parent=('order_id','custom_agent_orders'), cols=[
 ('order_id','uuid',0,None),('level','enum:LogLevel',0,"'INFO'"),('stage','text',0,"''"),('message','text',0,None),('details','json',0,"'{}'")],
 indexes=['order_id','created_at'])
table('agent_templates', org='opt', cols=[
 ('name','text',0,None),('description','text',0,"''"),('category','enum:AgentCategory',0,None),
 ('personality','json',0,"'{}'"),('model_config','json',0,"'{}'"),('tools','json',0,"'[]'"),('memory_config','json',0,"'{}'"),
 ('is_system','bool',0,'FALSE'),('is_public','bool',0,'FALSE'),('usage_count','int',0,'0'),('rating_avg','real',0,'0'),('rating_count','int',0,'0'),
 ('created_by','ref:users',1,None)],
 checks=['is_system = (organization_id IS NULL)','rating_avg BETWEEN 0 AND 5','usage_count >= 0'],
 indexes=['category','is_public','created_by'])
table('template_reviews', cols=[
 ('template_id','ref:agent_templates',0,None),('reviewer_id','ref:users',0,None),('rating','int',0,None),('comment','text',0,"''")],
 checks=['rating BETWEEN 1 AND 5'], uniques=[('template_id','reviewer_id')], indexes=['template_id','reviewer_id'])
table('tool_blueprints', cols=[
 ('name','text',0,None),('description','text',0,"''"),('category','enum:AIToolCategory',0,None),('is_public','bool',0,'FALSE'),('version','int',0,'1'),
 ('input_schema','json',0,"'{}'"),('output_schema','json',0,"'{}'"),('created_by','ref:users',0,None)],
 indexes=['category','is_public','created_by','updated_at'])
table('project_showcases', cols=[
 ('title','text',0,None),('description','text',0,"''"),('category','enum:ShowcaseCategory',0,None),('is_public','bool',0,'FALSE'),
 ('features','json',0,"'[]'"),('technologies','json',0,"'[]'"),('demo_url','text',1,None),('repository_url','text',1,None),('image_url','text',1,None),
 ('views','int',0,'0'),('likes','int',0,'0'),('created_by','ref:users',0,None)],
 checks=['views >= 0','likes >= 0'], indexes=['category','is_public','created_by'])
table('workflow_templates', org='opt', cols=[
 ('name','text',0,None),('description','text',0,"''"),('category','enum:TemplateCategory',0,None),('difficulty','enum:DifficultyLevel',0,"'BEGINNER'"),
 ('graph','json',0,"'{\"nodes\":[],\"edges\":[]}'"),('tags','json',0,"'[]'"),('is_system','bool',0,'FALSE'),('is_public','bool',0,'FALSE'),('is_featured','bool',0,'FALSE'),
 ('usage_count','int',0,'0'),('rating_avg','real',0,'0'),('rating_count','int',0,'0'),('created_by','ref:users',1,None)],
 checks=['is_system = (organization_id IS NULL)','rating_avg BETWEEN 0 AND 5'], indexes=['category','is_public','is_featured','created_by'])
table('workflows', cols=[
 ('name','text',0,None),('description','text',0,"''"),('version','int',0,'1'),('template_id','ref:workflow_templates',1,None),
 ('execution_count','int',0,'0'),('last_executed','time',1,None),('is_active','bool',0,'FALSE'),('created_by','ref:users',0,None)],
 checks=['version >= 1','execution_count >= 0'], indexes=['created_by','is_active','template_id','updated_at'])
table('workflow_nodes', parent=('workflow_id','workflows'), cols=[
 ('workflow_id','uuid',0,None),('kind','text',0,None),('label','text',0,None),('position_x','real',0,'0'),('position_y','real',0,'0'),('config','json',0,"'{}'")],
 indexes=['workflow_id'])
table('workflow_edges', parent=('workflow_id','workflows'), cols=[
 ('workflow_id','uuid',0,None),('source_id','uuid',0,None),('source_handle','text',1,None),('target_id','uuid',0,None),('target_handle','text',1,None)],
 indexes=['workflow_id','source_id','target_id'])
table('blueprint_components', parent=('blueprint_id','tool_blueprints'), cols=[
 ('blueprint_id','uuid',0,None),('kind','text',0,None),('label','text',0,None),('position_x','real',0,'0'),('position_y','real',0,'0'),('config','json',0,"'{}'")],
 indexes=['blueprint_id'])
table('blueprint_connections', parent=('blueprint_id','tool_blueprints'), cols=[
 ('blueprint_id','uuid',0,None),('source_id','uuid',0,None),('source_handle','text',1,None),('target_id','uuid',0,None),('target_handle','text',1,None)],
 indexes=['blueprint_id','source_id','target_id'])
table('workflow_executions', parent=('workflow_id','workflows'), cols=[
 ('workflow_id','uuid',0,None),('status','enum:ExecutionStatus',0,"'PENDING'"),('started_at','time',0,None),('finished_at','time',1,None),
 ('duration_ms','int',1,None),('tokens_used','int',0,'0'),('cost','real',0,'0'),('input_data','json',0,"'{}'"),('output_data','json',1,None),
 ('logs','json',0,"'[]'"),('error','text',1,None),('triggered_by','ref:users',1,None)],
 checks=['tokens_used >= 0','cost >= 0'], indexes=['workflow_id','status','started_at','triggered_by'])
table('ai_agents', cols=[
 ('name','text',0,None),('description','text',0,"''"),('personality','json',0,"'{}'"),('model_config','json',0,"'{}'"),('capabilities','json',0,"'[]'"),('memory','json',0,"'{}'"),
 ('success_rate','real',0,'0'),('avg_response_ms','real',0,'0'),('total_executions','int',0,'0'),('status','enum:AgentStatus',0,"'IDLE'"),
 ('is_active','bool',0,'TRUE'),('created_by','ref:users',0,None)],
 checks=['success_rate BETWEEN 0 AND 1'], indexes=['status','is_active','created_by'])
table('agent_executions', parent=('agent_id','ai_agents'), cols=[
 ('agent_id','uuid',0,None),('workflow_execution_id','uuid',1,None),('task','text',0,"''"),('input','json',0,"'{}'"),('output','json',1,None),
 ('status','enum:ExecutionStatus',0,"'PENDING'"),('started_at','time',0,None),('finished_at','time',1,None),('duration_ms','int',1,None),
 ('tokens_used','int',0,'0'),('cost','real',0,'0'),('provider','text',0,"''"),('model','text',0,"''"),('error','text',1,None)],
 extra_fks=[("FOREIGN KEY (workflow_execution_id, organization_id) REFERENCES workflow_executions(id, organization_id) ON DELETE SET NULL (workflow_execution_id)",
             "FOREIGN KEY (workflow_execution_id) REFERENCES workflow_executions(id) ON DELETE SET NULL")],
 indexes=['agent_id','workflow_execution_id','status','started_at'])
table('agent_teams', cols=[
 ('name','text',0,None),('description','text',0,"''"),('structure','enum:TeamStructure',0,None),('coordination_config','json',0,"'{}'"),
 ('success_rate','real',0,'0'),('total_executions','int',0,'0'),('is_active','bool',0,'TRUE'),('created_by','ref:users',0,None)],
 checks=['success_rate BETWEEN 0 AND 1'], indexes=['structure','created_by'])
table('team_members', parent=('team_id','agent_teams'), cols=[
 ('team_id','uuid',0,None),('agent_id','uuid',0,None),('role','enum:TeamRole',0,"'WORKER'"),('priority','int',0,'0')],
 extra_fks=[("FOREIGN KEY (agent_id, organization_id) REFERENCES ai_agents(id, organization_id) ON DELETE CASCADE", None)],
 uniques=[('team_id','agent_id')], indexes=['team_id','agent_id'])
table('team_executions', parent=('team_id','agent_teams'), cols=[
 ('team_id','uuid',0,None),('task','text',0,"''"),('coordination_pattern','enum:TeamStructure',0,None),('input','json',0,"'{}'"),('output','json',1,None),
 ('participation','json',0,"'[]'"),('status','enum:ExecutionStatus',0,"'PENDING'"),('started_at','time',0,None),('finished_at','time',1,None),
 ('duration_ms','int',1,None),('tokens_used','int',0,'0'),('cost','real',0,'0'),('error','text',1,None)],
 indexes=['team_id','status','started_at'])
table('integrations', cols=[
 ('name','text',0,None),('provider','enum:IntegrationProvider',0,None),('config','json',0,"'{}'"),('credential_ref','text',1,None),('credential_fingerprint','text',1,None),
 ('scopes','json',0,"'[]'"),('credential_expires_at','time',1,None),('status','enum:IntegrationStatus',0,"'DISCONNECTED'"),('last_tested','time',1,None),
 ('last_error','text',1,None),('created_by','ref:users',0,None)],
 indexes=['provider','status','created_by'])

def coltype(t, pg):
    if t.startswith('enum:'): return 'TEXT'
    if t.startswith('ref:') or t=='uuid': return 'UUID' if pg else 'BLOB'
    return {'text':'TEXT','int':('INTEGER'),'real':('DOUBLE PRECISION' if pg else 'REAL'),'bool':('BOOLEAN' if pg else 'INTEGER'),
            'json':('JSONB' if pg else 'TEXT'),'time':('TIMESTAMPTZ' if pg else 'TEXT')}[t]

def gen(pg):
    out=[]
    Q=(lambda n: n)
    out.append('-- Forward-only schema: tenancy, Garage (7 tables), Hub (9 tables), graph elements, sync.')
    out.append('-- Generated once from one table list so SQLite and Postgres stay column-for-column equal.\n')
    sync_tail = ["created_at {t} NOT NULL", "updated_at {t} NOT NULL", "deleted_at {t}", "hlc TEXT NOT NULL DEFAULT ''"]
    if pg: sync_tail.append("row_xid xid8 NOT NULL DEFAULT pg_current_xact_id()")
    tt = 'TIMESTAMPTZ' if pg else 'TEXT'
    idt = 'UUID' if pg else 'BLOB'
    def tail(): return [s.format(t=tt) for s in sync_tail]
    # tenancy
    out.append(f"CREATE TABLE organizations (\n    id {idt} PRIMARY KEY,\n    name TEXT NOT NULL,\n    slug TEXT NOT NULL UNIQUE,\n    " + ",\n    ".join(tail()) + "\n);\n")
    out.append(f"CREATE TABLE users (\n    id {idt} PRIMARY KEY,\n    email TEXT NOT NULL UNIQUE CHECK (email = lower(email)),\n    display_name TEXT NOT NULL DEFAULT '',\n    -- The Postgres LOGIN role of this user (team mode); NULL for local-only users.\n    pg_role TEXT UNIQUE CHECK (pg_role IS NULL OR pg_role " + ("~ '^nf_[0-9a-f]{32}$'" if pg else "GLOB 'nf_[0-9a-f]*'") + f"),\n    " + ",\n    ".join(tail()) + "\n);\n")
    roles = ", ".join(f"'{v}'" for v in ENUMS['OrgRole'].split())
    out.append(f"CREATE TABLE organization_members (\n    id {idt} PRIMARY KEY,\n    organization_id {idt} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,\n    user_id {idt} NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n    role TEXT NOT NULL CHECK (role IN ({roles})),\n    " + ",\n    ".join(tail()) + "\n);\n")
    out.append("CREATE UNIQUE INDEX organization_members_org_user ON organization_members (organization_id, user_id) WHERE deleted_at IS NULL;")
    out.append("CREATE INDEX organization_members_user ON organization_members (user_id);\n")
    for t in T:
        lines=[f"id {idt} PRIMARY KEY"]
        if t['org']=='req': lines.append(f"organization_id {idt} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE")
        else: lines.append(f"organization_id {idt} REFERENCES organizations(id) ON DELETE CASCADE")
        fks=[]
        for (n,ty,nullable,default) in t['cols']:
            s=f"{n} {coltype(ty,pg)}"
            if not nullable: s+=" NOT NULL"
            if default is not None:
                d=default
                if not pg and ty=='bool': d={'FALSE':'0','TRUE':'1'}[d]
                s+=f" DEFAULT {d}"
            if ty.startswith('enum:'):
                vals=", ".join(f"'{v}'" for v in ENUMS[ty[5:]].split())
                s+=f" CHECK ({n} IN ({vals}))"
            if ty.startswith('ref:'):
                ref=ty[4:]
                if ref=='users':
                    s+=" REFERENCES users(id)"
                else:
                    s+=f" REFERENCES {ref}(id) ON DELETE " + ("SET NULL" if nullable else "CASCADE")
            lines.append(s)
        lines += tail()
        if t['parent']:
            pc, ptab = t['parent']
            # Composite key: a child always belongs to its parent's organization.
            lines.append(f"FOREIGN KEY ({pc}, organization_id) REFERENCES {ptab}(id, organization_id) ON DELETE CASCADE")
        for pg_fk, sqlite_fk in t['extra_fks']:
            # SQLite cannot SET NULL one column of a composite key; it keeps the plain reference.
            lines.append(pg_fk if pg or sqlite_fk is None else sqlite_fk)
        for c in t['checks']:
            lines.append(f"CHECK ({c})")
        out.append(f"-- {t['comment']}" if t['comment'] else f"-- {t['name']}")
        out.append(f"CREATE TABLE {t['name']} (\n    " + ",\n    ".join(lines) + "\n);")
        # parent tables need (id, organization_id) unique for composite FKs
        out.append(f"CREATE UNIQUE INDEX {t['name']}_id_org ON {t['name']} (id, organization_id);")
        out.append(f"CREATE INDEX {t['name']}_org ON {t['name']} (organization_id);")
        for ix in t['indexes']:
            out.append(f"CREATE INDEX {t['name']}_{ix} ON {t['name']} ({ix});")
        for u in t['uniques']:
            out.append(f"CREATE UNIQUE INDEX {t['name']}_{'_'.join(u)}_key ON {t['name']} ({', '.join(u)}) WHERE deleted_at IS NULL;")
        if pg:
            out.append(f"CREATE INDEX {t['name']}_row_xid ON {t['name']} (row_xid, id);")
        out.append('')
    return "\n".join(out)+"\n"

import sys
order = ['workflow_templates','workflows','custom_agent_orders','order_milestones','build_logs','agent_templates','template_reviews','tool_blueprints','project_showcases','workflow_nodes','workflow_edges','blueprint_components','blueprint_connections','workflow_executions','ai_agents','agent_executions','agent_teams','team_members','team_executions','integrations']
T.sort(key=lambda t: order.index(t['name']))
open(__import__('os').path.join(__import__('os').path.dirname(__file__),'sqlite/0001_schema.sql'),'w').write(gen(False))
open(__import__('os').path.join(__import__('os').path.dirname(__file__),'postgres/0001_schema.sql'),'w').write(gen(True))
print([t['name'] for t in T])
