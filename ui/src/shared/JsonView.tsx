// Owns the bounded, collapsible JSON view of run data: big containers start folded, long lists and strings are capped.
import { useState, type ReactNode } from "react";
import type { JsonValue } from "../ipc";
import { Icon } from "./icons";
import { toast } from "./toast";
import "./json.css";
import { CHILD_CAP, childrenOf, isContainer, scalarKind, scalarText, sizeOf, startsOpen, summaryOf, type JsonContainer } from "./jsonTree";

type Props = { value: JsonValue | undefined; testId?: string; empty?: string; copyLabel?: string };

export function JsonView({ value, testId, empty = "Nothing", copyLabel = "Copy JSON" }: Props) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(JSON.stringify(value ?? null, null, 2));
      toast("Copied as JSON", "success");
    } catch {
      toast("Couldn't copy: the clipboard is not available here", "error");
    }
  };
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    return (
      <div className="json-view is-empty" data-testid={testId}>
        {empty}
      </div>
    );
  }
  return (
    <div className="json-view" data-testid={testId}>
      <button type="button" className="icon-button json-copy" title={copyLabel} aria-label={copyLabel} onClick={() => void copy()}>
        <Icon name="copy" size={14} />
      </button>
      <JsonEntry name={null} value={value} depth={0} />
    </div>
  );
}

function JsonEntry({ name, value, depth }: { name: string | null; value: JsonValue; depth: number }) {
  const key = name !== null && (
    <span>
      <span className="json-key">{name}</span>
      <span className="json-punct">: </span>
    </span>
  );
  if (!isContainer(value)) {
    return (
      <div className="json-line" style={{ paddingLeft: depth * 14 + 16 }}>
        {key}
        <JsonScalar value={value} />
      </div>
    );
  }
  return <JsonBranch name={name} keyNode={key} value={value} depth={depth} />;
}

function JsonBranch({ name, keyNode, value, depth }: { name: string | null; keyNode: ReactNode; value: JsonContainer; depth: number }) {
  const [open, setOpen] = useState(() => startsOpen(value, depth));
  const [shown, setShown] = useState(CHILD_CAP);
  const size = sizeOf(value);
  const [openBrace, closeBrace] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (size === 0) {
    return (
      <div className="json-line" style={{ paddingLeft: depth * 14 + 16 }}>
        {keyNode}
        <span className="json-punct">{openBrace + closeBrace}</span>
      </div>
    );
  }
  const children = open ? childrenOf(value) : [];
  return (
    <>
      <button
        type="button"
        className="json-line json-toggle"
        style={{ paddingLeft: depth * 14 }}
        aria-expanded={open}
        aria-label={`${open ? "Collapse" : "Expand"} ${name ?? "value"}`}
        onClick={() => setOpen(!open)}
      >
        <Icon name={open ? "chevronDown" : "chevronRight"} size={12} className="json-caret" />
        {keyNode}
        {open ? <span className="json-punct">{openBrace}</span> : <span className="json-summary">{summaryOf(value)}</span>}
      </button>
      {open && (
        <>
          {children.slice(0, shown).map(([k, child]) => (
            <JsonEntry key={k} name={k} value={child} depth={depth + 1} />
          ))}
          {size > shown && (
            <div className="json-line" style={{ paddingLeft: (depth + 1) * 14 + 16 }}>
              <button type="button" className="json-more" onClick={() => setShown(shown + CHILD_CAP)}>
                Show {Math.min(CHILD_CAP, size - shown)} more of {size - shown} hidden
              </button>
            </div>
          )}
          <div className="json-line" style={{ paddingLeft: depth * 14 + 16 }}>
            <span className="json-punct">{closeBrace}</span>
          </div>
        </>
      )}
    </>
  );
}

function JsonScalar({ value }: { value: null | boolean | number | string }) {
  const [full, setFull] = useState(false);
  const { text, cut } = full ? { text: JSON.stringify(value), cut: false } : scalarText(value);
  return (
    <>
      <span className={`json-${scalarKind(value)}`}>{text}</span>
      {cut && (
        <button type="button" className="json-more" onClick={() => setFull(true)}>
          show all {[...(value as string)].length.toLocaleString("en-US")} characters
        </button>
      )}
    </>
  );
}
