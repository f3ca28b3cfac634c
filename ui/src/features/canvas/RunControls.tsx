// Owns the run controls of the canvas: the Run / Cancel button with the problem count in the header, and the run bar over
// the canvas (live progress, then status, duration, tokens, cost and a link to the stored execution).
import { useEffect, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { formatCost, formatDuration, formatTokens } from "../../shared/format";
import { Icon } from "../../shared/icons";
import { absoluteTime } from "../../shared/time";
import { isLive, useRunState } from "./runState";
import { isMac } from "./shortcuts";
import { useValidation } from "./validation";

const RUN_KEY = isMac ? "⌘↵" : "Ctrl ↵";

export function RunControls({ onRun }: { onRun: () => void }) {
  const phase = useRunState((s) => s.phase);
  const problems = useValidation((s) => s.all.length);
  const estimate = useValidation((s) => s.estimate);
  const live = isLive(phase);
  return (
    <>
      {estimate && estimate.tokens > 0 && (
        <span
          className="chip"
          data-testid="run-estimate"
          title={`A rough figure before the run: prompts at about 4 characters a token, each of ${estimate.nodes.length} model step${estimate.nodes.length === 1 ? "" : "s"} answering its maxTokens (or 1024).`}
        >
          ≈ {formatTokens(estimate.tokens)} tokens{(estimate.cost ?? 0) > 0 ? ` · ${formatCost(estimate.cost)}` : ""}
        </span>
      )}
      {problems > 0 && (
        <span className="chip chip-danger" data-testid="problem-count" title="Problems the engine found; select a node to see its own">
          <Icon name="alert" size={12} />
          {problems} problem{problems === 1 ? "" : "s"}
        </span>
      )}
      <button
        type="button"
        className={`btn btn-sm ${live ? "btn-danger" : "btn-run"}`}
        data-testid={live ? "cancel-run" : "run-workflow"}
        onClick={onRun}
        title={live ? `Cancel the run (${RUN_KEY})` : `Run the workflow — saves first (${RUN_KEY})`}
      >
        <Icon name={live ? "stop" : "play"} size={14} />
        {live ? "Cancel" : "Run"}
        <kbd className="kbd">{RUN_KEY}</kbd>
      </button>
    </>
  );
}

const PHASE_TEXT = {
  idle: "",
  starting: "Starting…",
  running: "Running",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
} as const;

export function RunBar({ onOpenExecution, onBackToEditing }: { onOpenExecution: (id: string) => void; onBackToEditing: () => void }) {
  const run = useRunState(
    useShallow((s) => ({
      phase: s.phase,
      startedAt: s.startedAt,
      startedIso: s.startedIso,
      durationMs: s.durationMs,
      tokens: s.tokens,
      cost: s.cost,
      error: s.error,
      executionId: s.executionId,
      stored: s.stored,
      storeError: s.storeError,
      isPast: s.isPast,
      mode: s.mode,
    })),
  );
  const counts = useRunState(
    useShallow((s) => {
      let done = 0;
      let total = 0;
      for (const v of Object.values(s.nodes)) {
        total++;
        if (v.status !== "queued" && v.status !== "running") done++;
      }
      return { done, total };
    }),
  );
  const live = isLive(run.phase);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(t);
  }, [live]);
  if (run.phase === "idle") return null;
  const elapsed = live ? (run.startedAt ? now - run.startedAt : 0) : run.durationMs;
  const preview = run.mode === "full" ? "" : { single: " · this node", upTo: " · up to a node", from: " · from a node" }[run.mode];
  return (
    <div className={`run-bar is-${run.phase}`} data-testid="run-bar" data-phase={run.phase} role="status" aria-live="polite">
      <Icon name={live ? "spinner" : run.phase === "completed" ? "check" : run.phase === "failed" ? "alert" : "x"} size={14} className={live ? "spin" : undefined} />
      <strong data-testid="run-phase">{PHASE_TEXT[run.phase]}</strong>
      {run.isPast && run.startedIso && <span>run of {absoluteTime(run.startedIso)}</span>}
      {!run.isPast && preview && <span>{preview.slice(3)}</span>}
      {live && counts.total > 0 && (
        <span>
          {counts.done}/{counts.total} nodes
        </span>
      )}
      <span data-testid="run-duration">{formatDuration(elapsed)}</span>
      {run.tokens > 0 && <span>{formatTokens(run.tokens)} tokens</span>}
      {(run.cost > 0 || run.tokens > 0) && <span>{formatCost(run.cost)}</span>}
      {run.error && run.phase === "failed" && (
        <span className="run-bar-error" title={run.error} data-testid="run-error">
          {run.error}
        </span>
      )}
      {run.storeError && <span className="run-bar-error">{run.storeError}</span>}
      {run.stored && run.executionId && (
        <button type="button" className="btn btn-ghost btn-sm" data-testid="open-execution" onClick={() => onOpenExecution(run.executionId!)}>
          Details
        </button>
      )}
      {run.isPast && (
        <button type="button" className="btn btn-ghost btn-sm" data-testid="back-to-editing" onClick={onBackToEditing}>
          Back to editing
        </button>
      )}
    </div>
  );
}
