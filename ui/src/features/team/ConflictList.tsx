// Owns the conflict list: what a merge overwrote, whose it was, when, the value that lost next to the one that won, and one click to restore it as a new edit (with Undo) or keep the winner.
import { useCallback, useEffect, useState } from "react";
import { api, errorMessage, type ConflictView, type JsonValue } from "../../ipc";
import { blueprintPath, navigate, workflowPath } from "../../app/router";
import { useNow } from "../../shared/hooks";
import { absoluteTime, relativeTime } from "../../shared/time";

/** A field as a person calls it: `config.url` is the setting "url". */
export function fieldLabel(field: string): string {
  if (field.startsWith("config.")) return `setting “${field.slice("config.".length)}”`;
  if (field === "position") return "position";
  if (field === "deletedAt") return "deletion";
  return field.replace(/([A-Z])/g, " $1").toLowerCase();
}

/** A value in a line: text as itself, a position as (x, y), anything else as short JSON. */
export function valueText(value: JsonValue | null, field: string): string {
  if (value === null) return field.startsWith("config.") ? "(removed)" : "(empty)";
  if (field === "deletedAt") return "deleted";
  if (field === "position" && Array.isArray(value)) return `(${value.map((v) => Math.round(Number(v))).join(", ")})`;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

const WORKFLOW_TABLES = ["workflows", "workflow_nodes", "workflow_edges"];
const BLUEPRINT_TABLES = ["tool_blueprints", "blueprint_components", "blueprint_connections"];

/** `revision` changes when a sync may have brought conflicts (the list reloads). */
export function ConflictList({ revision }: { revision: string }) {
  const [showResolved, setShowResolved] = useState(false);
  const [items, setItems] = useState<ConflictView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Restored here: shown (with Undo) even once the list no longer has them as open.
  const [restored, setRestored] = useState<ReadonlyMap<string, ConflictView>>(new Map());
  const [busy, setBusy] = useState<string | null>(null);
  const now = useNow();

  const load = useCallback(async () => {
    try {
      setItems(await api.conflictList(showResolved));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [showResolved]);

  useEffect(() => {
    void load();
  }, [load, revision]);

  const act = async (c: ConflictView, what: "restore" | "undo" | "dismiss") => {
    setBusy(c.id);
    setError(null);
    try {
      if (what === "dismiss") await api.conflictDismiss(c.id);
      else await api.conflictRestore(c.id, what === "restore" ? "lost" : "won");
      setRestored((s) => {
        const next = new Map(s);
        if (what === "restore") next.set(c.id, { ...c, resolved: true });
        else next.delete(c.id);
        return next;
      });
      await load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  const listed = items ?? [];
  const shown = [...listed.filter((c) => !restored.has(c.id)), ...restored.values()].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <section className="team-card" aria-labelledby="conflicts-title" data-testid="conflicts">
      <div className="team-card-head">
        <h2 id="conflicts-title" className="team-card-title">
          Conflicts
        </h2>
        <label className="check-row">
          <input type="checkbox" checked={showResolved} onChange={(e) => setShowResolved(e.target.checked)} />
          <span>Show resolved</span>
        </label>
      </div>
      <p className="team-card-sub">
        When two people changed the same thing without seeing each other's edit, the later one wins and the other is kept here. Restore puts it back as a
        new edit that syncs to everyone.
      </p>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      {items === null && !error && <div className="list-loading">Loading conflicts…</div>}
      {items !== null && shown.length === 0 && restored.size === 0 && (
        <div className="team-empty" data-testid="conflicts-empty">
          No conflicts. Everyone's edits merged cleanly.
        </div>
      )}
      {shown.length > 0 && (
        <ul className="conflict-list">
          {shown.map((c) => {
            const where = WORKFLOW_TABLES.includes(c.table) ? "workflow" : BLUEPRINT_TABLES.includes(c.table) ? "blueprint" : null;
            const open = () => {
              if (!c.documentId) return;
              navigate(where === "blueprint" ? blueprintPath(c.documentId) : workflowPath(c.documentId));
            };
            return (
              <li key={c.id} className={`conflict${c.resolved ? " is-resolved" : ""}`} data-testid="conflict">
                <div className="conflict-where">
                  {c.documentId && where ? (
                    <button type="button" className="link-button" onClick={open} title={`Open the ${where}`}>
                      {c.documentName ?? `(a deleted ${where})`}
                    </button>
                  ) : (
                    <span>{c.documentName ?? c.table}</span>
                  )}
                  {c.elementLabel && <span className="conflict-element"> › {c.elementLabel}</span>}
                  <span className="conflict-field"> · {fieldLabel(c.field)}</span>
                </div>
                <div className="conflict-values">
                  <div className="conflict-value is-lost">
                    <span className="conflict-value-label">{c.reason === "deleted" ? "Edit lost to a delete" : "Overwritten"}</span>
                    <code data-testid="conflict-lost">{valueText(c.lostValue, c.field)}</code>
                    <span className="conflict-who">{c.lostBy ?? "someone"}</span>
                  </div>
                  <div className="conflict-value is-won">
                    <span className="conflict-value-label">Kept</span>
                    <code data-testid="conflict-won">{valueText(c.wonValue, c.field)}</code>
                    <span className="conflict-who">{c.wonBy ?? "someone"}</span>
                  </div>
                </div>
                <div className="conflict-foot">
                  <span className="conflict-when" title={absoluteTime(c.at)}>
                    {relativeTime(c.at, now)}
                  </span>
                  <span className="conflict-actions">
                    {restored.has(c.id) ? (
                      <>
                        <span className="conflict-done">Restored</span>
                        <button type="button" className="btn btn-sm" data-testid="conflict-undo" disabled={busy === c.id} onClick={() => void act(c, "undo")}>
                          Undo
                        </button>
                      </>
                    ) : c.resolved ? (
                      <span className="conflict-done">Resolved</span>
                    ) : (
                      <>
                        <button type="button" className="btn btn-sm" disabled={busy === c.id} onClick={() => void act(c, "dismiss")}>
                          Keep “{valueText(c.wonValue, c.field)}”
                        </button>
                        <button type="button" className="btn btn-sm btn-primary" data-testid="conflict-restore" disabled={busy === c.id} onClick={() => void act(c, "restore")}>
                          Restore
                        </button>
                      </>
                    )}
                  </span>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
