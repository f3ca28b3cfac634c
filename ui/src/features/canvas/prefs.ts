// Owns the canvas view preferences (snap to grid, select/hand tool), kept in localStorage across sessions.
import { create } from "zustand";

export type CanvasTool = "select" | "pan";
export type CanvasPrefs = { snapToGrid: boolean; tool: CanvasTool };

export const PREFS_KEY = "neuroflow.canvas.prefs";
const DEFAULTS: CanvasPrefs = { snapToGrid: true, tool: "select" };

function read(): CanvasPrefs {
  try {
    const raw = JSON.parse(globalThis.localStorage?.getItem(PREFS_KEY) ?? "null") as Partial<CanvasPrefs> | null;
    return {
      snapToGrid: typeof raw?.snapToGrid === "boolean" ? raw.snapToGrid : DEFAULTS.snapToGrid,
      tool: raw?.tool === "pan" || raw?.tool === "select" ? raw.tool : DEFAULTS.tool,
    };
  } catch {
    return { ...DEFAULTS };
  }
}

function write(p: CanvasPrefs) {
  try {
    globalThis.localStorage?.setItem(PREFS_KEY, JSON.stringify(p));
  } catch {
    // Storage full or blocked: the preference just doesn't persist.
  }
}

type PrefsState = CanvasPrefs & {
  setSnapToGrid: (on: boolean) => void;
  setTool: (tool: CanvasTool) => void;
};

export const useCanvasPrefs = create<PrefsState>()((set, get) => {
  const update = (patch: Partial<CanvasPrefs>) => {
    set(patch);
    const { snapToGrid, tool } = get();
    write({ snapToGrid, tool });
  };
  return {
    ...read(),
    setSnapToGrid: (snapToGrid) => update({ snapToGrid }),
    setTool: (tool) => update({ tool }),
  };
});
