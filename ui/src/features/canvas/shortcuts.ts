// Owns the canvas keyboard shortcuts: one table that both the key handler and the shortcut sheet read, so the sheet
// always lists exactly what the keys do.

export type ShortcutAction =
  | "quickAdd"
  | "undo"
  | "redo"
  | "copy"
  | "cut"
  | "paste"
  | "duplicate"
  | "selectAll"
  | "delete"
  | "deselect"
  | "rename"
  | "nudge"
  | "fit"
  | "zoomIn"
  | "zoomOut"
  | "zoomReset"
  | "layout"
  | "snap"
  | "toolSelect"
  | "toolPan"
  | "save"
  | "run"
  | "help";

/** One key combination. `mod` is Ctrl (⌘ on macOS); `shift: undefined` means "either". */
type Binding = { key?: string; code?: string; mod?: boolean; shift?: boolean; label: string[] };

export type Shortcut = {
  group: ShortcutGroup;
  description: string;
  /** Dispatched by the key handler; absent for mouse gestures listed for reference only. */
  action?: ShortcutAction;
  bindings: Binding[];
  /** Also works while typing in a text field. */
  inInputs?: boolean;
};

export type ShortcutGroup = "Add & edit" | "Selection" | "History & clipboard" | "View" | "Run" | "General";
export const SHORTCUT_GROUPS: ShortcutGroup[] = ["Add & edit", "Selection", "History & clipboard", "View", "Run", "General"];

export const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
const MOD = isMac ? "⌘" : "Ctrl";
const SHIFT = isMac ? "⇧" : "Shift";

const b = (label: string[], rest: Omit<Binding, "label">): Binding => ({ label, ...rest });

export const SHORTCUTS: Shortcut[] = [
  {
    group: "Add & edit",
    description: "Add a node (search by name or category)",
    action: "quickAdd",
    bindings: [b(["Tab"], { key: "tab", mod: false, shift: false }), b(["/"], { key: "/", mod: false })],
  },
  { group: "Add & edit", description: "Connect nodes", bindings: [b(["Drag from a handle"], {})] },
  { group: "Add & edit", description: "Add a connected node", bindings: [b(["Drop a connection on empty canvas"], {})] },
  { group: "Add & edit", description: "Rename the selected node", action: "rename", bindings: [b(["F2"], { key: "f2", mod: false })] },
  {
    group: "Add & edit",
    description: "Delete the selection",
    action: "delete",
    bindings: [b(["Delete"], { key: "delete", mod: false }), b(["Backspace"], { key: "backspace", mod: false })],
  },
  {
    group: "Add & edit",
    description: "Nudge the selection (Shift: 4×)",
    action: "nudge",
    bindings: [
      b(["↑", "↓", "←", "→"], { key: "arrowup", mod: false }),
      b([], { key: "arrowdown", mod: false }),
      b([], { key: "arrowleft", mod: false }),
      b([], { key: "arrowright", mod: false }),
    ],
  },
  {
    group: "Add & edit",
    description: "Auto-layout (left to right)",
    action: "layout",
    bindings: [b([SHIFT, "L"], { key: "l", mod: false, shift: true })],
  },

  { group: "Selection", description: "Select all", action: "selectAll", bindings: [b([MOD, "A"], { key: "a", mod: true, shift: false })] },
  { group: "Selection", description: "Box select", bindings: [b([SHIFT, "Drag"], {}), b(["Drag (select tool)"], {})] },
  { group: "Selection", description: "Add to / remove from selection", bindings: [b([SHIFT, "Click"], {}), b([MOD, "Click"], {})] },
  { group: "Selection", description: "Clear the selection", action: "deselect", bindings: [b(["Esc"], { key: "escape", mod: false })] },

  {
    group: "History & clipboard",
    description: "Undo",
    action: "undo",
    bindings: [b([MOD, "Z"], { key: "z", mod: true, shift: false })],
  },
  {
    group: "History & clipboard",
    description: "Redo",
    action: "redo",
    bindings: [b([MOD, SHIFT, "Z"], { key: "z", mod: true, shift: true }), b([MOD, "Y"], { key: "y", mod: true, shift: false })],
  },
  { group: "History & clipboard", description: "Copy", action: "copy", bindings: [b([MOD, "C"], { key: "c", mod: true, shift: false })] },
  { group: "History & clipboard", description: "Cut", action: "cut", bindings: [b([MOD, "X"], { key: "x", mod: true, shift: false })] },
  { group: "History & clipboard", description: "Paste", action: "paste", bindings: [b([MOD, "V"], { key: "v", mod: true, shift: false })] },
  {
    group: "History & clipboard",
    description: "Duplicate",
    action: "duplicate",
    bindings: [b([MOD, "D"], { key: "d", mod: true, shift: false })],
  },

  { group: "View", description: "Zoom to fit", action: "fit", bindings: [b([SHIFT, "1"], { code: "Digit1", mod: false, shift: true })] },
  { group: "View", description: "Zoom to 100%", action: "zoomReset", bindings: [b([SHIFT, "0"], { code: "Digit0", mod: false, shift: true })] },
  {
    group: "View",
    description: "Zoom in / out",
    bindings: [b(["+"], { key: "+", mod: false }), b(["−"], { key: "-", mod: false }), b([MOD, "Scroll"], {})],
  },
  { group: "View", description: "Pan", bindings: [b(["Space", "Drag"], {}), b(["Scroll"], {})] },
  { group: "View", description: "Select tool", action: "toolSelect", bindings: [b(["V"], { key: "v", mod: false, shift: false })] },
  { group: "View", description: "Hand tool (drag to pan)", action: "toolPan", bindings: [b(["H"], { key: "h", mod: false, shift: false })] },
  { group: "View", description: "Snap to grid on / off", action: "snap", bindings: [b([SHIFT, "G"], { key: "g", mod: false, shift: true })] },

  {
    group: "Run",
    description: "Run the workflow (saves first); again to cancel",
    action: "run",
    inInputs: true,
    bindings: [b([MOD, "Enter"], { key: "enter", mod: true, shift: false })],
  },
  { group: "Run", description: "Run one node, up to it or from it", bindings: [b(["Inspector", "Data"], {})] },
  { group: "General", description: "Save", action: "save", inInputs: true, bindings: [b([MOD, "S"], { key: "s", mod: true })] },
  { group: "General", description: "Keyboard shortcuts", action: "help", bindings: [b(["?"], { key: "?", mod: false })] },
];

// "+" and "=" share a key; "=" (unshifted) zooms in too.
const EXTRA: { action: ShortcutAction; binding: Binding }[] = [
  { action: "zoomIn", binding: b([], { key: "+", mod: false }) },
  { action: "zoomIn", binding: b([], { key: "=", mod: false }) },
  { action: "zoomOut", binding: b([], { key: "-", mod: false }) },
];

function matches(e: KeyLike, x: Binding): boolean {
  if (!x.key && !x.code) return false;
  if (e.altKey) return false;
  const mod = e.ctrlKey || e.metaKey;
  if (x.mod !== undefined && x.mod !== mod) return false;
  if (x.shift !== undefined && x.shift !== e.shiftKey) return false;
  if (x.code) return e.code === x.code;
  return e.key.toLowerCase() === x.key;
}

/** The parts of a KeyboardEvent the shortcut table reads. */
export type KeyLike = Pick<KeyboardEvent, "key" | "code" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey" | "target">;

export function isEditableTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === "undefined" || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["button", "checkbox", "radio", "range", "submit", "reset", "color", "file"].includes(type);
}

/** The action a key event asks for, or null (typing in a text field only ever reaches `inInputs` shortcuts). */
export function shortcutFor(e: KeyLike): ShortcutAction | null {
  const typing = isEditableTarget(e.target);
  for (const s of SHORTCUTS) {
    if (!s.action || (typing && !s.inInputs)) continue;
    if (s.bindings.some((x) => matches(e, x))) return s.action;
  }
  if (typing) return null;
  for (const x of EXTRA) if (matches(e, x.binding)) return x.action;
  return null;
}

/** How a shortcut's first key combination reads, e.g. "Ctrl+Shift+Z", for tooltips. */
export function shortcutHint(action: ShortcutAction): string {
  const s = SHORTCUTS.find((x) => x.action === action);
  return s ? s.bindings[0].label.join(isMac ? "" : "+") : "";
}
