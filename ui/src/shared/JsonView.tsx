// Owns a bounded, read-only view of JSON data: pretty-printed, cut after a few thousand characters with "Show all".
import { useState } from "react";

const LIMIT = 4000;

export function JsonView({ value, testId }: { value: unknown; testId?: string }) {
  const [all, setAll] = useState(false);
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? "undefined";
  } catch {
    text = String(value);
  }
  const cut = !all && text.length > LIMIT;
  return (
    <div className="json-view" data-testid={testId}>
      <pre>{cut ? `${text.slice(0, LIMIT)}\n…` : text}</pre>
      {cut && (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setAll(true)}>
          Show all ({Math.round(text.length / 1024)} KB)
        </button>
      )}
    </div>
  );
}
