// Owns the inspector beside the canvas: the selected node's settings (a form from its kind's schema, with the engine's
// diagnostics on the fields) and its data from the last run (input, output per port, logs), with the preview actions.
import { useEffect, useState } from "react";
import { api, type BlueprintSummary, type IntegrationView, type JsonValue, type RunMode } from "../../ipc";
import { formatCost, formatDuration, formatTokens } from "../../shared/format";
import { Icon } from "../../shared/icons";
import { JsonView } from "../../shared/JsonView";
import { ConfigForm } from "./ConfigForm";
import { categoryStyle } from "./kindStyle";
import { isLive, useRunState } from "./runState";
import { useCanvasStore } from "./store";
import { useValidation } from "./validation";

export type InspectorTab = "settings" | "data";

type Props = {
  nodeId: string;
  tab: InspectorTab;
  onTab: (tab: InspectorTab) => void;
  onClose: () => void;
  onRun: (mode: RunMode) => void;
};

const PROVIDER_OF: Record<string, IntegrationView["provider"]> = {
  "integration.slack": "SLACK",
  "integration.gmail": "GMAIL",
  "integration.webhook": "WEBHOOK",
  "integration.http": "HTTP",
};

const EMPTY: never[] = [];

export function Inspector({ nodeId, tab, onTab, onClose, onRun }: Props) {
  const node = useCanvasStore((s) => s.nodes.find((n) => n.id === nodeId));
  const kind = useCanvasStore((s) => (node ? s.kinds[node.data.kind] : undefined));
  const updateConfig = useCanvasStore((s) => s.updateConfig);
  const diagnostics = useValidation((s) => s.byNode[nodeId]) ?? EMPTY;
  const run = useRunState((s) => s.nodes[nodeId]);
  const phase = useRunState((s) => s.phase);
  if (!node) return null;
  const style = categoryStyle(kind?.category);
  const config = node.data.config && typeof node.data.config === "object" && !Array.isArray(node.data.config) ? node.data.config : {};
  const pinned = Array.isArray(config.pinned) ? config.pinned : null;
  const mainOutput = run?.output?.main ?? null;
  const running = isLive(phase);

  const setPinned = (items: JsonValue[] | null) => {
    const next = { ...config };
    if (items) next.pinned = items;
    else delete next.pinned;
    updateConfig(nodeId, next);
  };

  return (
    <aside className="inspector" data-testid="inspector" data-kind={node.data.kind} aria-label="Node inspector">
      <header className="inspector-head">
        <div className="inspector-icon" style={{ color: style.color }}>
          <Icon name={style.icon} size={16} />
        </div>
        <div className="inspector-title">
          <div className="inspector-label" title={node.data.label}>
            {node.data.label}
          </div>
          <div className="inspector-kind">{kind?.label ?? node.data.kind}</div>
        </div>
        <button type="button" className="btn btn-ghost btn-icon btn-sm" aria-label="Close inspector" title="Close (Esc)" onClick={onClose}>
          <Icon name="x" size={15} />
        </button>
      </header>
      <div className="inspector-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === "settings"} className="inspector-tab" data-testid="tab-settings" onClick={() => onTab("settings")}>
          Settings
          {diagnostics.length > 0 && <span className="tab-badge is-danger">{diagnostics.length}</span>}
        </button>
        <button type="button" role="tab" aria-selected={tab === "data"} className="inspector-tab" data-testid="tab-data" onClick={() => onTab("data")}>
          Data
          {run && <span className={`tab-dot is-${run.status}`} />}
        </button>
      </div>
      <div className="inspector-body">
        {tab === "settings" ? (
          <>
            {kind?.description && <p className="inspector-description">{kind.description}</p>}
            {kind?.unavailable && (
              <div className="config-problems" role="alert">
                {kind.unavailable}
              </div>
            )}
            {kind ? (
              <ConfigForm
                key={nodeId}
                schema={kind.configSchema}
                required={kind.required}
                config={node.data.config}
                diagnostics={diagnostics}
                onChange={(next, field) => updateConfig(nodeId, next, field)}
                renderSpecial={(key, value, set) =>
                  key === "integrationId" && PROVIDER_OF[node.data.kind] ? (
                    <IntegrationPicker provider={PROVIDER_OF[node.data.kind]} value={typeof value === "string" ? value : ""} set={set} />
                  ) : key === "blueprintId" ? (
                    <BlueprintPicker value={typeof value === "string" ? value : ""} set={set} />
                  ) : null
                }
              />
            ) : (
              <p className="config-empty">This kind is not known to this version of the app.</p>
            )}
          </>
        ) : (
          <div className="inspector-data" data-testid="inspector-data">
            <div className="inspector-actions">
              <button type="button" className="btn btn-sm" disabled={running} data-testid="run-node" onClick={() => onRun({ mode: "single", nodeId, input: null })} title="Run only this node, on the input it got in the last run">
                <Icon name="play" size={13} />
                This node
              </button>
              <button type="button" className="btn btn-sm" disabled={running} data-testid="run-up-to" onClick={() => onRun({ mode: "upTo", nodeId })} title="Run this node and everything before it">
                Up to here
              </button>
              <button type="button" className="btn btn-sm" disabled={running} data-testid="run-from" onClick={() => onRun({ mode: "from", nodeId })} title="Run this node and everything after it, reusing the last run's outputs before it">
                From here
              </button>
            </div>
            {pinned && (
              <div className="inspector-pinned" data-testid="pinned-note">
                <Icon name="pin" size={13} />
                <span>
                  Pinned: this node is not executed; its {pinned.length} sample item{pinned.length === 1 ? "" : "s"} stand in.
                </span>
                <button type="button" className="btn btn-ghost btn-sm" data-testid="unpin" onClick={() => setPinned(null)}>
                  Unpin
                </button>
              </div>
            )}
            {!run ? (
              <p className="config-empty">No run yet. Press Run (Ctrl+Enter) to see what this node receives and produces.</p>
            ) : (
              <>
                <div className={`run-line is-${run.status}`} data-testid="node-run-line">
                  <strong>{run.status}</strong>
                  {run.durationMs !== null && <span>{formatDuration(run.durationMs)}</span>}
                  {run.attempts > 1 && <span>{run.attempts} attempts</span>}
                  {run.tokens > 0 && <span>{formatTokens(run.tokens)} tokens</span>}
                  {run.cost > 0 && <span>{formatCost(run.cost)}</span>}
                </div>
                {run.error && (
                  <div className="config-problems" role="alert" data-testid="node-error">
                    {run.error}
                  </div>
                )}
                {run.reason && run.status === "skipped" && <p className="config-help">Skipped: {run.reason}</p>}
                <Section title="Input" count={run.input?.length}>
                  {run.input ? <JsonView value={run.input} testId="node-input" /> : <p className="config-help">{isLive(phase) ? "Shown when the run is saved." : "Not recorded."}</p>}
                </Section>
                {run.output &&
                  Object.entries(run.output).map(([port, items]) => (
                    <Section key={port} title={port === "main" ? "Output" : `Output · ${port}`} count={items.length}>
                      <JsonView value={items} testId={`node-output-${port}`} />
                    </Section>
                  ))}
                {mainOutput && !pinned && (
                  <button type="button" className="btn btn-ghost btn-sm" data-testid="pin-output" onClick={() => setPinned(mainOutput)} title="Keep this output as sample data: the node is then not executed">
                    <Icon name="pin" size={13} />
                    Pin this output
                  </button>
                )}
                {run.logs.length > 0 && (
                  <Section title="Logs" count={run.logs.length}>
                    <pre className="inspector-logs" data-testid="node-logs">
                      {run.logs.join("\n")}
                    </pre>
                  </Section>
                )}
              </>
            )}
          </div>
        )}
      </div>
    </aside>
  );
}

function Section({ title, count, children }: { title: string; count?: number; children: React.ReactNode }) {
  return (
    <section className="inspector-section">
      <h3>
        {title}
        {count !== undefined && <span className="inspector-count">{count} item{count === 1 ? "" : "s"}</span>}
      </h3>
      {children}
    </section>
  );
}

function IntegrationPicker({ provider, value, set }: { provider: IntegrationView["provider"]; value: string; set: (v: JsonValue | undefined) => void }) {
  const [list, setList] = useState<IntegrationView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .integrationList()
      .then((all) => live && setList(all.filter((i) => i.provider === provider)))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [provider]);
  if (error) return <div className="config-error">Couldn't list integrations: {error}</div>;
  if (!list) return <select className="input" disabled><option>Loading…</option></select>;
  return (
    <select className="input" data-testid="integration-picker" value={value} onChange={(e) => set(e.target.value || undefined)}>
      <option value="">{list.length ? "Choose an integration…" : "No integration of this kind yet — add one on the Integrations page"}</option>
      {list.map((i) => (
        <option key={i.id} value={i.id}>
          {i.name}
        </option>
      ))}
      {value && !list.some((i) => i.id === value) && <option value={value}>(missing integration)</option>}
    </select>
  );
}

function BlueprintPicker({ value, set }: { value: string; set: (v: JsonValue | undefined) => void }) {
  const [list, setList] = useState<BlueprintSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .blueprintList(null, null)
      .then((all) => live && setList(all))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, []);
  if (error) return <div className="config-error">Couldn't list blueprints: {error}</div>;
  if (!list) return <select className="input" disabled><option>Loading…</option></select>;
  return (
    <select className="input" data-testid="blueprint-picker" value={value} onChange={(e) => set(e.target.value || undefined)}>
      <option value="">{list.length ? "Choose a blueprint…" : "No blueprint yet — build one on the Blueprints page"}</option>
      {list.map((b) => (
        <option key={b.id} value={b.id}>
          {b.name}
        </option>
      ))}
      {value && !list.some((b) => b.id === value) && <option value={value}>(missing blueprint)</option>}
    </select>
  );
}
