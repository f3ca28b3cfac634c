// Owns the unit tests' way to the real core: the dev server their global setup started (core-setup.mjs), reached through the same generated bindings as a page.
import { beforeAll, inject } from "vitest";
import { connectDevServer, type KindInfo } from "../ipc";
import GENERATED_BLUEPRINT_KINDS from "../ipc/blueprint-kinds.generated.json";
import GENERATED_KINDS from "../ipc/kinds.generated.json";

declare module "vitest" {
  export interface ProvidedContext {
    core: { origin: string; token: string };
  }
}

/** The engine's workflow palette as export-bindings wrote it (what node_kind_list answers). */
export const NODE_KINDS = GENERATED_KINDS as unknown as KindInfo[];
/** The engine's blueprint palette (blueprint_kind_list). */
export const BLUEPRINT_KINDS = GENERATED_BLUEPRINT_KINDS as unknown as KindInfo[];

/** Calls of this test file go to the real core (one per test run, fresh SQLite). */
export function useCore(): void {
  beforeAll(() => {
    // The bindings call `window.__TAURI_INTERNALS__`: in node the global object stands for the window.
    const global = globalThis as { window?: unknown };
    global.window ??= globalThis;
    connectDevServer(inject("core"));
  });
}
