// Owns the floating canvas toolbar: select/hand tool, undo/redo, add node, auto-layout, zoom to fit, snap, shortcuts.
import type { ReactNode } from "react";
import { useShallow } from "zustand/react/shallow";
import { Icon, type IconName } from "../../shared/icons";
import { useCanvasPrefs } from "./prefs";
import { shortcutHint, type ShortcutAction } from "./shortcuts";
import { historySelector, useCanvasStore } from "./store";

type Props = {
  onQuickAdd: () => void;
  onLayout: () => void;
  layingOut: boolean;
  onFit: () => void;
  onHelp: () => void;
};

function ToolButton({
  icon,
  label,
  action,
  testId,
  onClick,
  disabled,
  pressed,
  children,
}: {
  icon: IconName;
  label: string;
  action?: ShortcutAction;
  testId: string;
  onClick: () => void;
  disabled?: boolean;
  pressed?: boolean;
  children?: ReactNode;
}) {
  const hint = action ? shortcutHint(action) : "";
  return (
    <button
      type="button"
      className={`ctool${pressed ? " is-on" : ""}${children ? " ctool-wide" : ""}`}
      data-testid={testId}
      // A button that shows its label names itself by it (a name that differs from the visible text confuses
      // speech input); an icon-only one needs the label.
      aria-label={children ? undefined : label}
      aria-pressed={pressed}
      title={hint ? `${label} (${hint})` : label}
      disabled={disabled}
      onClick={onClick}
    >
      <Icon name={icon} size={16} />
      {children}
    </button>
  );
}

export function CanvasToolbar({ onQuickAdd, onLayout, layingOut, onFit, onHelp }: Props) {
  const { canUndo, canRedo, undoLabel, redoLabel } = useCanvasStore(useShallow(historySelector));
  const { nodeCount, selectedCount } = useCanvasStore(
    useShallow((s) => ({ nodeCount: s.nodes.length, selectedCount: s.nodes.reduce((n, x) => n + (x.selected ? 1 : 0), 0) })),
  );
  const { tool, setTool, snapToGrid, setSnapToGrid } = useCanvasPrefs();
  const undo = () => useCanvasStore.getState().undo();
  const redo = () => useCanvasStore.getState().redo();

  return (
    <div className="canvas-toolbar" role="toolbar" aria-label="Canvas tools" data-testid="canvas-toolbar">
      <div className="ctool-group">
        <ToolButton icon="pointer" label="Select tool: drag to box-select" action="toolSelect" testId="tool-select" pressed={tool === "select"} onClick={() => setTool("select")} />
        <ToolButton icon="hand" label="Hand tool: drag to pan" action="toolPan" testId="tool-pan" pressed={tool === "pan"} onClick={() => setTool("pan")} />
      </div>
      <span className="ctool-sep" aria-hidden="true" />
      <div className="ctool-group">
        <ToolButton icon="undo" label={undoLabel ? `Undo ${undoLabel.toLowerCase()}` : "Undo"} action="undo" testId="undo" disabled={!canUndo} onClick={undo} />
        <ToolButton icon="redo" label={redoLabel ? `Redo ${redoLabel.toLowerCase()}` : "Redo"} action="redo" testId="redo" disabled={!canRedo} onClick={redo} />
      </div>
      <span className="ctool-sep" aria-hidden="true" />
      <div className="ctool-group">
        <ToolButton icon="plus" label="Add node" action="quickAdd" testId="quick-add-open" onClick={onQuickAdd}>
          <span>Add node</span>
          <kbd className="ctool-kbd" aria-hidden="true">
            Tab
          </kbd>
        </ToolButton>
      </div>
      <span className="ctool-sep" aria-hidden="true" />
      <div className="ctool-group">
        <ToolButton icon="layout" label="Auto-layout" action="layout" testId="auto-layout" disabled={nodeCount === 0 || layingOut} onClick={onLayout} />
        <ToolButton icon="fit" label="Zoom to fit" action="fit" testId="zoom-fit" disabled={nodeCount === 0} onClick={onFit} />
        <ToolButton icon="grid" label={snapToGrid ? "Snap to grid: on" : "Snap to grid: off"} action="snap" testId="snap-toggle" pressed={snapToGrid} onClick={() => setSnapToGrid(!snapToGrid)} />
      </div>
      <span className="ctool-sep" aria-hidden="true" />
      <ToolButton icon="keyboard" label="Keyboard shortcuts" action="help" testId="shortcuts-open" onClick={onHelp} />
      {selectedCount > 0 && (
        <span className="ctool-selection" data-testid="selection-count">
          {selectedCount} selected
        </span>
      )}
    </div>
  );
}
