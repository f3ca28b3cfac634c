// Owns the wire-type aliases the UI uses on top of the generated bindings (names the generator doesn't emit).
import type { Graph, Value } from "./bindings";

export type WorkflowGraph = Graph;
export type JsonValue = Value;
/** What every generated command resolves to. */
export type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };
