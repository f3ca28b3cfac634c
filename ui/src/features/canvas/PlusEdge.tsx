// Owns how an edge is drawn on the canvas: React Flow's bezier, plus a "+" at its midpoint (on hover, selection or
// keyboard focus) that inserts a node between its two ends.
import { memo, useContext, useEffect, useRef, useState, type MouseEvent } from "react";
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps, type EdgeTypes } from "@xyflow/react";
import { Icon } from "../../shared/icons";
import { labelOf } from "./insert";
import { useCanvasStore } from "./store";
import { AddingContext } from "./useNodeAdding";

/** A pointer resting on the edge this long shows the "+"; a quicker click in its middle selects the edge, as before. */
const HOVER_MS = 250;

function PlusEdge(props: EdgeProps) {
  const { id, source, target, selected, selectable, markerEnd, style, interactionWidth } = props;
  const [path, labelX, labelY] = getBezierPath(props);
  const actions = useContext(AddingContext);
  const [hover, setHover] = useState(false);
  const line = useRef<SVGGElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const showTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const stopTimer = () => {
    if (showTimer.current) clearTimeout(showTimer.current);
    showTimer.current = null;
  };
  useEffect(() => stopTimer, []);
  const enter = () => {
    if (!hover && !showTimer.current) showTimer.current = setTimeout(() => ((showTimer.current = null), setHover(true)), HOVER_MS);
  };
  // The "+" sits on the line: moving between the two is staying; anywhere else hides it at once.
  const leave = (e: MouseEvent) => {
    const to = e.relatedTarget instanceof Node ? e.relatedTarget : null;
    if (to && (line.current?.contains(to) || button.current?.contains(to))) return;
    stopTimer();
    setHover(false);
  };
  // Proxy edges of collapsed groups and a comparison's edges are not the graph's own: nothing goes on them.
  const offered = actions !== null && selectable !== false;
  const from = useCanvasStore((s) => (offered ? labelOf(s.nodes, source) : ""));
  const to = useCanvasStore((s) => (offered ? labelOf(s.nodes, target) : ""));
  return (
    <>
      {/* Moves count as entering too: pointers a test driver synthesizes may never send the "over" events. */}
      <g ref={line} onMouseEnter={offered ? enter : undefined} onMouseMove={offered && !hover ? enter : undefined} onMouseLeave={offered ? leave : undefined}>
        <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} interactionWidth={interactionWidth} />
      </g>
      {offered && (
        <EdgeLabelRenderer>
          <button
            type="button"
            className={`edge-plus nodrag nopan${hover || selected ? " is-shown" : ""}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            data-testid="edge-plus"
            data-edge-id={id}
            aria-label={`Insert a node between '${from}' and '${to}'`}
            title="Insert a node here"
            ref={button}
            onMouseLeave={leave}
            onClick={(e) => {
              e.stopPropagation();
              actions.onEdge(id);
            }}
          >
            <Icon name="plus" size={12} />
          </button>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

/** The one edgeTypes object React Flow sees; module-level so it never changes identity. Every edge is a "default" one. */
export const edgeTypes: EdgeTypes = { default: memo(PlusEdge) };
