// Owns the Blueprints page: the organization's tool blueprints with their category, sharing and tool signature; search,
// filter by category, create, import a file, share or unshare, export, delete with confirmation, open in the editor.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, errorMessage, type AIToolCategory, type BlueprintSummary, type JsonValue } from "../../ipc";
import { blueprintPath, navigate } from "../../app/router";
import { useConfirm } from "../../shared/ConfirmDialog";
import { useDebouncedValue, useLoadedList, useNow } from "../../shared/hooks";
import { useIsViewer, usePulledRevision } from "../team/teamStatus";
import { plural } from "../../shared/format";
import { Icon } from "../../shared/icons";
import { CreateForm, EmptyState, ErrorBanner, ImportButton, SearchField } from "../../shared/ListChrome";
import { absoluteTime, relativeTime } from "../../shared/time";
import { toast, Toaster } from "../../shared/toast";
import { exportBlueprint } from "../../shared/workflowFile";
import "./blueprints.css";

export const CATEGORIES: { value: AIToolCategory; label: string }[] = [
  { value: "AUTOMATION", label: "Automation" },
  { value: "ANALYTICS", label: "Analytics" },
  { value: "INTEGRATION", label: "Integration" },
  { value: "UI", label: "UI" },
  { value: "API", label: "API" },
  { value: "WORKFLOW", label: "Workflow" },
];
const labelOf = (c: AIToolCategory) => CATEGORIES.find((x) => x.value === c)?.label ?? c;

/** "url: string, words?: integer" — the tool's parameters as a call reads them (`marks`: ? on optional ones). */
export function describeParameters(schema: JsonValue, marks = true): string {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return "";
  const props = schema.properties;
  if (!props || typeof props !== "object" || Array.isArray(props)) return "";
  const required = Array.isArray(schema.required) ? schema.required : [];
  return Object.entries(props)
    .map(([name, p]) => {
      const ty = p && typeof p === "object" && !Array.isArray(p) && typeof p.type === "string" ? p.type : "any";
      return `${name}${!marks || required.includes(name) ? "" : "?"}: ${ty}`;
    })
    .join(", ");
}

const loadBlueprints = (query: string, category: AIToolCategory | null) => api.blueprintList(query === "" ? null : query, category);

export function BlueprintsPage() {
  const [search, setSearch] = useState("");
  const debounced = useDebouncedValue(search.trim(), 200);
  const [category, setCategory] = useState<AIToolCategory | null>(null);
  const [list, refresh] = useLoadedList(loadBlueprints);
  const [newName, setNewName] = useState("");
  const [newCategory, setNewCategory] = useState<AIToolCategory>("AUTOMATION");
  // Three errors, each shown by what it is about: a refused create marks the name field, a refused file shows by the
  // Import button, a card's failed share or delete shows in the banner alone.
  const [createError, setCreateError] = useState<string | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const [cardError, setCardError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, confirm] = useConfirm();
  const nameInput = useRef<HTMLInputElement>(null);
  const now = useNow();

  // Reloads when a sync brings someone else's changes.
  const pulled = usePulledRevision();
  const viewer = useIsViewer();
  useEffect(() => {
    void refresh(debounced, category);
  }, [debounced, category, refresh, pulled]);

  const create = async (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    setBusy(true);
    setCreateError(null);
    setImportError(null);
    setCardError(null);
    try {
      const doc = await api.blueprintCreate({ name: newName, category: newCategory, description: "", isPublic: false });
      setNewName("");
      navigate(blueprintPath(doc.summary.id));
    } catch (err) {
      setCreateError(errorMessage(err));
      nameInput.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  const importFile = async (file: File) => {
    setImportError(null);
    setCardError(null);
    try {
      const { blueprint: b, blueprintsAdded } = await api.importBlueprintFile(file);
      await refresh(debounced, category);
      const added = blueprintsAdded ? `, with ${plural(blueprintsAdded, "blueprint")} it calls added` : "";
      toast(`Imported “${b.name}” (${b.nodeCount} components${added})`, "success");
    } catch (err) {
      setImportError(`Couldn't import ${file.name}: ${errorMessage(err)}`);
    }
  };

  const share = async (b: BlueprintSummary) => {
    setCardError(null);
    try {
      await api.blueprintUpdateMeta(b.id, { name: b.name, description: b.description, category: b.category, isPublic: !b.isPublic });
      toast(b.isPublic ? `“${b.name}” is private again` : `“${b.name}” is shared: other organizations can find and use it`, "success");
      await refresh(debounced, category);
    } catch (err) {
      setCardError(`Couldn't change sharing of “${b.name}”: ${errorMessage(err)}`);
    }
  };

  const remove = async (b: BlueprintSummary) => {
    const ok = await confirm({
      title: `Delete “${b.name}”?`,
      message: "Workflows and agents that call this tool will fail until they use another one.",
      confirmLabel: "Delete blueprint",
      danger: true,
    });
    if (!ok) return;
    setCardError(null);
    try {
      await api.blueprintDelete(b.id);
      await refresh(debounced, category);
    } catch (err) {
      setCardError(`Couldn't delete “${b.name}”: ${errorMessage(err)}`);
    }
  };

  const items = list.status === "ready" ? list.items : [];
  const empty = list.status === "ready" && items.length === 0 && debounced === "" && category === null;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Blueprints</h1>
          <p className="page-subtitle">Build tools on the canvas: their inputs and outputs become the signature agents call.</p>
        </div>
      </header>
      <Toaster />

      <div className="toolbar">
        <SearchField noun="blueprints" testId="blueprint-search" value={search} onChange={setSearch} />
        <div className="toolbar-actions" hidden={viewer}>
          <CreateForm
            noun="blueprint"
            nameTestId="new-blueprint-name"
            submitTestId="create-blueprint"
            nameRef={nameInput}
            name={newName}
            onNameChange={(name) => {
              setNewName(name);
              setCreateError(null);
            }}
            invalid={createError !== null}
            busy={busy}
            onSubmit={create}
          >
            <select className="input blueprint-category-select" aria-label="Category" data-testid="new-blueprint-category" value={newCategory} onChange={(e) => setNewCategory(e.target.value as AIToolCategory)}>
              {CATEGORIES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </CreateForm>
          <ImportButton
            testId="import-blueprint"
            fileTestId="import-blueprint-file"
            title="Import a blueprint's graph file (.neuroflow.json) or React Flow JSON"
            error={importError}
            onFile={importFile}
          />
        </div>
      </div>
      <div className="category-filter" role="group" aria-label="Filter by category">
        <button type="button" className={`chip chip-button${category === null ? " is-on" : ""}`} data-testid="category-all" onClick={() => setCategory(null)}>
          All
        </button>
        {CATEGORIES.map((c) => (
          <button
            key={c.value}
            type="button"
            className={`chip chip-button${category === c.value ? " is-on" : ""}`}
            data-testid={`category-${c.value}`}
            aria-pressed={category === c.value}
            onClick={() => setCategory(category === c.value ? null : c.value)}
          >
            {c.label}
          </button>
        ))}
      </div>
      {createError && <ErrorBanner>{createError}</ErrorBanner>}
      {cardError && <ErrorBanner>{cardError}</ErrorBanner>}
      {list.status === "error" && <ErrorBanner onRetry={() => void refresh(debounced, category)}>Couldn't load blueprints: {list.message}</ErrorBanner>}
      {list.status === "loading" && <div className="list-loading">Loading blueprints…</div>}
      {empty && (
        <EmptyState icon="blueprint" title="No blueprints yet" testId="blueprints-empty">
          A blueprint is a tool built on the canvas: a tool input, the steps, a tool output. Name one above to start.
        </EmptyState>
      )}
      {list.status === "ready" && items.length === 0 && !empty && <p className="muted">No blueprint matches.</p>}
      {items.length > 0 && (
        <div className="blueprint-grid" data-testid="blueprint-list">
          {items.map((b) => (
            <article key={b.id} className="blueprint-card" data-testid="blueprint-row" data-name={b.name}>
              <button type="button" className="blueprint-open" data-testid="blueprint-open" onClick={() => navigate(blueprintPath(b.id))} title={`Open ${b.name}`}>
                <div className="blueprint-card-head">
                  <Icon name="blueprint" size={16} />
                  <strong>{b.name}</strong>
                  <span className="chip">{labelOf(b.category)}</span>
                  {b.isPublic && <span className="chip chip-accent" data-testid="blueprint-public">Shared</span>}
                </div>
                {b.description && <p className="blueprint-description">{b.description}</p>}
                <code className="blueprint-signature" data-testid="blueprint-signature" title="The tool's parameters">
                  ({describeParameters(b.inputSchema) || "no parameters"}) → {describeParameters(b.outputSchema, false) || "any"}
                </code>
                <div className="blueprint-meta" title={absoluteTime(b.updatedAt)}>
                  v{b.version} · {b.nodeCount} component{b.nodeCount === 1 ? "" : "s"} · edited {relativeTime(b.updatedAt, now)}
                </div>
              </button>
              <div className="blueprint-actions">
                <button type="button" className="btn btn-ghost btn-sm" data-testid="blueprint-share" onClick={() => void share(b)} title={b.isPublic ? "Make private" : "Share with other organizations"}>
                  {b.isPublic ? "Unshare" : "Share"}
                </button>
                <button
                  type="button"
                  className="icon-button"
                  data-testid="blueprint-export"
                  aria-label={`Export ${b.name}`}
                  title="Export as a file"
                  onClick={() => exportBlueprint(b.id).catch((e: unknown) => toast(`Couldn't export: ${errorMessage(e)}`, "error"))}
                >
                  <Icon name="download" size={15} />
                </button>
                <button type="button" className="icon-button icon-button-danger" data-testid="blueprint-delete" aria-label={`Delete ${b.name}`} title="Delete" onClick={() => void remove(b)}>
                  <Icon name="trash" size={15} />
                </button>
              </div>
            </article>
          ))}
        </div>
      )}
      {dialog}
    </div>
  );
}
