// Owns the "+" beside an output port of a node: it opens quick-add for a node connected from that port. Shown on hover
// and selection, always on a port nothing leaves from yet (as in n8n), never on a read-only canvas.
import { useContext } from "react";
import { Icon } from "../../shared/icons";
import { connectedOutputs } from "./insert";
import { ERROR_PORT, useCanvasStore } from "./store";
import { AddingContext } from "./useNodeAdding";

export function PortPlus({ nodeId, nodeLabel, port }: { nodeId: string; nodeLabel: string; port: string }) {
  const actions = useContext(AddingContext);
  const used = useCanvasStore((s) => connectedOutputs(s.edges).get(nodeId)?.has(port) ?? false);
  if (!actions) return null;
  // An unused error port is the rule, not a gap to fill: its "+" waits for hover like a used port's.
  const free = !used && port !== ERROR_PORT;
  return (
    <button
      type="button"
      className={`fnode-plus nodrag nopan${free ? " is-free" : used ? " is-used" : ""}${port === ERROR_PORT ? " is-error" : ""}`}
      data-testid="port-plus"
      data-port={port}
      aria-label={`Add a node after '${nodeLabel}' (${port})`}
      title={`Add a node after “${nodeLabel}” (${port})`}
      onClick={(e) => {
        e.stopPropagation();
        actions.fromPort(nodeId, port);
      }}
    >
      <Icon name="plus" size={12} />
    </button>
  );
}
