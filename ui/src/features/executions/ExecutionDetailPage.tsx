// Owns one run's detail: summary, input and output, the per-node waterfall with each node's items and logs, agent calls.
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { api, errorMessage, isIpcError, type AgentExecution, type ExecutionDetail, type NodeResult } from "../../ipc";
import { navigate, workflowRunPath } from "../../app/router";
import { useNow } from "../../shared/hooks";
import { Icon } from "../../shared/icons";
import { absoluteTime, relativeTime } from "../../shared/time";
import { JsonView } from "../../shared/JsonView";
import { barOf, initialNode, orderNodes, outputPorts, tally, timelineSpan } from "./nodeTimeline";
import { executionLook, firstLine, formatOffset, isLive, nodeLook, plural, shortId } from "./runFormat";
import { exactCost, formatCost, formatDuration, formatElapsed, formatTokens } from "../../shared/format";
import { StatusBadge, StatusGlyphIcon } from "./StatusBadge";
import { stopRun } from "./stopRun";
import { rerun } from "./rerun";

const POLL_MS = 1000;

type DetailState =
  | { status: "loading" }
  | { status: "ready"; detail: ExecutionDetail; refreshError: string | null }
  | { status: "notFound"; message: string }
  | { status: "error"; message: string };

const backToList = () => navigate("/executions");

export function ExecutionDetailPage({ executionId }: { executionId: string }) {
  const [state, setState] = useState<DetailState>({ status: "loading" });
  const alive = useRef(true);

  const load = useCallback(
    async (quiet: boolean) => {
      try {
        const detail = await api.executionGet(executionId);
        if (alive.current) setState({ status: "ready", detail, refreshError: null });
      } catch (e) {
        if (!alive.current) return;
        if (isIpcError(e, "not_found")) setState({ status: "notFound", message: errorMessage(e) });
        else if (quiet) setState((s) => (s.status === "ready" ? { ...s, refreshError: errorMessage(e) } : { status: "error", message: errorMessage(e) }));
        else setState({ status: "error", message: errorMessage(e) });
      }
    },
    [executionId],
  );

  useEffect(() => {
    alive.current = true;
    void load(false);
    return () => {
      alive.current = false;
    };
  }, [load]);

  const live = state.status === "ready" && state.refreshError === null && isLive(state.detail.summary.status);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => void load(true), POLL_MS);
    return () => clearInterval(timer);
  }, [live, load]);

  return (
    <div className="page exec-detail-page">
      <button type="button" className="btn btn-ghost btn-sm exec-back" data-testid="execution-back" onClick={backToList}>
        <Icon name="arrowLeft" size={14} />
        Executions
      </button>
      {state.status === "loading" && <div className="list-loading">Loading the run…</div>}
      {state.status === "notFound" && (
        <div className="empty" data-testid="execution-not-found">
          <div className="empty-icon">
            <Icon name="history" size={22} />
          </div>
          <h2>This run isn't in the history</h2>
          <p>It may have been deleted, or the link points to a run of another workspace.</p>
          <button type="button" className="btn btn-primary" onClick={backToList}>
            <Icon name="arrowLeft" size={15} />
            Back to executions
          </button>
        </div>
      )}
      {state.status === "error" && (
        <div className="form-error exec-error" role="alert" data-testid="execution-error-banner">
          <Icon name="alert" size={14} />
          <span className="exec-error-text">Couldn't load this run: {state.message}</span>
          <button type="button" className="btn btn-sm" data-testid="execution-retry" onClick={() => void load(false)}>
            Retry
          </button>
        </div>
      )}
      {state.status === "ready" && (
        <>
          {state.refreshError && (
            <div className="form-error exec-error" role="alert" data-testid="execution-error-banner">
              <Icon name="alert" size={14} />
              <span className="exec-error-text">Couldn't refresh this run: {state.refreshError}</span>
              <button type="button" className="btn btn-sm" data-testid="execution-retry" onClick={() => void load(true)}>
                Retry
              </button>
            </div>
          )}
          <RunDetail detail={state.detail} />
        </>
      )}
    </div>
  );
}

function RunDetail({ detail }: { detail: ExecutionDetail }) {
  const { summary } = detail;
  const live = isLive(summary.status);
  const now = useNow(live ? POLL_MS : 30_000);
  const look = executionLook(summary.status);
  const ordered = useMemo(() => orderNodes(detail.nodes), [detail.nodes]);
  const counts = tally(detail.nodes);
  const [selectedId, setSelectedId] = useState<string | null>(() => initialNode(ordered)?.nodeId ?? null);
  const selected = ordered.find((n) => n.nodeId === selectedId) ?? null;

  // A live run gains nodes as it goes: show the first one as soon as there is one.
  useEffect(() => {
    if (selectedId === null && ordered.length > 0) setSelectedId(initialNode(ordered)?.nodeId ?? null);
  }, [ordered, selectedId]);

  const nodeSummary = [
    counts.succeeded && `${counts.succeeded} succeeded`,
    counts.pinned && `${counts.pinned} pinned`,
    counts.failed && `${counts.failed} failed`,
    counts.stopped && `${counts.stopped} stopped`,
    counts.skipped && `${counts.skipped} skipped`,
  ]
    .filter(Boolean)
    .join(" · ");

  return (
    <>
      <header className="exec-detail-head">
        <div className="exec-detail-title">
          <div className="page-eyebrow">Run {shortId(summary.id)}</div>
          <h1 className="page-title" data-testid="execution-title">
            {summary.workflowName}
          </h1>
          <div className="exec-detail-sub">
            <StatusBadge look={look} testId="execution-detail-status" />
            <span className="muted" title={absoluteTime(summary.startedAt)}>
              Started {relativeTime(summary.startedAt, now)} · {absoluteTime(summary.startedAt)}
            </span>
          </div>
        </div>
        <div className="exec-detail-actions">
          {live && (
            <button type="button" className="btn" data-testid="execution-stop" onClick={() => void stopRun(summary)}>
              <Icon name="stop" size={14} />
              Stop run
            </button>
          )}
          <button
            type="button"
            className="btn"
            data-testid="execution-rerun"
            title="Run the workflow's saved graph again"
            onClick={() => void rerun(summary.workflowId, summary.workflowName, null)}
          >
            <Icon name="refresh" size={14} />
            Re-run
          </button>
          <button
            type="button"
            className="btn"
            data-testid="execution-rerun-input"
            title="Run the workflow's saved graph again on the input this run had"
            onClick={() => void rerun(summary.workflowId, summary.workflowName, summary.id)}
          >
            <Icon name="play" size={14} />
            Re-run with this input
          </button>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="execution-open-canvas"
            onClick={() => navigate(workflowRunPath(summary.workflowId, summary.id))}
          >
            <Icon name="workflow" size={15} />
            Open on canvas
          </button>
        </div>
      </header>

      <dl className="exec-stats">
        <Stat label="Duration" testId="execution-stat-duration">
          {live ? <span className="exec-elapsed">{formatElapsed(summary.startedAt, now)}</span> : formatDuration(summary.durationMs)}
        </Stat>
        <Stat label="Tokens" testId="execution-stat-tokens" title={`${summary.tokensUsed.toLocaleString("en-US")} tokens`}>
          {formatTokens(summary.tokensUsed)}
        </Stat>
        <Stat label="Cost" testId="execution-stat-cost" title={exactCost(summary.cost)}>
          {formatCost(summary.cost)}
        </Stat>
        <Stat label="Nodes" testId="execution-stat-nodes">
          {detail.nodes.length === 0 ? "—" : plural(detail.nodes.length, "node")}
          {nodeSummary && <span className="exec-stat-note">{nodeSummary}</span>}
        </Stat>
        <Stat label="Finished" testId="execution-stat-finished">
          {summary.finishedAt ? (
            <span title={absoluteTime(summary.finishedAt)}>{relativeTime(summary.finishedAt, now)}</span>
          ) : (
            <span className="muted">{live ? "Still running" : "—"}</span>
          )}
        </Stat>
      </dl>

      {summary.error && (
        <div className={`exec-run-error${summary.status === "CANCELLED" ? " is-muted" : ""}`} role="alert" data-testid="execution-detail-error">
          <Icon name="alert" size={15} />
          <pre>{summary.error}</pre>
        </div>
      )}

      <section className="exec-section" aria-labelledby="exec-nodes-title">
        <div className="exec-section-head">
          <h2 id="exec-nodes-title">Nodes in run order</h2>
          {ordered.length > 0 && <span className="hint">↑ ↓ to move between nodes</span>}
        </div>
        {ordered.length === 0 ? (
          <div className="exec-none" data-testid="execution-no-nodes">
            {live ? "No node has finished yet." : "No node results were stored for this run."}
          </div>
        ) : (
          <NodeTable nodes={ordered} runMs={summary.durationMs} selectedId={selectedId} onSelect={setSelectedId} />
        )}
        {selected && <NodePanel key={selected.nodeId} node={selected} />}
      </section>

      {detail.agentCalls.length > 0 && <AgentCalls calls={detail.agentCalls} />}

      <section className="exec-section" aria-labelledby="exec-io-title">
        <div className="exec-section-head">
          <h2 id="exec-io-title">Run input and output</h2>
        </div>
        <div className="exec-io">
          <div className="exec-io-pane">
            <h3>Input</h3>
            <JsonView value={detail.input} testId="execution-input" empty="No input" />
          </div>
          <div className="exec-io-pane">
            <h3>Output</h3>
            <JsonView
              value={detail.output ?? undefined}
              testId="execution-output"
              empty={live ? "The run has not finished." : summary.status === "COMPLETED" ? "No output" : "No output: the run did not complete."}
            />
          </div>
        </div>
      </section>
    </>
  );
}

function Stat({ label, testId, title, children }: { label: string; testId: string; title?: string; children: ReactNode }) {
  return (
    <div className="exec-stat">
      <dt>{label}</dt>
      <dd data-testid={testId} title={title}>
        {children}
      </dd>
    </div>
  );
}

type NodeTableProps = { nodes: NodeResult[]; runMs: number | null; selectedId: string | null; onSelect: (id: string) => void };

function NodeTable({ nodes, runMs, selectedId, onSelect }: NodeTableProps) {
  const span = timelineSpan(nodes, runMs);
  const refs = useRef(new Map<string, HTMLDivElement>());
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>, index: number) => {
    const to = e.key === "ArrowDown" ? index + 1 : e.key === "ArrowUp" ? index - 1 : e.key === "Home" ? 0 : e.key === "End" ? nodes.length - 1 : null;
    if (to === null) return;
    e.preventDefault();
    const target = nodes[Math.max(0, Math.min(nodes.length - 1, to))];
    onSelect(target.nodeId);
    refs.current.get(target.nodeId)?.focus();
  };
  const tabStop = nodes.some((n) => n.nodeId === selectedId) ? selectedId : nodes[0].nodeId;
  return (
    <div className="table exec-nodes" role="listbox" aria-label="Nodes in run order" data-testid="execution-nodes">
      <div className="table-head" role="presentation">
        <div>#</div>
        <div>Node</div>
        <div>Timeline</div>
        <div className="num">Start</div>
        <div className="num">Duration</div>
        <div className="num" title="Attempts (retries included)">Attempts</div>
        <div className="num" title="Iterations (runs inside a loop)">Iter.</div>
        <div className="num">Tokens</div>
        <div className="num">Cost</div>
      </div>
      {nodes.map((n, i) => {
        const look = nodeLook(n.status, n.handled);
        const bar = barOf(n, span);
        const ran = n.status !== "skipped";
        return (
          <div
            key={n.nodeId}
            ref={(el) => {
              if (el) refs.current.set(n.nodeId, el);
              else refs.current.delete(n.nodeId);
            }}
            role="option"
            aria-selected={n.nodeId === selectedId}
            tabIndex={n.nodeId === tabStop ? 0 : -1}
            className={`table-row exec-node-row tone-${look.tone}${n.nodeId === selectedId ? " is-selected" : ""}`}
            data-testid="execution-node"
            data-node-id={n.nodeId}
            data-label={n.label}
            data-status={n.status}
            onClick={() => onSelect(n.nodeId)}
            onKeyDown={(e) => onKeyDown(e, i)}
          >
            <div className="exec-node-index">{i + 1}</div>
            <div className="exec-node-name">
              <span className={`exec-node-glyph tone-${look.tone}`} title={look.label}>
                <StatusGlyphIcon glyph={look.glyph} size={12} />
                <span className="sr-only">{look.label}</span>
              </span>
              <span className="exec-node-text">
                <span className="exec-node-label">{n.label}</span>
                <span className="exec-node-kind">{n.kind}</span>
              </span>
            </div>
            <div className="exec-track" aria-hidden="true">
              {ran && <span className={`exec-bar tone-${look.tone}`} style={{ left: `${bar.left}%`, width: `${bar.width}%` }} />}
            </div>
            <div className="num muted">{ran ? formatOffset(n.startedMs) : "—"}</div>
            <div className="num">{ran ? formatDuration(n.durationMs) : <span className="muted">skipped</span>}</div>
            <div className={`num${n.attempts > 1 ? " exec-warn" : " muted"}`}>{ran ? n.attempts : "—"}</div>
            <div className={`num${n.iterations > 1 ? "" : " muted"}`}>{ran ? n.iterations : "—"}</div>
            <div className={`num${n.tokens === 0 ? " muted" : ""}`}>{ran ? formatTokens(n.tokens) : "—"}</div>
            <div className={`num${!n.cost ? " muted" : ""}`} title={ran ? exactCost(n.cost) : undefined}>
              {ran ? formatCost(n.cost) : "—"}
            </div>
          </div>
        );
      })}
    </div>
  );
}

type Tab = { id: string; label: string; count: number };

function NodePanel({ node }: { node: NodeResult }) {
  const ports = outputPorts(node);
  const tabs: Tab[] = [
    { id: "input", label: "Input", count: node.input.length },
    ...ports.map((p) => ({ id: `out:${p}`, label: ports.length === 1 && p === "main" ? "Output" : `Output · ${p}`, count: node.output[p].length })),
    { id: "logs", label: "Logs", count: node.logs.length },
  ];
  const firstOutput = ports.find((p) => node.output[p].length > 0);
  const [tab, setTab] = useState(firstOutput ? `out:${firstOutput}` : node.input.length > 0 ? "input" : node.logs.length ? "logs" : "input");
  const look = nodeLook(node.status, node.handled);

  return (
    <div className="exec-node-panel" data-testid="execution-node-panel" data-node-id={node.nodeId}>
      <div className="exec-node-panel-head">
        <div>
          <div className="exec-node-panel-title" data-testid="execution-node-panel-title">
            {node.label}
          </div>
          <div className="exec-node-panel-meta">
            <span className="chip chip-mono">{node.kind}</span>
            <StatusBadge look={look} compact />
            {node.status !== "skipped" && (
              <span className="muted">
                started {formatOffset(node.startedMs)} · took {formatDuration(node.durationMs)}
                {node.attempts > 1 ? ` · ${plural(node.attempts, "attempt")}` : ""}
                {node.iterations > 1 ? ` · ${plural(node.iterations, "iteration")}` : ""}
              </span>
            )}
          </div>
        </div>
      </div>
      {node.reason && <div className="exec-node-reason">{sentence(node.reason)}</div>}
      {node.error && (
        <div className={`exec-run-error${node.handled ? " is-handled" : ""}`} data-testid="execution-node-error">
          <Icon name="alert" size={15} />
          <pre>{node.error}</pre>
        </div>
      )}
      <div className="exec-tabs" role="tablist" aria-label={`${node.label} data`}>
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={`exec-tab${tab === t.id ? " is-active" : ""}`}
            data-testid={`execution-node-tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
            <span className="exec-tab-count">{t.count}</span>
          </button>
        ))}
      </div>
      <div className="exec-tab-body" role="tabpanel">
        {tab === "input" && <JsonView value={node.input} testId="execution-node-input" empty="No items came in." />}
        {tab.startsWith("out:") && (
          <JsonView value={node.output[tab.slice(4)] ?? []} testId="execution-node-output" empty="No items went out of this port." />
        )}
        {tab === "logs" &&
          (node.logs.length === 0 ? (
            <div className="json-view is-empty">No log lines.</div>
          ) : (
            <ol className="exec-logs" data-testid="execution-node-logs">
              {node.logs.map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ol>
          ))}
      </div>
    </div>
  );
}

function AgentCalls({ calls }: { calls: AgentExecution[] }) {
  return (
    <section className="exec-section" aria-labelledby="exec-agents-title">
      <div className="exec-section-head">
        <h2 id="exec-agents-title">Agent calls</h2>
        <span className="hint">{plural(calls.length, "model call")}</span>
      </div>
      <div className="table exec-agents" role="table" aria-label="Agent calls" data-testid="execution-agent-calls">
        <div className="table-head" role="row">
          <div role="columnheader">Status</div>
          <div role="columnheader">Model</div>
          <div role="columnheader">Task</div>
          <div role="columnheader" className="num">Duration</div>
          <div role="columnheader" className="num">Tokens</div>
          <div role="columnheader" className="num">Cost</div>
        </div>
        {calls.map((c) => (
          <div key={c.id} className="table-row" role="row" data-testid="execution-agent-call">
            <div role="cell">
              <StatusBadge look={executionLook(c.status)} compact />
            </div>
            <div role="cell" className="exec-agent-model">
              <span>{c.model}</span>
              <span className="exec-node-kind">{c.provider}</span>
            </div>
            <div role="cell" className="exec-agent-task" title={c.error ?? c.task}>
              {c.error ? <span className="exec-row-error">{firstLine(c.error)}</span> : firstLine(c.task)}
            </div>
            <div role="cell" className="num">{formatDuration(c.durationMs)}</div>
            <div role="cell" className={`num${c.tokensUsed === 0 ? " muted" : ""}`}>{formatTokens(c.tokensUsed)}</div>
            <div role="cell" className={`num${!c.cost ? " muted" : ""}`} title={exactCost(c.cost)}>
              {formatCost(c.cost)}
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}

/** "no items reached it" → "No items reached it." */
function sentence(s: string): string {
  const t = s.trim();
  if (!t) return t;
  const capped = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capped) ? capped : `${capped}.`;
}
