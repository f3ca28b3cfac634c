// Owns the keyboard quick-add popup: search node kinds by name or category, ↑/↓ + Enter to add, Esc to close.
import { useEffect, useId, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from "react";
import type { KindInfo } from "../../ipc";
import { Icon } from "../../shared/icons";
import { categoryStyle } from "./kindStyle";
import { searchKinds } from "./kindSearch";

export type QuickAddProps = {
  kinds: KindInfo[];
  /** The node the new one will follow (and be connected after, when both sides allow). */
  after: { label: string; hasOutput: boolean } | null;
  /** The two ends of the edge the new node goes between (an edge's "+"). */
  between?: { from: string; to: string } | null;
  onPick: (kind: string) => void;
  onClose: () => void;
};

type Row = { kind: KindInfo; heading: string | null };

export function QuickAdd({ kinds, after, between = null, onPick, onClose }: QuickAddProps) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const listId = useId();
  const inserting = between !== null;

  const rows: Row[] = useMemo(() => {
    let found = searchKinds(kinds, query);
    // Between two nodes only a kind with an input and an output fits.
    if (inserting) found = found.filter((k) => k.hasInput && k.hasOutput);
    // After a node with an output, kinds that can be connected come first (triggers, which have no input, last).
    else if (after?.hasOutput) found = [...found.filter((k) => k.hasInput), ...found.filter((k) => !k.hasInput)];
    if (query.trim()) return found.map((kind) => ({ kind, heading: null }));
    // No query: grouped by category, in the palette's order.
    return found.map((kind, i) => ({ kind, heading: i === 0 || found[i - 1].category !== kind.category ? kind.category : null }));
  }, [kinds, query, after?.hasOutput, inserting]);

  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView({ block: "nearest" });
  }, [active]);

  const move = (d: number) => setActive((a) => (rows.length ? (a + d + rows.length) % rows.length : 0));

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const k = e.key;
    if (k === "ArrowDown" || (k === "Tab" && !e.shiftKey)) move(1);
    else if (k === "ArrowUp" || (k === "Tab" && e.shiftKey)) move(-1);
    else if (k === "PageDown") move(6);
    else if (k === "PageUp") move(-6);
    else if (k === "Enter") {
      const row = rows[active];
      if (row) onPick(row.kind.kind);
    } else if (k === "Escape") onClose();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div className="quick-add-layer" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="quick-add" role="dialog" aria-label="Add a node" data-testid="quick-add">
        <label className="quick-add-search">
          <Icon name="search" size={16} />
          <input
            autoFocus
            data-testid="quick-add-search"
            placeholder="Search nodes by name or category…"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={onKeyDown}
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-activedescendant={rows[active] ? `${listId}-${active}` : undefined}
            spellCheck={false}
            autoComplete="off"
          />
          <kbd className="quick-add-esc">Esc</kbd>
        </label>
        {between && (
          <div className="quick-add-context" data-testid="quick-add-context">
            <Icon name="branch" size={13} />
            <span>
              Inserts between <strong>{between.from}</strong> and <strong>{between.to}</strong>
            </span>
          </div>
        )}
        {after && (
          <div className="quick-add-context" data-testid="quick-add-context">
            <Icon name="branch" size={13} />
            {after.hasOutput ? (
              <span>
                Adds after <strong>{after.label}</strong> and connects it
              </span>
            ) : (
              <span>
                Adds next to <strong>{after.label}</strong> (it has no output to connect)
              </span>
            )}
          </div>
        )}
        <div className="quick-add-list" id={listId} role="listbox" ref={listRef}>
          {rows.length === 0 && <div className="quick-add-empty">No node matches “{query.trim()}”.</div>}
          {rows.map((row, i) => {
            const s = categoryStyle(row.kind.category);
            const cannotFollow = after?.hasOutput && !row.kind.hasInput;
            return (
              <div key={row.kind.kind}>
                {row.heading && <div className="quick-add-heading">{row.heading}</div>}
                <div
                  id={`${listId}-${i}`}
                  role="option"
                  aria-selected={i === active}
                  data-index={i}
                  data-testid={`quick-add-item-${row.kind.kind}`}
                  className={`quick-add-item${i === active ? " is-active" : ""}`}
                  style={{ "--cat": s.color } as CSSProperties}
                  onMouseMove={() => i !== active && setActive(i)}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => onPick(row.kind.kind)}
                >
                  <span className="palette-icon">
                    <Icon name={s.icon} size={14} />
                  </span>
                  <span className="quick-add-text">
                    <span className="quick-add-label">{row.kind.label}</span>
                    <span className="quick-add-desc">{row.kind.description}</span>
                  </span>
                  {cannotFollow && <span className="quick-add-tag">No input</span>}
                  {query.trim() && <span className="quick-add-category">{row.kind.category}</span>}
                  {i === active && <kbd className="quick-add-enter">↵</kbd>}
                </div>
              </div>
            );
          })}
        </div>
        <div className="quick-add-foot">
          <span>
            <kbd>↑</kbd>
            <kbd>↓</kbd> navigate
          </span>
          <span>
            <kbd>↵</kbd> add
          </span>
          <span>
            <kbd>Esc</kbd> close
          </span>
        </div>
      </div>
    </div>
  );
}
