// Owns the Executions page: the run list (filters, load more, live refresh, keyboard navigation) or one run's detail.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { api, errorMessage, type ExecutionSummary, type WorkflowSummary } from "../../ipc";
import { executionPath, navigate, workflowRunPath } from "../../app/router";
import { useNow } from "../../shared/hooks";
import { Icon } from "../../shared/icons";
import { EmptyState } from "../../shared/ListChrome";
import { absoluteTime, relativeTime } from "../../shared/time";
import { Toaster } from "../../shared/toast";
import { ExecutionDetailPage } from "./ExecutionDetailPage";
import {
  PAGE_SIZE,
  STATUS_FILTERS,
  STATUS_FILTER_LABEL,
  loadFirst,
  loadMore,
  matchesStatus,
  mergeRefresh,
  needsPolling,
  refreshLimit,
  type Loaded,
  type StatusFilter,
} from "./executionPaging";
import { executionLook, firstLine, isLive, plural, shortId } from "./runFormat";
import { exactCost, formatCost, formatDuration, formatElapsed, formatTokens } from "../../shared/format";
import { stopRun } from "./stopRun";
import { rerun } from "./rerun";
import { StatusBadge } from "./StatusBadge";
import "./executions.css";

export const POLL_MS = 1000;

/** What the list remembers while a run's detail is open, so coming back finds it as it was. */
const remembered: { workflowId: string | null; status: StatusFilter; lastOpened: string | null } = {
  workflowId: null,
  status: "all",
  lastOpened: null,
};

export function ExecutionsPage({ executionId }: { executionId: string | null }) {
  return (
    <>
      {executionId ? <ExecutionDetailPage key={executionId} executionId={executionId} /> : <ExecutionList />}
      <Toaster />
    </>
  );
}

type ListState =
  | { status: "loading" }
  | { status: "ready"; loaded: Loaded }
  | { status: "error"; message: string; loaded: Loaded | null };

function ExecutionList() {
  const [workflowId, setWorkflowId] = useState<string | null>(remembered.workflowId);
  const [status, setStatus] = useState<StatusFilter>(remembered.status);
  const [list, setList] = useState<ListState>({ status: "loading" });
  const [loadingMore, setLoadingMore] = useState(false);
  const [workflows, setWorkflows] = useState<WorkflowSummary[] | null>(null);
  const [focusId, setFocusId] = useState<string | null>(remembered.lastOpened);
  const generation = useRef(0);
  const refreshing = useRef(false);
  const loadedRef = useRef<Loaded | null>(null);
  const rowRefs = useRef(new Map<string, HTMLDivElement>());
  const restoreFocus = useRef(remembered.lastOpened !== null);

  const loaded = list.status === "loading" ? null : list.loaded;
  loadedRef.current = loaded;
  const live = list.status === "ready" && needsPolling(list.loaded.rows);
  const now = useNow(live ? POLL_MS : 30_000);

  useEffect(() => {
    remembered.workflowId = workflowId;
    remembered.status = status;
  }, [workflowId, status]);

  useEffect(() => {
    api.workflowList(null).then(setWorkflows, () => setWorkflows([]));
  }, []);

  const fetchPage = useCallback((limit: number, offset: number) => api.executionList(workflowId, limit, offset), [workflowId]);

  const reload = useCallback(async () => {
    const ticket = ++generation.current;
    setList({ status: "loading" });
    try {
      const first = await loadFirst(fetchPage, status);
      if (ticket === generation.current) setList({ status: "ready", loaded: first });
    } catch (e) {
      if (ticket === generation.current) setList({ status: "error", message: errorMessage(e), loaded: null });
    }
  }, [fetchPage, status]);

  useEffect(() => {
    void reload();
    return () => {
      generation.current++; // answers for an older filter, or after unmount, are dropped
    };
  }, [reload]);

  const refresh = useCallback(async () => {
    const current = loadedRef.current;
    if (!current || refreshing.current) return;
    const ticket = generation.current;
    refreshing.current = true;
    try {
      const limit = refreshLimit(current.rows.length);
      const fresh = await fetchPage(limit, 0);
      if (ticket === generation.current) setList({ status: "ready", loaded: mergeRefresh(current, fresh, limit) });
    } catch (e) {
      if (ticket === generation.current) setList({ status: "error", message: errorMessage(e), loaded: current });
    } finally {
      refreshing.current = false;
    }
  }, [fetchPage]);

  // Live runs refresh on their own; polling stops once none is live, on an error, and when the page goes away.
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [live, refresh]);

  const more = async () => {
    const current = loadedRef.current;
    if (!current || loadingMore) return;
    const ticket = generation.current;
    setLoadingMore(true);
    try {
      const next = await loadMore(fetchPage, current, status);
      if (ticket === generation.current) setList({ status: "ready", loaded: next });
    } catch (e) {
      if (ticket === generation.current) setList({ status: "error", message: errorMessage(e), loaded: current });
    } finally {
      setLoadingMore(false);
    }
  };

  const rows = useMemo(() => (loaded ? loaded.rows.filter((r) => matchesStatus(r.status, status)) : []), [loaded, status]);
  const filtered = workflowId !== null || status !== "all";

  // The workflow filter lists every workflow, and the names of deleted ones whose runs are loaded.
  const workflowOptions = useMemo(() => {
    const options = new Map((workflows ?? []).map((w) => [w.id, w.name]));
    for (const r of loaded?.rows ?? []) if (!options.has(r.workflowId)) options.set(r.workflowId, r.workflowName);
    if (workflowId && !options.has(workflowId)) options.set(workflowId, "Selected workflow");
    return [...options].sort((a, b) => a[1].localeCompare(b[1]));
  }, [workflows, loaded, workflowId]);

  // Coming back from a run's detail puts the keyboard focus back on its row.
  useLayoutEffect(() => {
    if (!restoreFocus.current || !focusId) return;
    const el = rowRefs.current.get(focusId);
    if (el) {
      restoreFocus.current = false;
      el.focus({ preventScroll: false });
    }
  }, [rows, focusId]);

  const tabStop = rows.some((r) => r.id === focusId) ? focusId : (rows[0]?.id ?? null);

  const open = (run: ExecutionSummary) => {
    remembered.lastOpened = run.id;
    navigate(executionPath(run.id));
  };

  const onRowKeyDown = (e: KeyboardEvent<HTMLDivElement>, index: number) => {
    if ((e.target as HTMLElement).closest("button, a, select") && e.target !== e.currentTarget) return;
    const moveTo = (i: number) => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (!target) return;
      setFocusId(target.id);
      rowRefs.current.get(target.id)?.focus();
    };
    if (e.key === "ArrowDown") moveTo(index + 1);
    else if (e.key === "ArrowUp") moveTo(index - 1);
    else if (e.key === "Home") moveTo(0);
    else if (e.key === "End") moveTo(rows.length - 1);
    else if (e.key === "Enter" || e.key === " ") open(rows[index]);
    else return;
    e.preventDefault();
  };

  const clearFilters = () => {
    setWorkflowId(null);
    setStatus("all");
  };

  return (
    <div className="page executions-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Executions</h1>
          <p className="page-subtitle">Every workflow run, newest first, with its status, duration, tokens and cost.</p>
        </div>
      </header>

      <div className="toolbar exec-toolbar">
        <label className="exec-filter">
          <span className="exec-filter-label">Workflow</span>
          <select
            className="input exec-select"
            data-testid="executions-filter-workflow"
            value={workflowId ?? ""}
            onChange={(e) => setWorkflowId(e.target.value === "" ? null : e.target.value)}
          >
            <option value="">All workflows</option>
            {workflowOptions.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="exec-filter">
          <span className="exec-filter-label">Status</span>
          <select
            className="input exec-select"
            data-testid="executions-filter-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as StatusFilter)}
          >
            {STATUS_FILTERS.map((f) => (
              <option key={f} value={f}>
                {STATUS_FILTER_LABEL[f]}
              </option>
            ))}
          </select>
        </label>
        {filtered && (
          <button type="button" className="btn btn-ghost btn-sm" data-testid="executions-clear-filters" onClick={clearFilters}>
            <Icon name="x" size={14} />
            Clear filters
          </button>
        )}
        <div className="exec-toolbar-end">
          {live && (
            <span className="exec-live" data-testid="executions-live" title="Runs in progress refresh every second">
              <span className="exec-live-dot" aria-hidden="true" />
              Live
            </span>
          )}
          <button
            type="button"
            className="icon-button"
            data-testid="executions-refresh"
            title="Refresh"
            aria-label="Refresh the list"
            onClick={() => void reload()}
          >
            <Icon name="refresh" size={15} />
          </button>
        </div>
      </div>

      {list.status === "error" && (
        <div className="form-error exec-error" role="alert" data-testid="executions-error">
          <Icon name="alert" size={14} />
          <span className="exec-error-text">Couldn't load runs: {list.message}</span>
          <button type="button" className="btn btn-sm" data-testid="executions-retry" onClick={() => void reload()}>
            Retry
          </button>
        </div>
      )}

      {list.status === "loading" && <div className="list-loading">Loading runs…</div>}

      {loaded && loaded.rows.length === 0 && !filtered && (
        <EmptyState
          icon="history"
          title="No runs yet"
          testId="executions-empty"
          action={
            <button type="button" className="btn btn-primary" onClick={() => navigate("/workflows")}>
              <Icon name="workflow" size={15} />
              Go to workflows
            </button>
          }
        >
          Open a workflow and press Run. Every run shows up here with its per-node results, tokens, cost and duration.
        </EmptyState>
      )}

      {loaded && rows.length === 0 && filtered && !(loaded.hasMore && loadingMore) && (
        <div className="empty empty-compact" data-testid="executions-no-match">
          <h2>No runs match these filters</h2>
          <p>{loaded.hasMore ? "None among the runs looked at so far. Look further back, or change the filters." : "Try another workflow or status."}</p>
          <div className="exec-empty-actions">
            {loaded.hasMore && (
              <button type="button" className="btn" onClick={() => void more()}>
                Look further back
              </button>
            )}
            <button type="button" className="btn" onClick={clearFilters}>
              Clear filters
            </button>
          </div>
        </div>
      )}

      {rows.length > 0 && (
        <div className="table exec-table" role="table" aria-label="Runs" data-testid="executions-table">
          <div className="table-head" role="row">
            <div role="columnheader">Status</div>
            <div role="columnheader">Workflow</div>
            <div role="columnheader">Started</div>
            <div role="columnheader" className="num">
              Duration
            </div>
            <div role="columnheader" className="num exec-col-tokens">
              Tokens
            </div>
            <div role="columnheader" className="num">
              Cost
            </div>
            <div role="columnheader" className="sr-only">
              Actions
            </div>
          </div>
          {rows.map((run, index) => (
            <ExecutionRow
              key={run.id}
              run={run}
              now={now}
              tabbable={run.id === tabStop}
              rowRef={(el) => {
                if (el) rowRefs.current.set(run.id, el);
                else rowRefs.current.delete(run.id);
              }}
              onOpen={() => open(run)}
              onFocus={() => setFocusId(run.id)}
              onKeyDown={(e) => onRowKeyDown(e, index)}
            />
          ))}
        </div>
      )}

      {loaded && rows.length > 0 && (
        <div className="exec-list-foot">
          <span className="muted" data-testid="executions-count">
            {plural(rows.length, "run")}
            {loaded.hasMore ? " shown" : ""}
          </span>
          {loaded.hasMore && (
            <button type="button" className="btn" data-testid="executions-load-more" disabled={loadingMore} onClick={() => void more()}>
              {loadingMore ? "Loading…" : `Load ${PAGE_SIZE} more`}
            </button>
          )}
          <span className="hint exec-keys">↑ ↓ to move · Enter to open</span>
        </div>
      )}
    </div>
  );
}

type RowProps = {
  run: ExecutionSummary;
  now: Date;
  tabbable: boolean;
  rowRef: (el: HTMLDivElement | null) => void;
  onOpen: () => void;
  onFocus: () => void;
  onKeyDown: (e: KeyboardEvent<HTMLDivElement>) => void;
};

function ExecutionRow({ run, now, tabbable, rowRef, onOpen, onFocus, onKeyDown }: RowProps) {
  const look = executionLook(run.status);
  const running = isLive(run.status);
  const error = run.status === "FAILED" || run.status === "CANCELLED" ? firstLine(run.error) : "";
  return (
    <div
      ref={rowRef}
      className={`table-row exec-row tone-${look.tone}`}
      role="row"
      tabIndex={tabbable ? 0 : -1}
      aria-label={`${run.workflowName}, ${look.label}, started ${relativeTime(run.startedAt, now)}`}
      data-testid="execution-row"
      data-id={run.id}
      data-status={run.status}
      data-workflow={run.workflowName}
      data-started={run.startedAt}
      onClick={(e) => {
        if (!(e.target as HTMLElement).closest("button")) onOpen();
      }}
      onFocus={(e) => e.target === e.currentTarget && onFocus()}
      onKeyDown={onKeyDown}
    >
      <div role="cell">
        <StatusBadge look={look} testId="execution-status" />
      </div>
      <div role="cell" className="exec-cell-workflow">
        <span className="exec-workflow-name" data-testid="execution-workflow">
          {run.workflowName}
        </span>
        {error ? (
          <span className={`exec-row-error${run.status === "CANCELLED" ? " is-muted" : ""}`} data-testid="execution-error" title={run.error ?? undefined}>
            {error}
          </span>
        ) : (
          <span className="exec-row-id">Run {shortId(run.id)}</span>
        )}
      </div>
      <div role="cell" className="muted" title={absoluteTime(run.startedAt)} data-testid="execution-started">
        {relativeTime(run.startedAt, now)}
      </div>
      <div role="cell" className="num" data-testid="execution-duration">
        {running ? <span className="exec-elapsed">{formatElapsed(run.startedAt, now)}</span> : formatDuration(run.durationMs)}
      </div>
      <div
        role="cell"
        className={`num exec-col-tokens${run.tokensUsed === 0 ? " muted" : ""}`}
        title={`${run.tokensUsed.toLocaleString("en-US")} tokens`}
        data-testid="execution-tokens"
      >
        {formatTokens(run.tokensUsed)}
      </div>
      <div role="cell" className={`num${!run.cost ? " muted" : ""}`} title={exactCost(run.cost)} data-testid="execution-cost">
        {formatCost(run.cost)}
      </div>
      <div role="cell" className="row-actions">
        {running && (
          <button
            type="button"
            className="icon-button icon-button-danger exec-stop"
            data-testid="execution-stop"
            title="Stop run"
            aria-label={`Stop the run of ${run.workflowName}`}
            tabIndex={-1}
            onClick={() => void stopRun(run)}
          >
            <Icon name="stop" size={15} />
          </button>
        )}
        <button
          type="button"
          className="icon-button exec-rerun"
          data-testid="execution-rerun"
          title="Re-run"
          aria-label={`Run ${run.workflowName} again`}
          tabIndex={-1}
          onClick={() => void rerun(run.workflowId, run.workflowName, null)}
        >
          <Icon name="refresh" size={15} />
        </button>
        <button
          type="button"
          className="icon-button exec-rerun"
          data-testid="execution-rerun-input"
          title="Re-run with this input"
          aria-label={`Run ${run.workflowName} again on the input of this run`}
          tabIndex={-1}
          onClick={() => void rerun(run.workflowId, run.workflowName, run.id)}
        >
          <Icon name="play" size={15} />
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="execution-open-canvas"
          title="Open on canvas"
          aria-label={`Open this run of ${run.workflowName} on the canvas`}
          tabIndex={-1}
          onClick={() => navigate(workflowRunPath(run.workflowId, run.id))}
        >
          <Icon name="workflow" size={15} />
        </button>
      </div>
    </div>
  );
}
