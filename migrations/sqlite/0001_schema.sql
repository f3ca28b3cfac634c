-- Forward-only schema: tenancy, Garage (7 tables), Hub (9 tables), graph elements, sync.
-- Generated once from one table list so SQLite and Postgres stay column-for-column equal.

CREATE TABLE organizations (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT ''
);

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    email TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    display_name TEXT NOT NULL DEFAULT '',
    -- The Postgres LOGIN role of this user (team mode); NULL for local-only users.
    pg_role TEXT UNIQUE CHECK (pg_role IS NULL OR pg_role GLOB 'nf_[0-9a-f]*'),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT ''
);

CREATE TABLE organization_members (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX organization_members_org_user ON organization_members (organization_id, user_id) WHERE deleted_at IS NULL;
CREATE INDEX organization_members_user ON organization_members (user_id);

-- workflow_templates
CREATE TABLE workflow_templates (
    id BLOB PRIMARY KEY,
    organization_id BLOB REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL CHECK (category IN ('SALES', 'SUPPORT', 'MARKETING', 'DATA_PROCESSING', 'AUTOMATION', 'ANALYTICS', 'CONTENT', 'COMMUNICATION')),
    difficulty TEXT NOT NULL DEFAULT 'BEGINNER' CHECK (difficulty IN ('BEGINNER', 'INTERMEDIATE', 'ADVANCED', 'EXPERT')),
    graph TEXT NOT NULL DEFAULT '{"nodes":[],"edges":[]}',
    tags TEXT NOT NULL DEFAULT '[]',
    is_system INTEGER NOT NULL DEFAULT 0,
    is_public INTEGER NOT NULL DEFAULT 0,
    is_featured INTEGER NOT NULL DEFAULT 0,
    usage_count INTEGER NOT NULL DEFAULT 0,
    rating_avg REAL NOT NULL DEFAULT 0,
    rating_count INTEGER NOT NULL DEFAULT 0,
    created_by BLOB REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    CHECK (is_system = (organization_id IS NULL)),
    CHECK (rating_avg BETWEEN 0 AND 5)
);
CREATE UNIQUE INDEX workflow_templates_id_org ON workflow_templates (id, organization_id);
CREATE INDEX workflow_templates_org ON workflow_templates (organization_id);
CREATE INDEX workflow_templates_category ON workflow_templates (category);
CREATE INDEX workflow_templates_is_public ON workflow_templates (is_public);
CREATE INDEX workflow_templates_is_featured ON workflow_templates (is_featured);
CREATE INDEX workflow_templates_created_by ON workflow_templates (created_by);

-- workflows
CREATE TABLE workflows (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    template_id BLOB REFERENCES workflow_templates(id) ON DELETE SET NULL,
    execution_count INTEGER NOT NULL DEFAULT 0,
    last_executed TEXT,
    is_active INTEGER NOT NULL DEFAULT 0,
    created_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    CHECK (version >= 1),
    CHECK (execution_count >= 0)
);
CREATE UNIQUE INDEX workflows_id_org ON workflows (id, organization_id);
CREATE INDEX workflows_org ON workflows (organization_id);
CREATE INDEX workflows_created_by ON workflows (created_by);
CREATE INDEX workflows_is_active ON workflows (is_active);
CREATE INDEX workflows_template_id ON workflows (template_id);
CREATE INDEX workflows_updated_at ON workflows (updated_at);

-- A client's order for a custom AI agent
CREATE TABLE custom_agent_orders (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    requirements TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'SUBMITTED', 'IN_REVIEW', 'APPROVED', 'IN_PROGRESS', 'TESTING', 'COMPLETED', 'DELIVERED', 'CANCELLED', 'REJECTED')),
    priority TEXT NOT NULL DEFAULT 'NORMAL' CHECK (priority IN ('LOW', 'NORMAL', 'HIGH', 'URGENT')),
    complexity TEXT NOT NULL DEFAULT 'SIMPLE' CHECK (complexity IN ('SIMPLE', 'MODERATE', 'COMPLEX', 'ENTERPRISE')),
    progress INTEGER NOT NULL DEFAULT 0,
    agent_config TEXT NOT NULL DEFAULT '{}',
    tools_config TEXT NOT NULL DEFAULT '[]',
    estimated_hours REAL NOT NULL DEFAULT 0,
    estimated_cost REAL NOT NULL DEFAULT 0,
    final_cost REAL,
    currency TEXT NOT NULL DEFAULT 'USD',
    due_date TEXT,
    submitted_at TEXT,
    approved_at TEXT,
    started_at TEXT,
    completed_at TEXT,
    delivered_at TEXT,
    created_by BLOB NOT NULL REFERENCES users(id),
    assigned_to BLOB REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    CHECK (progress BETWEEN 0 AND 100),
    CHECK (estimated_hours >= 0),
    CHECK (estimated_cost >= 0)
);
CREATE UNIQUE INDEX custom_agent_orders_id_org ON custom_agent_orders (id, organization_id);
CREATE INDEX custom_agent_orders_org ON custom_agent_orders (organization_id);
CREATE INDEX custom_agent_orders_status ON custom_agent_orders (status);
CREATE INDEX custom_agent_orders_created_by ON custom_agent_orders (created_by);
CREATE INDEX custom_agent_orders_assigned_to ON custom_agent_orders (assigned_to);
CREATE INDEX custom_agent_orders_created_at ON custom_agent_orders (created_at);
CREATE INDEX custom_agent_orders_due_date ON custom_agent_orders (due_date);

-- order_milestones
CREATE TABLE order_milestones (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    order_id BLOB NOT NULL,
    title TEXT NOT NULL,
    stage TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    due_date TEXT,
    completed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (order_id, organization_id) REFERENCES custom_agent_orders(id, organization_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX order_milestones_id_org ON order_milestones (id, organization_id);
CREATE INDEX order_milestones_org ON order_milestones (organization_id);
CREATE INDEX order_milestones_order_id ON order_milestones (order_id);
CREATE INDEX order_milestones_due_date ON order_milestones (due_date);

-- build_logs
CREATE TABLE build_logs (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    order_id BLOB NOT NULL,
    level TEXT NOT NULL DEFAULT 'INFO' CHECK (level IN ('DEBUG', 'INFO', 'WARN', 'ERROR')),
    stage TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (order_id, organization_id) REFERENCES custom_agent_orders(id, organization_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX build_logs_id_org ON build_logs (id, organization_id);
CREATE INDEX build_logs_org ON build_logs (organization_id);
CREATE INDEX build_logs_order_id ON build_logs (order_id);
CREATE INDEX build_logs_created_at ON build_logs (created_at);

-- agent_templates
CREATE TABLE agent_templates (
    id BLOB PRIMARY KEY,
    organization_id BLOB REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL CHECK (category IN ('SALES', 'SUPPORT', 'ANALYSIS', 'CONTENT', 'AUTOMATION', 'RESEARCH')),
    personality TEXT NOT NULL DEFAULT '{}',
    model_config TEXT NOT NULL DEFAULT '{}',
    tools TEXT NOT NULL DEFAULT '[]',
    memory_config TEXT NOT NULL DEFAULT '{}',
    is_system INTEGER NOT NULL DEFAULT 0,
    is_public INTEGER NOT NULL DEFAULT 0,
    usage_count INTEGER NOT NULL DEFAULT 0,
    rating_avg REAL NOT NULL DEFAULT 0,
    rating_count INTEGER NOT NULL DEFAULT 0,
    created_by BLOB REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    CHECK (is_system = (organization_id IS NULL)),
    CHECK (rating_avg BETWEEN 0 AND 5),
    CHECK (usage_count >= 0)
);
CREATE UNIQUE INDEX agent_templates_id_org ON agent_templates (id, organization_id);
CREATE INDEX agent_templates_org ON agent_templates (organization_id);
CREATE INDEX agent_templates_category ON agent_templates (category);
CREATE INDEX agent_templates_is_public ON agent_templates (is_public);
CREATE INDEX agent_templates_created_by ON agent_templates (created_by);

-- template_reviews
CREATE TABLE template_reviews (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    template_id BLOB NOT NULL REFERENCES agent_templates(id) ON DELETE CASCADE,
    reviewer_id BLOB NOT NULL REFERENCES users(id),
    rating INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    CHECK (rating BETWEEN 1 AND 5)
);
CREATE UNIQUE INDEX template_reviews_id_org ON template_reviews (id, organization_id);
CREATE INDEX template_reviews_org ON template_reviews (organization_id);
CREATE INDEX template_reviews_template_id ON template_reviews (template_id);
CREATE INDEX template_reviews_reviewer_id ON template_reviews (reviewer_id);
CREATE UNIQUE INDEX template_reviews_template_id_reviewer_id_key ON template_reviews (template_id, reviewer_id) WHERE deleted_at IS NULL;

-- tool_blueprints
CREATE TABLE tool_blueprints (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL CHECK (category IN ('AUTOMATION', 'ANALYTICS', 'INTEGRATION', 'UI', 'API', 'WORKFLOW')),
    is_public INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    input_schema TEXT NOT NULL DEFAULT '{}',
    output_schema TEXT NOT NULL DEFAULT '{}',
    created_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX tool_blueprints_id_org ON tool_blueprints (id, organization_id);
CREATE INDEX tool_blueprints_org ON tool_blueprints (organization_id);
CREATE INDEX tool_blueprints_category ON tool_blueprints (category);
CREATE INDEX tool_blueprints_is_public ON tool_blueprints (is_public);
CREATE INDEX tool_blueprints_created_by ON tool_blueprints (created_by);
CREATE INDEX tool_blueprints_updated_at ON tool_blueprints (updated_at);

-- project_showcases
CREATE TABLE project_showcases (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL CHECK (category IN ('AI_AGENT', 'AUTOMATION_TOOL', 'INTEGRATION', 'WORKFLOW', 'CUSTOM_SOLUTION')),
    is_public INTEGER NOT NULL DEFAULT 0,
    features TEXT NOT NULL DEFAULT '[]',
    technologies TEXT NOT NULL DEFAULT '[]',
    demo_url TEXT,
    repository_url TEXT,
    image_url TEXT,
    views INTEGER NOT NULL DEFAULT 0,
    likes INTEGER NOT NULL DEFAULT 0,
    created_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    CHECK (views >= 0),
    CHECK (likes >= 0)
);
CREATE UNIQUE INDEX project_showcases_id_org ON project_showcases (id, organization_id);
CREATE INDEX project_showcases_org ON project_showcases (organization_id);
CREATE INDEX project_showcases_category ON project_showcases (category);
CREATE INDEX project_showcases_is_public ON project_showcases (is_public);
CREATE INDEX project_showcases_created_by ON project_showcases (created_by);

-- workflow_nodes
CREATE TABLE workflow_nodes (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    workflow_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    position_x REAL NOT NULL DEFAULT 0,
    position_y REAL NOT NULL DEFAULT 0,
    config TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (workflow_id, organization_id) REFERENCES workflows(id, organization_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX workflow_nodes_id_org ON workflow_nodes (id, organization_id);
CREATE INDEX workflow_nodes_org ON workflow_nodes (organization_id);
CREATE INDEX workflow_nodes_workflow_id ON workflow_nodes (workflow_id);

-- workflow_edges
CREATE TABLE workflow_edges (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    workflow_id BLOB NOT NULL,
    source_id BLOB NOT NULL,
    source_handle TEXT,
    target_id BLOB NOT NULL,
    target_handle TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (workflow_id, organization_id) REFERENCES workflows(id, organization_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX workflow_edges_id_org ON workflow_edges (id, organization_id);
CREATE INDEX workflow_edges_org ON workflow_edges (organization_id);
CREATE INDEX workflow_edges_workflow_id ON workflow_edges (workflow_id);
CREATE INDEX workflow_edges_source_id ON workflow_edges (source_id);
CREATE INDEX workflow_edges_target_id ON workflow_edges (target_id);

-- blueprint_components
CREATE TABLE blueprint_components (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    blueprint_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    position_x REAL NOT NULL DEFAULT 0,
    position_y REAL NOT NULL DEFAULT 0,
    config TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (blueprint_id, organization_id) REFERENCES tool_blueprints(id, organization_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX blueprint_components_id_org ON blueprint_components (id, organization_id);
CREATE INDEX blueprint_components_org ON blueprint_components (organization_id);
CREATE INDEX blueprint_components_blueprint_id ON blueprint_components (blueprint_id);

-- blueprint_connections
CREATE TABLE blueprint_connections (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    blueprint_id BLOB NOT NULL,
    source_id BLOB NOT NULL,
    source_handle TEXT,
    target_id BLOB NOT NULL,
    target_handle TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (blueprint_id, organization_id) REFERENCES tool_blueprints(id, organization_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX blueprint_connections_id_org ON blueprint_connections (id, organization_id);
CREATE INDEX blueprint_connections_org ON blueprint_connections (organization_id);
CREATE INDEX blueprint_connections_blueprint_id ON blueprint_connections (blueprint_id);
CREATE INDEX blueprint_connections_source_id ON blueprint_connections (source_id);
CREATE INDEX blueprint_connections_target_id ON blueprint_connections (target_id);

-- workflow_executions
CREATE TABLE workflow_executions (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    workflow_id BLOB NOT NULL,
    status TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    duration_ms INTEGER,
    tokens_used INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    input_data TEXT NOT NULL DEFAULT '{}',
    output_data TEXT,
    logs TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    triggered_by BLOB REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (workflow_id, organization_id) REFERENCES workflows(id, organization_id) ON DELETE CASCADE,
    CHECK (tokens_used >= 0),
    CHECK (cost >= 0)
);
CREATE UNIQUE INDEX workflow_executions_id_org ON workflow_executions (id, organization_id);
CREATE INDEX workflow_executions_org ON workflow_executions (organization_id);
CREATE INDEX workflow_executions_workflow_id ON workflow_executions (workflow_id);
CREATE INDEX workflow_executions_status ON workflow_executions (status);
CREATE INDEX workflow_executions_started_at ON workflow_executions (started_at);
CREATE INDEX workflow_executions_triggered_by ON workflow_executions (triggered_by);

-- ai_agents
CREATE TABLE ai_agents (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    personality TEXT NOT NULL DEFAULT '{}',
    model_config TEXT NOT NULL DEFAULT '{}',
    capabilities TEXT NOT NULL DEFAULT '[]',
    memory TEXT NOT NULL DEFAULT '{}',
    success_rate REAL NOT NULL DEFAULT 0,
    avg_response_ms REAL NOT NULL DEFAULT 0,
    total_executions INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'IDLE' CHECK (status IN ('IDLE', 'BUSY', 'OFFLINE', 'ERROR')),
    is_active INTEGER NOT NULL DEFAULT 1,
    created_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    CHECK (success_rate BETWEEN 0 AND 1)
);
CREATE UNIQUE INDEX ai_agents_id_org ON ai_agents (id, organization_id);
CREATE INDEX ai_agents_org ON ai_agents (organization_id);
CREATE INDEX ai_agents_status ON ai_agents (status);
CREATE INDEX ai_agents_is_active ON ai_agents (is_active);
CREATE INDEX ai_agents_created_by ON ai_agents (created_by);

-- agent_executions
CREATE TABLE agent_executions (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    agent_id BLOB NOT NULL,
    workflow_execution_id BLOB,
    task TEXT NOT NULL DEFAULT '',
    input TEXT NOT NULL DEFAULT '{}',
    output TEXT,
    status TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    duration_ms INTEGER,
    tokens_used INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    provider TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (agent_id, organization_id) REFERENCES ai_agents(id, organization_id) ON DELETE CASCADE,
    FOREIGN KEY (workflow_execution_id) REFERENCES workflow_executions(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX agent_executions_id_org ON agent_executions (id, organization_id);
CREATE INDEX agent_executions_org ON agent_executions (organization_id);
CREATE INDEX agent_executions_agent_id ON agent_executions (agent_id);
CREATE INDEX agent_executions_workflow_execution_id ON agent_executions (workflow_execution_id);
CREATE INDEX agent_executions_status ON agent_executions (status);
CREATE INDEX agent_executions_started_at ON agent_executions (started_at);

-- agent_teams
CREATE TABLE agent_teams (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    structure TEXT NOT NULL CHECK (structure IN ('HIERARCHICAL', 'COLLABORATIVE', 'PIPELINE', 'DEMOCRATIC')),
    coordination_config TEXT NOT NULL DEFAULT '{}',
    success_rate REAL NOT NULL DEFAULT 0,
    total_executions INTEGER NOT NULL DEFAULT 0,
    is_active INTEGER NOT NULL DEFAULT 1,
    created_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    CHECK (success_rate BETWEEN 0 AND 1)
);
CREATE UNIQUE INDEX agent_teams_id_org ON agent_teams (id, organization_id);
CREATE INDEX agent_teams_org ON agent_teams (organization_id);
CREATE INDEX agent_teams_structure ON agent_teams (structure);
CREATE INDEX agent_teams_created_by ON agent_teams (created_by);

-- team_members
CREATE TABLE team_members (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    team_id BLOB NOT NULL,
    agent_id BLOB NOT NULL,
    role TEXT NOT NULL DEFAULT 'WORKER' CHECK (role IN ('LEADER', 'WORKER', 'COORDINATOR', 'SPECIALIST')),
    priority INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (team_id, organization_id) REFERENCES agent_teams(id, organization_id) ON DELETE CASCADE,
    FOREIGN KEY (agent_id, organization_id) REFERENCES ai_agents(id, organization_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX team_members_id_org ON team_members (id, organization_id);
CREATE INDEX team_members_org ON team_members (organization_id);
CREATE INDEX team_members_team_id ON team_members (team_id);
CREATE INDEX team_members_agent_id ON team_members (agent_id);
CREATE UNIQUE INDEX team_members_team_id_agent_id_key ON team_members (team_id, agent_id) WHERE deleted_at IS NULL;

-- team_executions
CREATE TABLE team_executions (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    team_id BLOB NOT NULL,
    task TEXT NOT NULL DEFAULT '',
    coordination_pattern TEXT NOT NULL CHECK (coordination_pattern IN ('HIERARCHICAL', 'COLLABORATIVE', 'PIPELINE', 'DEMOCRATIC')),
    input TEXT NOT NULL DEFAULT '{}',
    output TEXT,
    participation TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    duration_ms INTEGER,
    tokens_used INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (team_id, organization_id) REFERENCES agent_teams(id, organization_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX team_executions_id_org ON team_executions (id, organization_id);
CREATE INDEX team_executions_org ON team_executions (organization_id);
CREATE INDEX team_executions_team_id ON team_executions (team_id);
CREATE INDEX team_executions_status ON team_executions (status);
CREATE INDEX team_executions_started_at ON team_executions (started_at);

-- integrations
CREATE TABLE integrations (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    provider TEXT NOT NULL CHECK (provider IN ('SLACK', 'GMAIL', 'WEBHOOK', 'HTTP')),
    config TEXT NOT NULL DEFAULT '{}',
    credential_ref TEXT,
    credential_fingerprint TEXT,
    scopes TEXT NOT NULL DEFAULT '[]',
    credential_expires_at TEXT,
    status TEXT NOT NULL DEFAULT 'DISCONNECTED' CHECK (status IN ('CONNECTED', 'DISCONNECTED', 'ERROR', 'TESTING')),
    last_tested TEXT,
    last_error TEXT,
    created_by BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT,
    hlc TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX integrations_id_org ON integrations (id, organization_id);
CREATE INDEX integrations_org ON integrations (organization_id);
CREATE INDEX integrations_provider ON integrations (provider);
CREATE INDEX integrations_status ON integrations (status);
CREATE INDEX integrations_created_by ON integrations (created_by);

