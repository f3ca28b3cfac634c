// Owns the id of the generated large workflow in the in-memory backend (`?bench=N`); the graph itself is bench/graph.mjs.
export { BENCH_COLUMN_DX, BENCH_ROW_DY, benchGraph } from "../../bench/graph.mjs";

/** The id of the generated workflow in the in-memory backend (`?bench=N`). */
export const BENCH_WORKFLOW_ID = "01930000-0000-7000-8000-00000000b000";
