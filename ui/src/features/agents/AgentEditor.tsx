// Owns one agent's settings page (#/agents/<id>): personality and behaviour, model and its credential, tools from the organization's blueprints, memory and knowledge notes; Save (Ctrl+S), Duplicate, Delete, and a guard on leaving with unsaved changes.
import { useCallback, useEffect, useId, useMemo, useState, type ReactNode } from "react";
import {
  api,
  errorMessage,
  isIpcError,
  type AgentDoc,
  type AgentSpec,
  type BlueprintSummary,
  type ConversationMemory,
  type IntegrationView,
  type Provider,
  type ResponseFormat,
} from "../../ipc";
import { agentPath, navigate, setNavigationBlocker } from "../../app/router";
import { useConfirm } from "../../shared/ConfirmDialog";
import { Icon } from "../../shared/icons";
import { ErrorBanner, OpenFailure } from "../../shared/ListChrome";
import { Toaster, toast } from "../../shared/toast";
import { useIsViewer } from "../team/teamStatus";
import { FORMAT_LABELS, PROVIDER_LABELS, statusLabel } from "./agentText";
import "./agents.css";

type Load = { status: "loading" } | { status: "ready"; doc: AgentDoc } | { status: "error"; message: string; notFound: boolean };

export function AgentEditor({ id }: { id: string }) {
  const [load, setLoad] = useState<Load>({ status: "loading" });
  const [spec, setSpec] = useState<AgentSpec | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [blueprints, setBlueprints] = useState<BlueprintSummary[]>([]);
  const [credentials, setCredentials] = useState<IntegrationView[]>([]);
  const [dialog, confirm] = useConfirm();
  const readOnly = useIsViewer();

  useEffect(() => {
    let live = true;
    setLoad({ status: "loading" });
    Promise.all([api.agentGet(id), api.blueprintList(null, null).catch(() => []), api.integrationList().catch(() => [])])
      .then(([doc, bps, integrations]) => {
        if (!live) return;
        setLoad({ status: "ready", doc });
        setSpec(doc.spec);
        setBlueprints(bps);
        setCredentials(integrations.filter((i) => i.provider === "HTTP"));
      })
      .catch((e: unknown) => live && setLoad({ status: "error", message: errorMessage(e), notFound: isIpcError(e, "not_found") }));
    return () => {
      live = false;
    };
  }, [id]);

  const saved = load.status === "ready" ? load.doc.spec : null;
  const dirty = useMemo(() => spec !== null && saved !== null && JSON.stringify(spec) !== JSON.stringify(saved), [spec, saved]);

  const save = useCallback(async () => {
    if (!spec || saving || readOnly) return;
    setSaving(true);
    setError(null);
    try {
      const doc = await api.agentUpdate(id, spec);
      setLoad({ status: "ready", doc });
      setSpec(doc.spec);
      toast("Saved", "success");
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }, [id, spec, saving, readOnly]);

  // Ctrl+S saves; leaving with unsaved changes asks first.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [save]);
  useEffect(() => {
    if (!dirty) return;
    setNavigationBlocker(async (to) => {
      const leave = await confirm({
        title: "Leave without saving?",
        message: "This agent has changes that haven't been saved. If you leave now, they will be lost.",
        confirmLabel: "Discard changes",
        cancelLabel: "Keep editing",
        danger: true,
      });
      if (leave) {
        setNavigationBlocker(null);
        navigate(to, { force: true });
      }
    });
    return () => setNavigationBlocker(null);
  }, [dirty, confirm]);

  const duplicate = async () => {
    try {
      const copy = await api.agentDuplicate(id);
      navigate(agentPath(copy.summary.id));
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const remove = async () => {
    if (load.status !== "ready") return;
    const ok = await confirm({
      title: `Delete “${load.doc.summary.name}”?`,
      message: "Workflows whose AI agent nodes use it will stop at those nodes until you pick another agent.",
      confirmLabel: "Delete agent",
      danger: true,
    });
    if (!ok) return;
    try {
      await api.agentDelete(id);
      setNavigationBlocker(null);
      navigate("/agents", { force: true });
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  if (load.status === "loading" || (load.status === "ready" && !spec)) return <div className="page list-loading">Loading agent…</div>;
  if (load.status === "error") {
    return <OpenFailure noun="agent" notFound={load.notFound} message={load.message} backLabel="Back to agents" onBack={() => navigate("/agents")} />;
  }
  const s = spec!;
  const set = (next: Partial<AgentSpec>) => setSpec({ ...s, ...next });
  const summary = load.doc.summary;

  return (
    <div className="page agent-editor" data-testid="agent-editor">
      <header className="agent-editor-head">
        <button type="button" className="btn btn-ghost btn-sm" data-testid="back-to-agents" onClick={() => navigate("/agents")}>
          <Icon name="arrowLeft" size={15} />
          Agents
        </button>
        <input
          className="input agent-title-input"
          aria-label="Agent name"
          data-testid="agent-name"
          value={s.name}
          readOnly={readOnly}
          onChange={(e) => set({ name: e.target.value })}
        />
        <span className={`agent-status status-${summary.status.toLowerCase()}${s.isActive ? "" : " is-paused"}`}>
          {s.isActive ? statusLabel(summary.status) : "Paused"}
        </span>
        <span className="agent-editor-spacer" />
        {readOnly ? (
          <span className="view-only-badge" data-testid="view-only">
            View only
          </span>
        ) : (
          <>
            <label className="check-row">
              <input type="checkbox" checked={s.isActive} onChange={(e) => set({ isActive: e.target.checked })} />
              <span>Active</span>
            </label>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => void duplicate()}>
              <Icon name="copy" size={14} />
              Duplicate
            </button>
            <button type="button" className="btn btn-ghost btn-sm" data-testid="agent-editor-delete" onClick={() => void remove()}>
              <Icon name="trash" size={14} />
              Delete
            </button>
            <button type="button" className="btn btn-primary btn-sm" data-testid="agent-save" disabled={!dirty || saving} onClick={() => void save()}>
              <Icon name="save" size={14} />
              {saving ? "Saving…" : dirty ? "Save" : "Saved"}
            </button>
          </>
        )}
      </header>
      <Toaster />
      {error && <ErrorBanner>{error}</ErrorBanner>}
      <fieldset className="agent-sections" disabled={readOnly}>
        <Section title="Personality and behaviour" hint="What the agent is and how it answers. The instructions are its system prompt.">
          <Field label="Description" wide>
            <input className="input" value={s.description} onChange={(e) => set({ description: e.target.value })} placeholder="What this agent is for" />
          </Field>
          <Field label="Role">
            <input className="input" value={s.personality.role} onChange={(e) => set({ personality: { ...s.personality, role: e.target.value } })} placeholder="Support triage specialist" />
          </Field>
          <Field label="Tone">
            <input className="input" value={s.personality.tone} onChange={(e) => set({ personality: { ...s.personality, tone: e.target.value } })} placeholder="Friendly and brief" />
          </Field>
          <Field label="Instructions" wide>
            <textarea
              className="input agent-instructions"
              data-testid="agent-instructions"
              rows={7}
              value={s.personality.instructions}
              onChange={(e) => set({ personality: { ...s.personality, instructions: e.target.value } })}
              placeholder="You read support emails, decide their urgency and draft a reply…"
            />
          </Field>
          <Field label="Response format">
            <select
              className="input select"
              value={s.personality.responseFormat}
              onChange={(e) => set({ personality: { ...s.personality, responseFormat: e.target.value as ResponseFormat } })}
            >
              {(Object.keys(FORMAT_LABELS) as ResponseFormat[]).map((f) => (
                <option key={f} value={f}>
                  {FORMAT_LABELS[f]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Longest answer (characters)" help="Empty: no limit of its own.">
            <input
              className="input"
              type="number"
              min={1}
              value={s.personality.maxAnswerChars ?? ""}
              onChange={(e) => set({ personality: { ...s.personality, maxAnswerChars: e.target.value === "" ? null : Number(e.target.value) } })}
            />
          </Field>
          <Field label="Topics it refuses" wide help="One per line.">
            <textarea
              className="input"
              rows={3}
              value={s.personality.refuseTopics.join("\n")}
              onChange={(e) => set({ personality: { ...s.personality, refuseTopics: e.target.value.split("\n") } })}
            />
          </Field>
        </Section>

        <Section title="Model" hint="The API key comes from one of your HTTP integrations, kept in the OS keychain, and is sent only to that integration's address.">
          <Field label="Provider">
            <select className="input select" data-testid="agent-provider" value={s.model.provider} onChange={(e) => set({ model: { ...s.model, provider: e.target.value as Provider } })}>
              {(Object.keys(PROVIDER_LABELS) as Provider[]).map((p) => (
                <option key={p} value={p}>
                  {PROVIDER_LABELS[p]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Model">
            <input className="input" data-testid="agent-model" value={s.model.model} onChange={(e) => set({ model: { ...s.model, model: e.target.value } })} placeholder="gpt-4o-mini" />
          </Field>
          <Field label="Temperature" help="0 is focused, 2 is free.">
            <input
              className="input"
              type="number"
              min={0}
              max={2}
              step={0.1}
              value={s.model.temperature ?? 0.7}
              onChange={(e) => set({ model: { ...s.model, temperature: Number(e.target.value) } })}
            />
          </Field>
          <Field label="Max tokens per answer">
            <input
              className="input"
              type="number"
              min={1}
              value={s.model.maxTokens}
              onChange={(e) => set({ model: { ...s.model, maxTokens: Number(e.target.value) } })}
            />
          </Field>
          <Field label="API key from">
            <select
              className="input select"
              data-testid="agent-credential"
              value={s.model.credential ?? ""}
              onChange={(e) => set({ model: { ...s.model, credential: e.target.value === "" ? null : e.target.value } })}
            >
              <option value="">None (a local model)</option>
              {credentials.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Address (optional)" help="Another OpenAI-compatible or Anthropic API, e.g. https://llm.example.com/v1.">
            <input
              className="input"
              value={s.model.baseUrl ?? ""}
              onChange={(e) => set({ model: { ...s.model, baseUrl: e.target.value === "" ? null : e.target.value } })}
              placeholder="The provider's own"
            />
          </Field>
        </Section>

        <Section title="Tools" hint="Blueprints the agent may call; each one's inputs and outputs are the tool's schema.">
          {blueprints.length === 0 ? (
            <div className="team-empty wide">No blueprints yet: build one in the Garage's Blueprints page to give agents a tool.</div>
          ) : (
            <div className="tool-choices wide" role="group" aria-label="Tools">
              {blueprints.map((b) => {
                const on = s.tools.blueprintIds.includes(b.id);
                return (
                  <label key={b.id} className={`tool-choice${on ? " is-on" : ""}`} data-testid="agent-tool">
                    <input
                      type="checkbox"
                      checked={on}
                      onChange={() =>
                        set({ tools: { blueprintIds: on ? s.tools.blueprintIds.filter((x) => x !== b.id) : [...s.tools.blueprintIds, b.id] } })
                      }
                    />
                    <Icon name="blueprint" size={15} />
                    <span className="tool-choice-name">{b.name}</span>
                    <span className="tool-choice-desc">{b.description || b.category.toLowerCase()}</span>
                  </label>
                );
              })}
            </div>
          )}
        </Section>

        <Section title="Memory" hint="What it keeps of a conversation, and notes it can search.">
          <Field label="Conversation">
            <select
              className="input select"
              value={s.memory.conversation.kind}
              onChange={(e) => {
                const kind = e.target.value as ConversationMemory["kind"];
                const conversation: ConversationMemory = kind === "lastTurns" ? { kind, turns: 20 } : { kind };
                set({ memory: { ...s.memory, conversation } });
              }}
            >
              <option value="none">Nothing</option>
              <option value="lastTurns">The last turns</option>
              <option value="summary">A running summary</option>
            </select>
          </Field>
          {s.memory.conversation.kind === "lastTurns" && (
            <Field label="Turns to keep">
              <input
                className="input"
                type="number"
                min={1}
                max={200}
                value={s.memory.conversation.turns}
                onChange={(e) => set({ memory: { ...s.memory, conversation: { kind: "lastTurns", turns: Number(e.target.value) } } })}
              />
            </Field>
          )}
          <div className="wide">
            <div className="form-label">Knowledge notes</div>
            {s.memory.notes.map((note, i) => (
              <div className="note-row" key={i}>
                <textarea
                  className="input"
                  rows={2}
                  aria-label={`Knowledge note ${i + 1}`}
                  value={note}
                  onChange={(e) => set({ memory: { ...s.memory, notes: s.memory.notes.map((n, j) => (j === i ? e.target.value : n)) } })}
                />
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Remove knowledge note ${i + 1}`}
                  onClick={() => set({ memory: { ...s.memory, notes: s.memory.notes.filter((_, j) => j !== i) } })}
                >
                  <Icon name="x" size={14} />
                </button>
              </div>
            ))}
            <button type="button" className="btn btn-sm" data-testid="agent-add-note" onClick={() => set({ memory: { ...s.memory, notes: [...s.memory.notes, ""] } })}>
              <Icon name="plus" size={14} />
              Add a note
            </button>
          </div>
        </Section>
      </fieldset>
      {dialog}
    </div>
  );
}

function Section({ title, hint, children }: { title: string; hint: string; children: ReactNode }) {
  const id = useId();
  return (
    <section className="agent-section" aria-labelledby={id}>
      <h2 id={id} className="agent-section-title">
        {title}
      </h2>
      <p className="agent-section-hint">{hint}</p>
      <div className="form-grid">{children}</div>
    </section>
  );
}

function Field({ label, help, wide, children }: { label: string; help?: string; wide?: boolean; children: ReactNode }) {
  return (
    <label className={`form-field${wide ? " wide" : ""}`}>
      <span className="form-label">{label}</span>
      {children}
      {help && <span className="form-help">{help}</span>}
    </label>
  );
}
