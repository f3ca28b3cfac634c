// Owns the types of bench/graph.mjs for the TypeScript that imports it (the stock React Flow page).
import type { Graph } from "../src/ipc/bindings";

export declare const BENCH_COLUMN_DX: number;
export declare const BENCH_ROW_DY: number;
export declare function benchGraph(count: number, copy?: number): Graph;
export declare function benchNodeId(i: number, copy?: number): string;
export declare function saveBenchWorkflow(call: (command: string, args: unknown) => Promise<unknown>, count: number, copy?: number): Promise<string>;
