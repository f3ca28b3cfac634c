// Owns the node palette: node kinds grouped by category, a search filter, click-to-add and drag-onto-canvas.
import { useMemo, useRef, useState, type CSSProperties, type PointerEvent as ReactPointerEvent } from "react";
import type { KindInfo } from "../../ipc";
import { Icon } from "../../shared/icons";
import { categoryStyle } from "./kindStyle";

type Props = {
  kinds: KindInfo[];
  onAdd: (kind: string) => void;
  /** A drag ended at this screen point; the canvas decides whether it landed on it. */
  onDrop: (kind: string, clientX: number, clientY: number) => void;
};

type Drag = { kind: string; label: string; color: string; x: number; y: number; startX: number; startY: number; active: boolean };

const DRAG_THRESHOLD = 4;

export function groupKinds(kinds: KindInfo[], query: string): [string, KindInfo[]][] {
  const q = query.trim().toLowerCase();
  const groups = new Map<string, KindInfo[]>();
  for (const k of kinds) {
    const text = `${k.label} ${k.kind} ${k.category} ${k.description}`.toLowerCase();
    if (q && !text.includes(q)) continue;
    const list = groups.get(k.category) ?? [];
    list.push(k);
    groups.set(k.category, list);
  }
  return [...groups];
}

export function Palette({ kinds, onAdd, onDrop }: Props) {
  const [query, setQuery] = useState("");
  const [drag, setDrag] = useState<Drag | null>(null);
  const dragRef = useRef<Drag | null>(null);
  const suppressClick = useRef(false);
  const groups = useMemo(() => groupKinds(kinds, query), [kinds, query]);

  const update = (d: Drag | null) => {
    dragRef.current = d;
    setDrag(d);
  };

  const onPointerDown = (e: ReactPointerEvent<HTMLButtonElement>, k: KindInfo) => {
    if (e.button !== 0) return;
    suppressClick.current = false;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    const color = categoryStyle(k.category).color;
    dragRef.current = { kind: k.kind, label: k.label, color, x: e.clientX, y: e.clientY, startX: e.clientX, startY: e.clientY, active: false };
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLButtonElement>) => {
    const d = dragRef.current;
    if (!d) return;
    const active = d.active || Math.hypot(e.clientX - d.startX, e.clientY - d.startY) > DRAG_THRESHOLD;
    if (active) update({ ...d, x: e.clientX, y: e.clientY, active });
  };
  const onPointerUp = (e: ReactPointerEvent<HTMLButtonElement>) => {
    const d = dragRef.current;
    update(null);
    if (d?.active) {
      suppressClick.current = true;
      onDrop(d.kind, e.clientX, e.clientY);
    }
  };

  return (
    <aside className="palette" aria-label="Node palette">
      <div className="palette-head">
        <div className="palette-title">Nodes</div>
        <label className="input-with-icon">
          <Icon name="search" size={14} />
          <input
            className="input input-sm"
            data-testid="palette-search"
            placeholder="Search nodes"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => e.key === "Escape" && setQuery("")}
          />
        </label>
      </div>
      <div className="palette-list">
        {groups.length === 0 && <div className="palette-empty">No node matches “{query.trim()}”.</div>}
        {groups.map(([category, items]) => (
          <section key={category} className="palette-group">
            <h3 className="palette-group-title">{category}</h3>
            {items.map((k) => {
              const s = categoryStyle(k.category);
              return (
                <button
                  key={k.kind}
                  type="button"
                  className="palette-item"
                  data-testid={`palette-item-${k.kind}`}
                  style={{ "--cat": s.color } as CSSProperties}
                  title={`${k.description}\nClick to add, or drag onto the canvas.`}
                  onPointerDown={(e) => onPointerDown(e, k)}
                  onPointerMove={onPointerMove}
                  onPointerUp={onPointerUp}
                  onPointerCancel={() => update(null)}
                  onClick={() => {
                    if (suppressClick.current) {
                      suppressClick.current = false;
                      return;
                    }
                    onAdd(k.kind);
                  }}
                >
                  <span className="palette-icon">
                    <Icon name={s.icon} size={14} />
                  </span>
                  <span className="palette-text">
                    <span className="palette-label">{k.label}</span>
                    <span className="palette-desc">{k.description}</span>
                  </span>
                </button>
              );
            })}
          </section>
        ))}
      </div>
      {drag?.active && (
        <div className="drag-ghost" style={{ left: drag.x, top: drag.y, "--cat": drag.color } as CSSProperties}>
          {drag.label}
        </div>
      )}
    </aside>
  );
}
