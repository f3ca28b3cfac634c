// Owns the canvas's render counter: how many times each node component rendered, which the canvas benchmark reads
// (window.__neuroflowCanvas.nodeRenders) to show that an edit of one node re-renders only that node.
export const nodeRenders = new Map<string, number>();

export function countNodeRender(id: string): void {
  nodeRenders.set(id, (nodeRenders.get(id) ?? 0) + 1);
}

declare global {
  interface Window {
    __neuroflowCanvas?: { nodeRenders: Map<string, number> };
  }
}

if (typeof window !== "undefined") window.__neuroflowCanvas = { nodeRenders };
