// Owns the run input of the canvas: the JSON the triggers (or a blueprint's tool input) receive when Run is pressed,
// kept per document for the session, with a starting point built from a blueprint's declared parameters.
import { useCallback, useEffect, useRef, useState } from "react";
import { create } from "zustand";
import type { JsonValue } from "../../ipc";
import { useCloseOnOutsidePress } from "../../shared/hooks";
import { Icon } from "../../shared/icons";
import type { CanvasDocument } from "./document";
import { useCanvasStore } from "./store";

type Inputs = { byDoc: Record<string, { text: string; value: JsonValue }> };
const useRunInputs = create<Inputs>()(() => ({ byDoc: {} }));

/** The input the next run of `docId` gets; undefined when none was set (the engine then gives one empty item). */
export function runInput(docId: string): JsonValue | undefined {
  return useRunInputs.getState().byDoc[docId]?.value;
}

const EXAMPLE: Record<string, JsonValue> = { string: "", number: 0, integer: 0, boolean: false, object: {}, array: [] };

/** A call with every declared parameter of the blueprint's inputs, as a starting point. */
export function exampleCall(nodes: { data: { kind: string; config: JsonValue } }[]): Record<string, JsonValue> {
  const call: Record<string, JsonValue> = {};
  for (const n of nodes) {
    if (n.data.kind !== "blueprint.input") continue;
    const c = n.data.config;
    const params = c && typeof c === "object" && !Array.isArray(c) ? c.parameters : null;
    if (!Array.isArray(params)) continue;
    for (const p of params) {
      if (!p || typeof p !== "object" || Array.isArray(p) || typeof p.name !== "string" || !p.name.trim()) continue;
      call[p.name.trim()] = EXAMPLE[typeof p.type === "string" ? p.type : "string"] ?? "";
    }
  }
  return call;
}

export function RunInputButton({ document }: { document: CanvasDocument }) {
  const [open, setOpen] = useState(false);
  const saved = useRunInputs((s) => s.byDoc[document.id]);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);

  useEffect(() => {
    if (!open) return;
    const start =
      saved?.text ??
      (document.surface === "blueprint" ? JSON.stringify(exampleCall(useCanvasStore.getState().nodes), null, 2) : "{}");
    setText(start);
    setError(null);
    // Opening reads the input once; typing must not be reset by it.
  }, [open]);
  useCloseOnOutsidePress(open, box, close);

  const apply = () => {
    try {
      const value = text.trim() === "" ? {} : (JSON.parse(text) as JsonValue);
      useRunInputs.setState((s) => ({ byDoc: { ...s.byDoc, [document.id]: { text, value } } }));
      setOpen(false);
    } catch (e) {
      setError(`Not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const label = document.surface === "blueprint" ? "Test input" : "Input";
  return (
    <div className="run-input" ref={box}>
      <button
        type="button"
        className={`btn btn-ghost btn-sm${saved ? " is-pressed" : ""}`}
        data-testid="run-input-toggle"
        title={document.surface === "blueprint" ? "The parameters a test run passes to the tool" : "What the trigger emits when you press Run"}
        onClick={() => setOpen((o) => !o)}
      >
        <Icon name="braces" size={14} />
        {label}
      </button>
      {open && (
        <div className="run-input-pop" role="dialog" aria-label={label} data-testid="run-input">
          <label className="config-label" htmlFor="run-input-text">
            {document.surface === "blueprint" ? "Parameters of the test call (JSON)" : "Run input (JSON: an object, or a list for one item each)"}
          </label>
          <textarea
            id="run-input-text"
            className="input config-textarea is-code"
            rows={8}
            value={text}
            spellCheck={false}
            data-testid="run-input-text"
            onChange={(e) => {
              setText(e.target.value);
              setError(null);
            }}
            onKeyDown={(e) => {
              e.stopPropagation();
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) apply();
              if (e.key === "Escape") setOpen(false);
            }}
          />
          {error && <div className="config-error">{error}</div>}
          <div className="run-input-actions">
            <button type="button" className="btn btn-primary btn-sm" data-testid="run-input-apply" onClick={apply}>
              Use for runs
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
