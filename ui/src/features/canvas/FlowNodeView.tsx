// Owns how one workflow node renders on the canvas: category stripe, icon, label (double-click or F2 to rename), handles.
import { memo, useEffect, useState, type CSSProperties, type KeyboardEvent } from "react";
import { Handle, Position, type NodeProps, type NodeTypes } from "@xyflow/react";
import { Icon } from "../../shared/icons";
import { categoryStyle } from "./kindStyle";
import { useCanvasStore, type FlowNode } from "./store";

function FlowNodeView({ id, data, selected }: NodeProps<FlowNode>) {
  const info = useCanvasStore((s) => s.kinds[data.kind]);
  const renameNode = useCanvasStore((s) => s.renameNode);
  const [draft, setDraft] = useState<string | null>(null);
  // F2 on the selected node asks for the label editor through the store.
  const renameSeq = useCanvasStore((s) => (s.renameRequest?.id === id ? s.renameRequest.seq : 0));
  useEffect(() => {
    if (renameSeq === 0) return;
    setDraft(data.label);
    useCanvasStore.setState({ renameRequest: null }); // consumed: a remount must not reopen the editor
    // Only a new request opens the editor; label changes while it is open must not reset the draft.
  }, [renameSeq]);
  const style = categoryStyle(info?.category);
  const hasInput = info?.hasInput ?? true;
  const hasOutput = info?.hasOutput ?? true;

  // Under the label: the kind, or its category when the label already names the kind.
  const subtitle = !info ? `Unknown kind · ${data.kind}` : info.label === data.label ? info.category : info.label;

  const commit = () => {
    if (draft !== null) renameNode(id, draft);
    setDraft(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    e.stopPropagation();
    if (e.key === "Enter") commit();
    else if (e.key === "Escape") setDraft(null);
  };

  return (
    <div
      className={`fnode${selected ? " is-selected" : ""}${info ? "" : " is-unknown"}`}
      style={{ "--cat": style.color } as CSSProperties}
      data-testid="canvas-node"
      data-kind={data.kind}
      data-node-id={id}
      title={info?.description}
    >
      {hasInput && <Handle type="target" position={Position.Left} className="fnode-handle" />}
      <div className="fnode-icon">
        <Icon name={style.icon} size={16} />
      </div>
      <div className="fnode-text">
        {draft === null ? (
          <div
            className="fnode-label"
            data-testid="node-label"
            onDoubleClick={(e) => {
              e.stopPropagation();
              setDraft(data.label);
            }}
          >
            {data.label}
          </div>
        ) : (
          <input
            className="fnode-input nodrag nopan"
            data-testid="node-label-input"
            aria-label="Node label"
            value={draft}
            autoFocus
            onFocus={(e) => e.currentTarget.select()}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            onBlur={commit}
          />
        )}
        <div className="fnode-kind">{subtitle}</div>
      </div>
      {hasOutput && <Handle type="source" position={Position.Right} className="fnode-handle" />}
    </div>
  );
}

/** The one nodeTypes object React Flow sees; module-level so it never changes identity. */
export const nodeTypes: NodeTypes = { flow: memo(FlowNodeView) };
