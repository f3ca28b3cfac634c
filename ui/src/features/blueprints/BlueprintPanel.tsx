// Owns the blueprint editor's side panel when no component is selected: the tool's details (name, description,
// category, sharing) and its signature as the canvas now declares it — what agents and workflows will call.
import { useEffect, useState } from "react";
import { api, errorMessage, type AIToolCategory, type BlueprintSummary } from "../../ipc";
import { Icon } from "../../shared/icons";
import { JsonView } from "../../shared/JsonView";
import { toast } from "../../shared/toast";
import { useValidation } from "../canvas/validation";
import { CATEGORIES, describeParameters } from "./BlueprintsPage";

type Props = { id: string };

const NO_FIELDS = { type: "object", properties: {}, required: [] };

export function BlueprintPanel({ id }: Props) {
  // The core computes the signature with each live check of the canvas; until the first, the saved one.
  const live = useValidation((s) => s.signature);
  const [summary, setSummary] = useState<BlueprintSummary | null>(null);
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .blueprintGet(id)
      .then((doc) => {
        if (!live) return;
        setSummary(doc.summary);
        setDescription(doc.summary.description);
      })
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [id]);

  const update = async (patch: Partial<{ description: string; category: AIToolCategory; isPublic: boolean }>) => {
    if (!summary) return;
    try {
      const next = await api.blueprintUpdateMeta(id, {
        name: summary.name,
        description: patch.description ?? summary.description,
        category: patch.category ?? summary.category,
        isPublic: patch.isPublic ?? summary.isPublic,
      });
      setSummary(next);
    } catch (e) {
      toast(`Couldn't update the blueprint: ${errorMessage(e)}`, "error");
    }
  };

  const sig = live ?? (summary ? { inputSchema: summary.inputSchema, outputSchema: summary.outputSchema } : { inputSchema: NO_FIELDS, outputSchema: NO_FIELDS });
  return (
    <aside className="inspector" data-testid="blueprint-panel" aria-label="Blueprint">
      <header className="inspector-head">
        <div className="inspector-icon">
          <Icon name="blueprint" size={16} />
        </div>
        <div className="inspector-title">
          <div className="inspector-label">{summary?.name ?? "Blueprint"}</div>
          <div className="inspector-kind">Tool blueprint · select a component to edit it</div>
        </div>
      </header>
      <div className="inspector-body">
        {error && <div className="config-problems">{error}</div>}
        <section className="inspector-section">
          <h3>Signature</h3>
          <code className="blueprint-signature is-block" data-testid="panel-signature">
            ({describeParameters(sig.inputSchema) || "no parameters"}) → {describeParameters(sig.outputSchema, false) || "any"}
          </code>
          <p className="config-help">Declared by the Tool input and Tool output components; saved with the blueprint.</p>
          <details>
            <summary className="config-help">JSON Schema</summary>
            <JsonView value={{ parameters: sig.inputSchema, result: sig.outputSchema }} testId="panel-schema" />
          </details>
        </section>
        {summary && (
          <section className="inspector-section">
            <h3>Details</h3>
            <div className="config-field">
              <label className="config-label" htmlFor="bp-description">
                Description
              </label>
              <textarea
                id="bp-description"
                className="input config-textarea"
                rows={3}
                value={description}
                placeholder="What the tool does, for the agents that pick it"
                onChange={(e) => setDescription(e.target.value)}
                onBlur={() => description !== summary.description && void update({ description })}
              />
            </div>
            <div className="config-field">
              <label className="config-label" htmlFor="bp-category">
                Category
              </label>
              <select id="bp-category" className="input" value={summary.category} onChange={(e) => void update({ category: e.target.value as AIToolCategory })}>
                {CATEGORIES.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            </div>
            <label className="config-check">
              <input type="checkbox" data-testid="panel-public" checked={summary.isPublic} onChange={(e) => void update({ isPublic: e.target.checked })} />
              <span>Shared: other organizations can find and use it</span>
            </label>
          </section>
        )}
      </div>
    </aside>
  );
}
