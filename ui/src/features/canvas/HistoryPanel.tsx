// Owns the version history panel beside the canvas: every saved version with its author and time, comparing any two
// (or one with the canvas) on the canvas, and restoring one as a new version.
import { useEffect } from "react";
import { useShallow } from "zustand/react/shallow";
import type { VersionSummary } from "../../ipc";
import { Icon } from "../../shared/icons";
import { absoluteTime, relativeTime } from "../../shared/time";
import { describeDiff } from "./diff";
import type { CanvasDocument } from "./document";
import { useHistory } from "./history";
import { useCanvasStore } from "./store";

const KIND_TEXT: Record<VersionSummary["kind"], string> = {
  SAVE: "Saved",
  AUTOSAVE: "Autosaved",
  RESTORE: "Restored",
  IMPORT: "Imported",
};

type Props = {
  document: CanvasDocument;
  onRestore: (versionId: string) => void;
  onClose: () => void;
};

export function HistoryPanel({ document, onRestore, onClose }: Props) {
  const h = useHistory(
    useShallow((s) => ({
      versions: s.versions,
      error: s.error,
      base: s.base,
      head: s.head,
      diff: s.diff,
      loadingVersion: s.loadingVersion,
    })),
  );
  const savedVersion = useCanvasStore((s) => s.summary?.version);
  const dirty = useCanvasStore((s) => s.dirty);
  // A save adds a version: the list follows.
  useEffect(() => {
    void useHistory.getState().refresh(document);
  }, [document, savedVersion]);

  const current = () => useCanvasStore.getState().toGraph();
  const compareWith = (v: VersionSummary, against: string | null) => void useHistory.getState().compare(v.id, current(), against);

  return (
    <aside className="inspector history-panel" data-testid="history-panel" aria-label="Version history">
      <header className="inspector-head">
        <div className="inspector-icon">
          <Icon name="history" size={16} />
        </div>
        <div className="inspector-title">
          <div className="inspector-label">Version history</div>
          <div className="inspector-kind">Every save is kept; autosaves every 10 minutes.</div>
        </div>
        <button type="button" className="btn btn-ghost btn-icon btn-sm" aria-label="Close history" title="Close" onClick={onClose}>
          <Icon name="x" size={15} />
        </button>
      </header>
      {h.diff && h.base && (
        <div className="history-compare" data-testid="history-compare">
          <div>
            <strong>
              v{h.base.summary.version} → {h.head ? `v${h.head.summary.version}` : "canvas"}
            </strong>
            <span data-testid="diff-summary">{describeDiff(h.diff)}</span>
          </div>
          <div className="history-legend">
            <span className="legend is-added">added</span>
            <span className="legend is-removed">removed</span>
            <span className="legend is-changed">changed</span>
            <span className="legend is-moved">moved</span>
          </div>
          <div className="history-compare-actions">
            <button type="button" className="btn btn-sm btn-primary" data-testid="restore-version" onClick={() => onRestore(h.base!.summary.id)}>
              Restore v{h.base.summary.version}
            </button>
            <button type="button" className="btn btn-sm" data-testid="stop-comparing" onClick={() => useHistory.getState().stopComparing()}>
              Back to editing
            </button>
          </div>
        </div>
      )}
      <div className="inspector-body">
        {h.error && (
          <div className="config-problems" role="alert">
            {h.error}
          </div>
        )}
        {!h.versions && !h.error && <p className="config-empty">Loading…</p>}
        {h.versions && h.versions.length === 0 && <p className="config-empty">No saved version yet. Save (Ctrl+S) to keep one.</p>}
        {h.versions && h.versions.length > 0 && (
          <ol className="version-list" data-testid="version-list">
            {dirty && (
              <li className="version-row is-current">
                <div className="version-main">
                  <strong>Canvas</strong>
                  <span className="version-meta">unsaved changes</span>
                </div>
              </li>
            )}
            {h.versions.map((v) => {
              const selected = h.base?.summary.id === v.id || h.head?.summary.id === v.id;
              return (
                <li key={v.id} className={`version-row${selected ? " is-selected" : ""}`} data-testid="version-row" data-version={v.version}>
                  <button type="button" className="version-main" onClick={() => compareWith(v, null)} title="Compare with the canvas">
                    <span className="version-title">
                      <strong>v{v.version}</strong>
                      <span className={`version-kind is-${v.kind.toLowerCase()}`}>{v.label || KIND_TEXT[v.kind]}</span>
                    </span>
                    <span className="version-meta" title={absoluteTime(v.createdAt)}>
                      {v.author} · {relativeTime(v.createdAt)} · {v.nodeCount} node{v.nodeCount === 1 ? "" : "s"}
                    </span>
                  </button>
                  {h.base && h.base.summary.id !== v.id && (
                    <button
                      type="button"
                      className="btn btn-ghost btn-sm version-against"
                      data-testid="compare-against"
                      title={`Compare v${h.base.summary.version} with v${v.version}`}
                      onClick={() => compareWith(h.base!.summary, v.id)}
                    >
                      vs v{h.base.summary.version}
                    </button>
                  )}
                  {h.loadingVersion === v.id && <span className="version-meta">…</span>}
                </li>
              );
            })}
          </ol>
        )}
      </div>
    </aside>
  );
}
