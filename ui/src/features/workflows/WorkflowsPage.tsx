// Owns the Workflows list page: search, create, import a file, inline rename, export, delete with confirmation, open on the canvas.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { api, errorMessage, type WorkflowSummary } from "../../ipc";
import { navigate, workflowPath } from "../../app/router";
import { useConfirm } from "../../shared/ConfirmDialog";
import { useDebouncedValue, useLoadedList, useNow } from "../../shared/hooks";
import { useIsViewer, usePulledRevision } from "../team/teamStatus";
import { plural } from "../../shared/format";
import { Icon } from "../../shared/icons";
import { CreateForm, EmptyState, ErrorBanner, ImportButton, SearchField } from "../../shared/ListChrome";
import { absoluteTime, relativeTime } from "../../shared/time";
import { toast, Toaster } from "../../shared/toast";
import { exportWorkflow } from "../../shared/workflowFile";

const loadWorkflows = (query: string) => api.workflowList(query === "" ? null : query);

export function WorkflowsPage() {
  const [search, setSearch] = useState("");
  const debounced = useDebouncedValue(search.trim(), 200);
  const [list, refresh] = useLoadedList(loadWorkflows);
  const [newName, setNewName] = useState("");
  // Three errors, each shown by what it is about: a refused create marks the name field, a refused file shows by the
  // Import button, a failed delete shows in the banner alone.
  const [createError, setCreateError] = useState<string | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [highlight, setHighlight] = useState<string | null>(null);
  const [dialog, confirm] = useConfirm();
  const nameInput = useRef<HTMLInputElement>(null);
  const now = useNow();

  // Reloads when a sync brings someone else's changes.
  const pulled = usePulledRevision();
  const viewer = useIsViewer();
  useEffect(() => {
    void refresh(debounced);
  }, [debounced, refresh, pulled]);

  const create = async (e?: FormEvent) => {
    e?.preventDefault();
    if (creating) return;
    setCreating(true);
    setCreateError(null);
    setImportError(null);
    setRowError(null);
    try {
      const created = await api.workflowCreate(newName);
      setNewName("");
      // A new workflow is made to be built: its canvas opens (back on the list, it is the highlighted row).
      setHighlight(created.id);
      navigate(workflowPath(created.id));
    } catch (err) {
      setCreateError(errorMessage(err));
      nameInput.current?.focus();
    } finally {
      setCreating(false);
    }
  };

  const remove = async (w: WorkflowSummary) => {
    const ok = await confirm({
      title: `Delete “${w.name}”?`,
      message: "The workflow and its canvas will be removed from this workspace. This can't be undone from here.",
      confirmLabel: "Delete workflow",
      danger: true,
    });
    if (!ok) return;
    setRowError(null);
    try {
      await api.workflowDelete(w.id);
      await refresh(debounced);
    } catch (err) {
      setRowError(`Couldn't delete “${w.name}”: ${errorMessage(err)}`);
    }
  };

  const importFile = async (file: File) => {
    setImportError(null);
    setRowError(null);
    try {
      const report = await api.importWorkflowFile(file);
      setHighlight(report.workflow.id);
      await refresh(debounced);
      const carried = [
        report.agentsAdded ? plural(report.agentsAdded, "agent") : "",
        report.blueprintsAdded ? plural(report.blueprintsAdded, "blueprint") : "",
      ].filter(Boolean);
      const added = carried.length ? `, with ${carried.join(" and ")} added` : "";
      toast(`Imported “${report.workflow.name}” (${report.workflow.nodeCount} nodes, ${report.source}${added})`, "success");
    } catch (err) {
      setImportError(`Couldn't import ${file.name}: ${errorMessage(err)}`);
    }
  };

  const items = list.status === "ready" ? list.items : [];
  const noWorkflowsAtAll = list.status === "ready" && items.length === 0 && debounced === "";

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Workflows</h1>
          <p className="page-subtitle">Chain triggers, AI agents, HTTP calls and integrations into automations.</p>
        </div>
      </header>

      <div className="toolbar">
        <SearchField noun="workflows" testId="workflow-search" value={search} onChange={setSearch} />
        <div className="toolbar-actions" hidden={viewer}>
          <CreateForm
            noun="workflow"
            nameTestId="new-workflow-name"
            submitTestId="create-workflow"
            nameRef={nameInput}
            name={newName}
            onNameChange={(name) => {
              setNewName(name);
              setCreateError(null);
            }}
            invalid={createError !== null}
            busy={creating}
            onSubmit={create}
          />
          <ImportButton
            testId="import-workflow"
            fileTestId="import-file"
            title="Import a NeuroFlow graph file (.neuroflow.json) or React Flow JSON"
            error={importError}
            onFile={importFile}
          />
        </div>
      </div>
      <Toaster />
      {createError && <ErrorBanner>{createError}</ErrorBanner>}
      {rowError && <ErrorBanner>{rowError}</ErrorBanner>}

      {list.status === "error" && <ErrorBanner onRetry={() => void refresh(debounced)}>Couldn't load workflows: {list.message}</ErrorBanner>}

      {list.status === "loading" && <div className="list-loading">Loading workflows…</div>}

      {noWorkflowsAtAll && (
        <EmptyState
          icon="workflow"
          title="No workflows yet"
          testId="workflows-empty"
          action={
            <button type="button" className="btn btn-primary" onClick={() => nameInput.current?.focus()}>
              <Icon name="plus" size={15} />
              Create your first workflow
            </button>
          }
        >
          A workflow starts from a trigger and runs AI agents, HTTP requests and integrations. Name your first one to get going.
        </EmptyState>
      )}

      {list.status === "ready" && items.length === 0 && debounced !== "" && (
        <div className="empty empty-compact">
          <h2>No workflows match “{debounced}”</h2>
          <p>Try another name, or clear the search.</p>
          <button type="button" className="btn" onClick={() => setSearch("")}>
            Clear search
          </button>
        </div>
      )}

      {items.length > 0 && (
        <div className="table workflows-table" role="table" aria-label="Workflows">
          <div className="table-head" role="row">
            <div role="columnheader">Name</div>
            <div role="columnheader" className="num">Nodes</div>
            <div role="columnheader" className="num">Version</div>
            <div role="columnheader">Updated</div>
            <div role="columnheader">Last run</div>
            <div role="columnheader" className="sr-only">Actions</div>
          </div>
          {items.map((w) => (
            <WorkflowRow
              key={w.id}
              workflow={w}
              now={now}
              highlighted={w.id === highlight}
              onRenamed={() => void refresh(debounced)}
              onDelete={() => void remove(w)}
              readOnly={viewer}
            />
          ))}
        </div>
      )}
      {dialog}
    </div>
  );
}

type RowProps = {
  workflow: WorkflowSummary;
  now: Date;
  highlighted: boolean;
  onRenamed: () => void;
  onDelete: () => void;
  /** A viewer's list: no rename or delete. */
  readOnly: boolean;
};

function WorkflowRow({ workflow: w, now, highlighted, onRenamed, onDelete, readOnly }: RowProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = () => navigate(workflowPath(w.id));

  const cancel = () => {
    setDraft(null);
    setError(null);
  };
  const save = async () => {
    if (draft === null || busy) return;
    if (draft === w.name) return cancel();
    setBusy(true);
    try {
      await api.workflowRename(w.id, draft);
      cancel();
      onRenamed();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Enter") {
      e.preventDefault();
      void save();
    } else if (e.key === "Escape") {
      e.preventDefault();
      cancel();
    }
  };

  return (
    <div
      className={`table-row${highlighted ? " is-new" : ""}${draft !== null ? " is-editing" : ""}`}
      role="row"
      data-testid="workflow-row"
      data-name={w.name}
      data-id={w.id}
      onClick={(e) => {
        if (draft === null && !(e.target as HTMLElement).closest("button, input")) open();
      }}
    >
      <div role="cell" className="cell-name">
        <span className="row-icon">
          <Icon name="workflow" size={15} />
        </span>
        {draft === null ? (
          <button type="button" className="link-button" data-testid="workflow-open" onClick={open} title={`Open ${w.name}`}>
            {w.name}
          </button>
        ) : (
          <div className="rename">
            <input
              className={`input input-sm${error ? " is-invalid" : ""}`}
              data-testid="workflow-rename-input"
              aria-label={`New name for ${w.name}`}
              value={draft}
              autoFocus
              disabled={busy}
              onFocus={(e) => e.currentTarget.select()}
              onChange={(e) => {
                setDraft(e.target.value);
                setError(null);
              }}
              onKeyDown={onKeyDown}
              onBlur={() => draft === w.name && cancel()}
            />
            {error ? (
              <div className="field-error" role="alert" data-testid="form-error">
                {error}
              </div>
            ) : (
              <span className="hint">Enter to save · Esc to cancel</span>
            )}
          </div>
        )}
      </div>
      <div role="cell" className="num muted">{w.nodeCount}</div>
      <div role="cell" className="num muted">v{w.version}</div>
      <div role="cell" className="muted" title={absoluteTime(w.updatedAt)}>
        {relativeTime(w.updatedAt, now)}
      </div>
      <div
        role="cell"
        className="muted"
        data-testid="workflow-last-run"
        data-runs={w.runs}
        title={w.lastRunAt ? `${w.runs} ${w.runs === 1 ? "run" : "runs"}, the last finished ${absoluteTime(w.lastRunAt)}` : "Not run yet"}
      >
        {w.lastRunAt ? `${relativeTime(w.lastRunAt, now)} · ${w.runs} ${w.runs === 1 ? "run" : "runs"}` : "—"}
      </div>
      <div role="cell" className="row-actions">
        <button
          type="button"
          className="icon-button"
          hidden={readOnly}
          data-testid="workflow-rename"
          aria-label={`Rename ${w.name}`}
          title="Rename"
          onClick={() => {
            setDraft(w.name);
            setError(null);
          }}
        >
          <Icon name="pencil" size={15} />
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="workflow-export"
          aria-label={`Export ${w.name}`}
          title="Export as a file"
          onClick={() => exportWorkflow(w.id).catch((e: unknown) => toast(`Couldn't export: ${errorMessage(e)}`, "error"))}
        >
          <Icon name="download" size={15} />
        </button>
        <button
          type="button"
          className="icon-button icon-button-danger"
          hidden={readOnly}
          data-testid="workflow-delete"
          aria-label={`Delete ${w.name}`}
          title="Delete"
          onClick={onDelete}
        >
          <Icon name="trash" size={15} />
        </button>
      </div>
    </div>
  );
}
