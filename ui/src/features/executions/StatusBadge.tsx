// Owns the status pill of runs and nodes: colour, glyph (a spinner while running) and words, never colour alone.
import { Icon, type IconName } from "../../shared/icons";
import type { StatusGlyph, StatusLook } from "./runFormat";

const GLYPH_ICON: Record<Exclude<StatusGlyph, "spinner">, IconName> = {
  check: "check",
  cross: "x",
  stop: "stop",
  clock: "clock",
  skip: "skip",
  pin: "pin",
};

export function StatusGlyphIcon({ glyph, size = 13 }: { glyph: StatusGlyph; size?: number }) {
  if (glyph === "spinner") return <span className="exec-spinner" style={{ width: size, height: size }} aria-hidden="true" />;
  return <Icon name={GLYPH_ICON[glyph]} size={size} strokeWidth={2.25} />;
}

type Props = { look: StatusLook; testId?: string; title?: string; compact?: boolean };

export function StatusBadge({ look, testId, title, compact = false }: Props) {
  return (
    <span className={`exec-status tone-${look.tone}${compact ? " is-compact" : ""}`} data-testid={testId} data-tone={look.tone} title={title}>
      <StatusGlyphIcon glyph={look.glyph} />
      <span className="exec-status-text">{look.label}</span>
    </span>
  );
}
