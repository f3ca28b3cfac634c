// Owns the Agents list page: search, create (opens the new agent's settings), each agent's model, status, tools and figures, duplicate and delete.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, errorMessage, type AgentSummary } from "../../ipc";
import { agentPath, navigate } from "../../app/router";
import { useConfirm } from "../../shared/ConfirmDialog";
import { useDebouncedValue, useLoadedList, useNow } from "../../shared/hooks";
import { Icon } from "../../shared/icons";
import { CreateForm, EmptyState, ErrorBanner, SearchField } from "../../shared/ListChrome";
import { relativeTime, absoluteTime } from "../../shared/time";
import { Toaster, toast } from "../../shared/toast";
import { useIsViewer, usePulledRevision } from "../team/teamStatus";
import { PROVIDER_LABELS, statusLabel } from "./agentText";
import "./agents.css";

const loadAgents = (query: string) => api.agentList(query === "" ? null : query);

export function AgentsPage() {
  const [search, setSearch] = useState("");
  const debounced = useDebouncedValue(search.trim(), 200);
  const [list, refresh] = useLoadedList(loadAgents);
  const [newName, setNewName] = useState("");
  const [createError, setCreateError] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, confirm] = useConfirm();
  const nameInput = useRef<HTMLInputElement>(null);
  const now = useNow();
  const pulled = usePulledRevision();
  const viewer = useIsViewer();

  useEffect(() => {
    void refresh(debounced);
  }, [debounced, refresh, pulled]);

  const create = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    setBusy(true);
    setCreateError(null);
    try {
      const created = await api.agentCreate(await api.agentDefaults(newName));
      setNewName("");
      navigate(agentPath(created.summary.id));
    } catch (err) {
      setCreateError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const duplicate = async (a: AgentSummary) => {
    setRowError(null);
    try {
      const copy = await api.agentDuplicate(a.id);
      await refresh(debounced);
      toast(`Made “${copy.summary.name}”`, "success");
    } catch (err) {
      setRowError(`Couldn't duplicate “${a.name}”: ${errorMessage(err)}`);
    }
  };

  const remove = async (a: AgentSummary) => {
    const ok = await confirm({
      title: `Delete “${a.name}”?`,
      message: "Workflows whose AI agent nodes use it will stop at those nodes until you pick another agent.",
      confirmLabel: "Delete agent",
      danger: true,
    });
    if (!ok) return;
    setRowError(null);
    try {
      await api.agentDelete(a.id);
      await refresh(debounced);
    } catch (err) {
      setRowError(`Couldn't delete “${a.name}”: ${errorMessage(err)}`);
    }
  };

  const items = list.status === "ready" ? list.items : [];
  const none = list.status === "ready" && items.length === 0 && debounced === "";

  return (
    <div className="page agents-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Agents</h1>
          <p className="page-subtitle">AI agents with their own instructions, model, tools and memory, for workflows and teams to call.</p>
        </div>
      </header>
      <div className="toolbar">
        <SearchField noun="agents" testId="agent-search" value={search} onChange={setSearch} />
        <div className="toolbar-actions" hidden={viewer}>
          <CreateForm
            noun="agent"
            nameTestId="new-agent-name"
            submitTestId="create-agent"
            nameRef={nameInput}
            name={newName}
            onNameChange={(name) => {
              setNewName(name);
              setCreateError(null);
            }}
            invalid={createError !== null}
            busy={busy}
            onSubmit={create}
          />
        </div>
      </div>
      <Toaster />
      {createError && <ErrorBanner>{createError}</ErrorBanner>}
      {rowError && <ErrorBanner>{rowError}</ErrorBanner>}
      {list.status === "error" && <ErrorBanner onRetry={() => void refresh(debounced)}>Couldn't load agents: {list.message}</ErrorBanner>}
      {list.status === "loading" && <div className="list-loading">Loading agents…</div>}
      {none && (
        <EmptyState
          icon="agent"
          title="No agents yet"
          testId="agents-empty"
          action={
            viewer ? undefined : (
              <button type="button" className="btn btn-primary" onClick={() => nameInput.current?.focus()}>
                <Icon name="plus" size={15} />
                Create your first agent
              </button>
            )
          }
        >
          An agent is a model with instructions, a tone, tools it may call (your blueprints) and a memory. Workflows run it from an AI agent node.
        </EmptyState>
      )}
      {list.status === "ready" && items.length === 0 && debounced !== "" && (
        <div className="empty empty-compact">
          <h2>No agents match “{debounced}”</h2>
          <button type="button" className="btn" onClick={() => setSearch("")}>
            Clear search
          </button>
        </div>
      )}
      {items.length > 0 && (
        <div className="table agents-table" role="table" aria-label="Agents">
          <div className="table-head" role="row">
            <div role="columnheader">Agent</div>
            <div role="columnheader">Model</div>
            <div role="columnheader">Status</div>
            <div role="columnheader" className="num">Runs</div>
            <div role="columnheader">Updated</div>
            <div role="columnheader" className="sr-only">
              Actions
            </div>
          </div>
          {items.map((a) => (
            <div
              key={a.id}
              className="table-row"
              role="row"
              data-testid="agent-row"
              data-name={a.name}
              onClick={(e) => {
                if (!(e.target as HTMLElement).closest("button")) navigate(agentPath(a.id));
              }}
            >
              <div role="cell" className="cell-name">
                <span className="row-icon">
                  <Icon name="agent" size={15} />
                </span>
                <div className="agent-name-cell">
                  <button type="button" className="link-button" data-testid="agent-open" onClick={() => navigate(agentPath(a.id))}>
                    {a.name}
                  </button>
                  {a.description && <div className="agent-description">{a.description}</div>}
                </div>
              </div>
              <div role="cell" className="muted agent-model" title={`${PROVIDER_LABELS[a.provider]} · ${a.model}`}>
                {a.model}
                <span className="agent-provider">{PROVIDER_LABELS[a.provider]}</span>
              </div>
              <div role="cell">
                <span className={`agent-status status-${a.status.toLowerCase()}${a.isActive ? "" : " is-paused"}`} data-testid="agent-status">
                  {a.isActive ? statusLabel(a.status) : "Paused"}
                </span>
              </div>
              <div role="cell" className="num muted" title={a.totalExecutions ? `${Math.round((a.successRate ?? 0) * 100)} % succeeded, ${Math.round(a.avgResponseMs ?? 0)} ms on average` : "No runs yet"}>
                {a.totalExecutions}
              </div>
              <div role="cell" className="muted" title={absoluteTime(a.updatedAt)}>
                {relativeTime(a.updatedAt, now)}
              </div>
              <div role="cell" className="row-actions">
                <button type="button" className="icon-button" hidden={viewer} data-testid="agent-duplicate" aria-label={`Duplicate ${a.name}`} title="Duplicate" onClick={() => void duplicate(a)}>
                  <Icon name="copy" size={15} />
                </button>
                <button
                  type="button"
                  className="icon-button icon-button-danger"
                  hidden={viewer}
                  data-testid="agent-delete"
                  aria-label={`Delete ${a.name}`}
                  title="Delete"
                  onClick={() => void remove(a)}
                >
                  <Icon name="trash" size={15} />
                </button>
              </div>
            </div>
          ))}
        </div>
      )}
      {dialog}
    </div>
  );
}
