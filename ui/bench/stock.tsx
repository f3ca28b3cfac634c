// Owns the canvas benchmark's in-run baseline: the same generated graph as `?bench=N` in plain <ReactFlow> (default
// nodes and edges, fitView, no level of detail), at the editor's window size. `?n=5000` picks the graph.
import { StrictMode, useEffect } from "react";
import { createRoot } from "react-dom/client";
import { ReactFlow, ReactFlowProvider, useEdgesState, useNodesState, useReactFlow, type Edge, type Node } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { benchGraph } from "./graph.mjs";
import { LOD_MIN_ZOOM } from "../src/features/canvas/lod";

// Framed like the editor frames a graph when it opens.
const FIT = { padding: 0.2 };
const count = Number(new URLSearchParams(location.search).get("n")) || 1000;
// The editor's "open": fetching the workflow is where its load time starts; here it is generating the graph.
performance.mark("workflow-get");
const graph = benchGraph(count);
const initialNodes: Node[] = graph.nodes.map((n) => ({ id: n.id, position: n.position, data: { label: n.label } }));
const initialEdges: Edge[] = graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target }));

function Stock() {
  const [nodes, , onNodesChange] = useNodesState(initialNodes);
  const [edges, , onEdgesChange] = useEdgesState(initialEdges);
  const { zoomTo } = useReactFlow();
  // Shift+0 zooms to 100 %, as in the editor, so the benchmark drives both pages the same way.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.shiftKey && e.code === "Digit0") void zoomTo(1);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [zoomTo]);
  return (
    <ReactFlow nodes={nodes} edges={edges} onNodesChange={onNodesChange} onEdgesChange={onEdgesChange} fitView fitViewOptions={FIT} minZoom={LOD_MIN_ZOOM} />
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ReactFlowProvider>
      <Stock />
    </ReactFlowProvider>
  </StrictMode>,
);
