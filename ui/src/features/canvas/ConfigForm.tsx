// Owns the node settings form generated from a kind's config JSON Schema (from the Rust engine): one field per property,
// typed inputs, key/value rows for maps, JSON for the rest, and the engine's diagnostics shown on their field.
import { useEffect, useId, useRef, useState } from "react";
import type { Diagnostic, JsonValue } from "../../ipc";
import { fieldOf } from "./validation";

type Schema = { [key: string]: JsonValue };
type Props = {
  schema: JsonValue;
  required: string[];
  config: JsonValue;
  diagnostics: Diagnostic[];
  /** `field` names the edit's burst: typing in one field is one undo step. */
  onChange: (config: { [key: string]: JsonValue }, field: string) => void;
  /** Renders a field itself (pickers for ids), or null to use the generic one. */
  renderSpecial?: (key: string, value: JsonValue | undefined, set: (v: JsonValue | undefined) => void) => React.ReactNode | null;
};

/** Keys every kind has: shown under "Retries and timeout"; `pinned` lives in the Data tab. */
export const COMMON_KEYS = ["retries", "retryDelayMs", "timeoutMs"];
const HIDDEN_KEYS = new Set(["pinned"]);
/** Text that is usually long: a textarea. */
const LONG_TEXT = /prompt|system|expression|body|text|message|template/i;

const asObject = (v: JsonValue | undefined): { [key: string]: JsonValue } =>
  v && typeof v === "object" && !Array.isArray(v) ? v : {};

export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_.]/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase().replace(/\burl\b/, "URL").replace(/\bid\b/, "ID").replace(/\bms\b/, "(ms)");
}

/** The properties in form order: required first, then the kind's own, then the common ones. */
export function formFields(schema: JsonValue, required: string[]): { own: string[]; common: string[] } {
  const props = Object.keys(asObject(asObject(schema).properties)).filter((k) => !HIDDEN_KEYS.has(k));
  const own = props.filter((k) => !COMMON_KEYS.includes(k));
  own.sort((a, b) => Number(required.includes(b)) - Number(required.includes(a)));
  return { own, common: props.filter((k) => COMMON_KEYS.includes(k)) };
}

export function ConfigForm({ schema, required, config, diagnostics, onChange, renderSpecial }: Props) {
  const props = asObject(asObject(schema).properties);
  const { own, common } = formFields(schema, required);
  const current = asObject(config);
  const byField = new Map<string, string[]>();
  const general: string[] = [];
  for (const d of diagnostics) {
    const f = fieldOf(d);
    if (f && f in props) byField.set(f, [...(byField.get(f) ?? []), d.message]);
    else general.push(d.message);
  }
  const setKey = (key: string) => (v: JsonValue | undefined) => {
    const next = { ...current };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(next, key);
  };
  const field = (key: string) => (
    <Field
      key={key}
      name={key}
      schema={asObject(props[key])}
      required={required.includes(key)}
      value={current[key]}
      errors={byField.get(key) ?? []}
      set={setKey(key)}
      special={renderSpecial?.(key, current[key], setKey(key)) ?? null}
    />
  );
  return (
    <div className="config-form" data-testid="config-form">
      {general.length > 0 && (
        // The alert wraps the list: a role on the <ul> itself would take away its list semantics.
        <div role="alert" data-testid="config-problems">
          <ul className="config-problems">
            {general.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      {own.length === 0 && <p className="config-empty">This node has no settings.</p>}
      {own.map(field)}
      {common.length > 0 && (
        <details className="config-advanced">
          <summary>Retries and timeout</summary>
          {common.map(field)}
        </details>
      )}
    </div>
  );
}

type FieldProps = {
  name: string;
  schema: Schema;
  required: boolean;
  value: JsonValue | undefined;
  errors: string[];
  set: (v: JsonValue | undefined) => void;
  special: React.ReactNode | null;
};

function Field({ name, schema, required, value, errors, set, special }: FieldProps) {
  const id = useId();
  const type = typeof schema.type === "string" ? schema.type : null;
  const description = typeof schema.description === "string" ? schema.description : null;
  const options = Array.isArray(schema.enum) ? schema.enum.filter((o): o is string => typeof o === "string") : null;
  let control: React.ReactNode;
  if (special) control = special;
  else if (options) {
    control = (
      <select id={id} className="input" value={typeof value === "string" ? value : ""} onChange={(e) => set(e.target.value || undefined)}>
        {!required && <option value="">Default</option>}
        {required && typeof value !== "string" && <option value="">Choose…</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (type === "boolean") {
    control = (
      <label className="config-check">
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(e.target.checked ? true : undefined)} />
        <span>{description ?? humanize(name)}</span>
      </label>
    );
  } else if (type === "integer" || type === "number") {
    control = <NumberInput id={id} value={typeof value === "number" ? value : undefined} integer={type === "integer"} schema={schema} set={set} />;
  } else if (type === "string") {
    const text = typeof value === "string" ? value : value === undefined || value === null ? "" : JSON.stringify(value);
    control = LONG_TEXT.test(name) ? (
      <textarea id={id} className="input config-textarea" rows={4} value={text} spellCheck={false} onChange={(e) => set(e.target.value === "" ? undefined : e.target.value)} />
    ) : (
      <input id={id} className="input" value={text} spellCheck={false} onChange={(e) => set(e.target.value === "" ? undefined : e.target.value)} />
    );
  } else if (type === "object" && !schema.properties) {
    control = <KeyValueEditor value={value} set={set} />;
  } else if (type === "array" && isFieldList(schema)) {
    control = <FieldListEditor value={value} set={set} withRequired={fieldListHasRequired(schema)} />;
  } else {
    control = <JsonInput id={id} value={value} set={set} />;
  }
  return (
    <div className={`config-field${errors.length ? " has-error" : ""}`} data-testid="config-field" data-field={name}>
      {type !== "boolean" && (
        <label className="config-label" htmlFor={id}>
          {humanize(name)}
          {required && <span className="config-required" title="Required"> *</span>}
        </label>
      )}
      {control}
      {description && type !== "boolean" && <div className="config-help">{description}</div>}
      {errors.map((m, i) => (
        <div key={i} className="config-error" data-testid="config-error">
          {m}
        </div>
      ))}
    </div>
  );
}

function NumberInput({ id, value, integer, schema, set }: { id: string; value: number | undefined; integer: boolean; schema: Schema; set: (v: JsonValue | undefined) => void }) {
  const [text, setText] = useState(value === undefined ? "" : String(value));
  // What this input last wrote: a value coming back from it must not rewrite the text being typed ("1." stays).
  const sent = useRef<number | undefined>(value);
  useEffect(() => {
    if (value !== sent.current) setText(value === undefined ? "" : String(value));
    sent.current = value;
  }, [value]);
  const min = typeof schema.minimum === "number" ? schema.minimum : undefined;
  const max = typeof schema.maximum === "number" ? schema.maximum : undefined;
  return (
    <input
      id={id}
      className="input"
      type="number"
      inputMode={integer ? "numeric" : "decimal"}
      min={min}
      max={max}
      step={integer ? 1 : "any"}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        if (e.target.value.trim() === "") {
          sent.current = undefined;
          return set(undefined);
        }
        const n = Number(e.target.value);
        if (!Number.isFinite(n)) return;
        sent.current = integer ? Math.trunc(n) : n;
        set(sent.current);
      }}
    />
  );
}

/** Text typed as a value: JSON when it reads as JSON (numbers, true, objects…), else the text itself. */
export function parseLoose(text: string): JsonValue {
  const t = text.trim();
  if (t === "") return "";
  if (/^(-?\d|true$|false$|null$|[[{"])/.test(t)) {
    try {
      return JSON.parse(t) as JsonValue;
    } catch {
      return text;
    }
  }
  return text;
}

const showLoose = (v: JsonValue) => (typeof v === "string" ? v : JSON.stringify(v));

function KeyValueEditor({ value, set }: { value: JsonValue | undefined; set: (v: JsonValue | undefined) => void }) {
  const entries = Object.entries(asObject(value));
  // Rows are edited locally so a half-typed key doesn't collide with another; every change is written through.
  const [rows, setRows] = useState<[string, string][]>(() => entries.map(([k, v]) => [k, showLoose(v)]));
  const external = JSON.stringify(value ?? null);
  useEffect(() => {
    const mine = JSON.stringify(Object.fromEntries(rows.filter(([k]) => k.trim()).map(([k, v]) => [k.trim(), parseLoose(v)])));
    if (mine !== external && !(external === "null" && mine === "{}")) setRows(Object.entries(asObject(value)).map(([k, v]) => [k, showLoose(v)]));
    // Only an outside change (undo, another node) resets the rows.
  }, [external]);
  const write = (next: [string, string][]) => {
    setRows(next);
    const obj = Object.fromEntries(next.filter(([k]) => k.trim()).map(([k, v]) => [k.trim(), parseLoose(v)]));
    set(Object.keys(obj).length ? obj : undefined);
  };
  return (
    <div className="kv-editor" data-testid="kv-editor">
      {rows.map(([k, v], i) => (
        <div className="kv-row" key={i}>
          <input className="input" aria-label="Name" placeholder="name" value={k} spellCheck={false} onChange={(e) => write(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))} />
          <input className="input" aria-label="Value" placeholder="value or {{ item.field }}" value={v} spellCheck={false} onChange={(e) => write(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))} />
          <button type="button" className="btn btn-ghost btn-icon btn-sm" aria-label="Remove" title="Remove" onClick={() => write(rows.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-ghost btn-sm kv-add" data-testid="kv-add" onClick={() => setRows([...rows, ["", ""]])}>
        + Add
      </button>
    </div>
  );
}

function JsonInput({ id, value, set }: { id: string; value: JsonValue | undefined; set: (v: JsonValue | undefined) => void }) {
  const shown = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | null>(null);
  // The value this input last wrote: when it comes back, the text as typed stays (no reformatting under the cursor).
  const sent = useRef(shown);
  useEffect(() => {
    if (shown !== sent.current) {
      setText(shown);
      setError(null);
    }
    sent.current = shown;
  }, [shown]);
  return (
    <>
      <textarea
        id={id}
        className="input config-textarea is-code"
        rows={5}
        value={text}
        spellCheck={false}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === "") {
            setError(null);
            sent.current = "";
            return set(undefined);
          }
          try {
            const parsed = JSON.parse(e.target.value) as JsonValue;
            setError(null);
            sent.current = JSON.stringify(parsed, null, 2);
            set(parsed);
          } catch (err) {
            setError(`Not JSON yet: ${err instanceof Error ? err.message : String(err)}`);
          }
        }}
      />
      {error && <div className="config-error is-local">{error}</div>}
    </>
  );
}

/** An array whose items are `{name, type, …}` objects: a tool's parameters or result fields. */
function isFieldList(schema: Schema): boolean {
  const items = asObject(schema.items);
  const props = asObject(items.properties);
  return "name" in props && "type" in props;
}

function fieldListHasRequired(schema: Schema): boolean {
  return "required" in asObject(asObject(schema.items).properties);
}

const FIELD_TYPES = ["string", "number", "integer", "boolean", "object", "array"];
type FieldRow = { name: string; type: string; description: string; required: boolean };

function FieldListEditor({ value, set, withRequired }: { value: JsonValue | undefined; set: (v: JsonValue | undefined) => void; withRequired: boolean }) {
  const rows: FieldRow[] = (Array.isArray(value) ? value : []).map((v) => {
    const o = asObject(v);
    return {
      name: typeof o.name === "string" ? o.name : "",
      type: typeof o.type === "string" ? o.type : "string",
      description: typeof o.description === "string" ? o.description : "",
      required: o.required === true,
    };
  });
  const write = (next: FieldRow[]) =>
    set(
      next.length
        ? next.map((r) => {
            const out: { [key: string]: JsonValue } = { name: r.name, type: r.type };
            if (r.description) out.description = r.description;
            if (withRequired) out.required = r.required;
            return out;
          })
        : undefined,
    );
  const edit = (i: number, patch: Partial<FieldRow>) => write(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="field-list" data-testid="field-list">
      {rows.map((r, i) => (
        <div className="field-row" key={i} data-testid="field-row">
          <input className="input" aria-label="Name" placeholder="name" value={r.name} spellCheck={false} onChange={(e) => edit(i, { name: e.target.value })} />
          <select className="input" aria-label="Type" value={r.type} onChange={(e) => edit(i, { type: e.target.value })}>
            {FIELD_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          {withRequired && (
            <label className="config-check" title="Required">
              <input type="checkbox" aria-label="Required" checked={r.required} onChange={(e) => edit(i, { required: e.target.checked })} />
              req.
            </label>
          )}
          <button type="button" className="btn btn-ghost btn-icon btn-sm" aria-label="Remove" title="Remove" onClick={() => write(rows.filter((_, j) => j !== i))}>
            ×
          </button>
          <input className="input field-description" aria-label="Description" placeholder="description (what a caller should pass)" value={r.description} onChange={(e) => edit(i, { description: e.target.value })} />
        </div>
      ))}
      <button type="button" className="btn btn-ghost btn-sm kv-add" data-testid="field-add" onClick={() => write([...rows, { name: `field${rows.length + 1}`, type: "string", description: "", required: false }])}>
        + Add
      </button>
    </div>
  );
}
