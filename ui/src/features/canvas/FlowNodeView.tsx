// Owns how one workflow node renders on the canvas: category stripe, icon, label (double-click or F2 to rename), one handle
// per typed port (named rows when a kind has several), the error port, the live run status and the validation badge.
import { memo, useEffect, useState, type CSSProperties, type KeyboardEvent } from "react";
import { Handle, Position, type NodeProps, type NodeTypes } from "@xyflow/react";
import type { PortInfo } from "../../ipc";
import { Icon, type IconName } from "../../shared/icons";
import { GroupNode, NoteNode } from "./CanvasItemViews";
import { categoryStyle } from "./kindStyle";
import { formatDuration } from "../../shared/format";
import { useRunState, type NodeRunStatus } from "./runState";
import { ERROR_PORT, inputPorts, outputPorts, useCanvasStore, type FlowNode } from "./store";
import { useValidation } from "./validation";
import { PortPlus } from "./PortPlus";
import { countNodeRender } from "./renderStats";

const STATUS: Record<NodeRunStatus, { icon: IconName; text: string }> = {
  queued: { icon: "clock", text: "Queued" },
  running: { icon: "spinner", text: "Running" },
  succeeded: { icon: "check", text: "Succeeded" },
  pinned: { icon: "pin", text: "Pinned output" },
  failed: { icon: "alert", text: "Failed" },
  skipped: { icon: "skip", text: "Skipped" },
  stopped: { icon: "x", text: "Stopped" },
};

function FlowNodeView({ id, data, selected }: NodeProps<FlowNode>) {
  countNodeRender(id);
  const info = useCanvasStore((s) => s.kinds[data.kind]);
  const renameNode = useCanvasStore((s) => s.renameNode);
  // A comparison shows what changed, not the last run or today's problems.
  const comparing = data.diff !== undefined;
  const liveRun = useRunState((s) => s.nodes[id]);
  const liveProblems = useValidation((s) => s.byNode[id]);
  const run = comparing ? undefined : liveRun;
  const problems = comparing ? undefined : liveProblems;
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
  const inputs = info?.hasInput === false ? [] : inputPorts(info);
  const allOutputs = info?.hasOutput === false ? [] : outputPorts(info, data.config);
  const outputs = allOutputs.filter((p) => p.name !== ERROR_PORT);
  const hasErrorPort = allOutputs.some((p) => p.name === ERROR_PORT);
  const named = inputs.length > 1 || outputs.length > 1;

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

  const status = run ? STATUS[run.status] : null;
  const statusTitle = run
    ? [status?.text, run.durationMs !== null ? formatDuration(run.durationMs) : null, run.error ?? run.reason].filter(Boolean).join(" · ")
    : undefined;

  return (
    <div
      className={`fnode${selected ? " is-selected" : ""}${info ? "" : " is-unknown"}${run ? ` is-run-${run.status}` : ""}${problems ? " has-problems" : ""}${data.diff ? ` is-diff-${data.diff.status}` : ""}`}
      style={{ "--cat": style.color } as CSSProperties}
      data-testid="canvas-node"
      data-kind={data.kind}
      data-node-id={id}
      data-run-status={run?.status}
      data-diff={data.diff?.status}
      title={info?.description}
    >
      <div className="fnode-head">
        {!named && inputs.length === 1 && <PortHandle port={inputs[0]} type="target" />}
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
        {!named && outputs.length === 1 && <PortHandle port={outputs[0]} type="source" />}
        {!named && outputs.length === 1 && <PortPlus nodeId={id} nodeLabel={data.label} port={outputs[0].name} />}
      </div>
      {named && (
        <div className="fnode-ports">
          <div className="fnode-port-col">
            {inputs.map((p) => (
              <div key={p.name} className="fnode-port is-in">
                <PortHandle port={p} type="target" />
                {inputs.length > 1 && <span>{p.name}</span>}
              </div>
            ))}
          </div>
          <div className="fnode-port-col is-out">
            {outputs.map((p) => (
              <div key={p.name} className="fnode-port is-out" data-testid="node-port" data-port={p.name}>
                <span>{p.name}</span>
                <PortHandle port={p} type="source" />
                <PortPlus nodeId={id} nodeLabel={data.label} port={p.name} />
              </div>
            ))}
          </div>
        </div>
      )}
      {hasErrorPort && (
        <Handle
          id={ERROR_PORT}
          type="source"
          position={Position.Bottom}
          className="fnode-handle fnode-error-handle"
          title="error — connect to handle this node's failures instead of stopping the run"
        />
      )}
      {hasErrorPort && <PortPlus nodeId={id} nodeLabel={data.label} port={ERROR_PORT} />}
      {status && run && (
        <div className={`fnode-status is-${run.status}`} data-testid="node-run-status" title={statusTitle}>
          <Icon name={status.icon} size={12} />
          {run.durationMs !== null && run.status !== "skipped" && <span>{formatDuration(run.durationMs)}</span>}
        </div>
      )}
      {data.diff && data.diff.status !== "same" && (
        <div className={`fnode-diff is-${data.diff.status}`} data-testid="node-diff" title={data.diff.changes.join(", ")}>
          {data.diff.status === "changed" ? `changed: ${data.diff.changes.filter((c) => c !== "position").join(", ")}` : data.diff.status}
        </div>
      )}
      {problems && (
        <div className="fnode-problems" data-testid="node-problems" title={problems.map((p) => p.message).join("\n")}>
          <Icon name="alert" size={11} />
          {problems.length}
        </div>
      )}
    </div>
  );
}

function PortHandle({ port, type }: { port: PortInfo; type: "source" | "target" }) {
  return (
    <Handle
      id={port.name}
      type={type}
      position={type === "source" ? Position.Right : Position.Left}
      className={`fnode-handle is-${port.ty}`}
      title={`${port.name} · ${port.ty}`}
    />
  );
}

/** The one nodeTypes object React Flow sees; module-level so it never changes identity. */
export const nodeTypes: NodeTypes = { flow: memo(FlowNodeView), note: NoteNode, group: GroupNode };
