// Owns how the canvas's own items render: sticky notes (double-click to write) and groups (a resizable frame that moves
// what it frames and collapses to one box, with the connections that cross it drawn to the box).
import { memo, useState, type CSSProperties, type KeyboardEvent } from "react";
import { Handle, NodeResizer, Position, type NodeProps } from "@xyflow/react";
import type { JsonValue } from "../../ipc";
import { Icon } from "../../shared/icons";
import { GROUP_SIZE, groupMembers, useCanvasStore, type FlowNode } from "./store";

/** A note's colour setting → its tint (the canvas layer draws notes with them too). */
export const NOTE_COLORS: Record<string, string> = {
  yellow: "#facc15",
  blue: "#60a5fa",
  green: "#4ade80",
  pink: "#f472b6",
  gray: "#9ca3af",
};

const configOf = (c: JsonValue): Record<string, JsonValue> => (c && typeof c === "object" && !Array.isArray(c) ? c : {});

function NoteView({ id, data, selected }: NodeProps<FlowNode>) {
  const config = configOf(data.config);
  const text = typeof config.text === "string" ? config.text : "";
  const color = NOTE_COLORS[typeof config.color === "string" ? config.color : "yellow"] ?? NOTE_COLORS.yellow;
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft !== null && draft !== text) useCanvasStore.getState().updateConfig(id, { ...config, text: draft });
    setDraft(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    e.stopPropagation();
    if (e.key === "Escape") setDraft(null);
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) commit();
  };
  return (
    <div
      className={`cnote${selected ? " is-selected" : ""}`}
      style={{ "--note": color } as CSSProperties}
      data-testid="canvas-note"
      data-node-id={id}
      onDoubleClick={(e) => {
        e.stopPropagation();
        setDraft(text);
      }}
    >
      {draft === null ? (
        <div className={`cnote-text${text ? "" : " is-empty"}`} data-testid="note-text">
          {text || "Double-click to write a note"}
        </div>
      ) : (
        <textarea
          className="cnote-input nodrag nopan"
          aria-label="Note"
          data-testid="note-input"
          value={draft}
          autoFocus
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={onKeyDown}
        />
      )}
    </div>
  );
}

function GroupView({ id, data, selected }: NodeProps<FlowNode>) {
  const config = configOf(data.config);
  const collapsed = config.collapsed === true;
  const width = typeof config.width === "number" ? config.width : GROUP_SIZE.width;
  const height = typeof config.height === "number" ? config.height : GROUP_SIZE.height;
  const members = useCanvasStore((s) => {
    const g = s.nodes.find((n) => n.id === id);
    return g ? groupMembers(g, s.nodes).length : 0;
  });
  const toggle = () => useCanvasStore.getState().updateConfig(id, { ...config, width, height, collapsed: !collapsed });
  if (collapsed) {
    return (
      <div className={`cgroup is-collapsed${selected ? " is-selected" : ""}`} data-testid="canvas-group" data-node-id={id} data-collapsed="true">
        <Handle id="group-in" type="target" position={Position.Left} className="fnode-handle" isConnectable={false} />
        <Icon name="box" size={15} />
        <div className="cgroup-title">
          <strong>{data.label}</strong>
          <span>
            {members} node{members === 1 ? "" : "s"} inside
          </span>
        </div>
        <button type="button" className="btn btn-ghost btn-sm nodrag" data-testid="group-toggle" onClick={toggle} title="Expand the group">
          Expand
        </button>
        <Handle id="group-out" type="source" position={Position.Right} className="fnode-handle" isConnectable={false} />
      </div>
    );
  }
  return (
    <div className={`cgroup${selected ? " is-selected" : ""}`} data-testid="canvas-group" data-node-id={id} data-collapsed="false">
      <NodeResizer
        isVisible={selected}
        minWidth={160}
        minHeight={100}
        lineClassName="cgroup-resize-line"
        handleClassName="cgroup-resize-handle"
        onResizeEnd={(_e, p) => useCanvasStore.getState().updateConfig(id, { ...config, width: Math.round(p.width), height: Math.round(p.height), collapsed: false })}
      />
      <div className="cgroup-head">
        <strong>{data.label}</strong>
        <span>
          {members} node{members === 1 ? "" : "s"}
        </span>
        <button type="button" className="btn btn-ghost btn-sm nodrag" data-testid="group-toggle" onClick={toggle} title="Collapse the group to one box">
          Collapse
        </button>
      </div>
    </div>
  );
}

export const NoteNode = memo(NoteView);
export const GroupNode = memo(GroupView);
