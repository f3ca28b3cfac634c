// Owns how a node category looks on the canvas and in the palette: its colour and icon.
import type { IconName } from "../../shared/icons";

export type KindStyle = { color: string; icon: IconName };

const RULES: [RegExp, KindStyle][] = [
  [/trigger/, { color: "#34d399", icon: "zap" }],
  [/\bai\b|agent|llm|model/, { color: "#a78bfa", icon: "sparkles" }],
  [/integration/, { color: "#f472b6", icon: "plug" }],
  [/data|transform/, { color: "#22d3ee", icon: "braces" }],
  [/flow|logic|control/, { color: "#fbbf24", icon: "branch" }],
  [/output|result|end/, { color: "#94a3b8", icon: "flag" }],
  [/action|http|request|blueprint/, { color: "#60a5fa", icon: "globe" }],
];

const FALLBACK = ["#60a5fa", "#f472b6", "#22d3ee", "#fbbf24", "#a78bfa", "#34d399", "#fb923c"];

export function categoryStyle(category: string | undefined): KindStyle {
  const c = (category ?? "").toLowerCase();
  for (const [re, style] of RULES) if (re.test(c)) return style;
  let h = 0;
  for (const ch of c) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return { color: FALLBACK[h % FALLBACK.length], icon: "box" };
}
