// Owns a tool blueprint's signature as the Rust model computes it (crates/model/src/signature.rs): the JSON Schema of the parameters its tool inputs declare and of the result its outputs declare.
import type { JsonValue as Value, WorkflowGraph } from "../ipc";

const TYPES = ["string", "number", "integer", "boolean", "object", "array"];

/** The tool signature of a graph, as the Rust model computes it. */
export function signatureOf(graph: WorkflowGraph): { inputSchema: Value; outputSchema: Value } {
  const schema = (kind: string, key: string) => {
    const properties: Record<string, Value> = {};
    const required: string[] = [];
    for (const n of graph.nodes.filter((x) => x.kind === kind)) {
      const list = n.config && typeof n.config === "object" && !Array.isArray(n.config) ? n.config[key] : null;
      if (!Array.isArray(list)) continue;
      for (const f of list) {
        if (!f || typeof f !== "object" || Array.isArray(f)) continue;
        const name = typeof f.name === "string" ? f.name.trim() : "";
        const ty = typeof f.type === "string" ? f.type : "";
        if (!name || !TYPES.includes(ty)) continue;
        properties[name] = typeof f.description === "string" && f.description ? { type: ty, description: f.description } : { type: ty };
        if (f.required === true && !required.includes(name)) required.push(name);
      }
    }
    return { type: "object", properties, required };
  };
  return { inputSchema: schema("blueprint.input", "parameters"), outputSchema: schema("output", "fields") };
}

