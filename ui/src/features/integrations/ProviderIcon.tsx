// Owns the provider marks of the Integrations page: a tinted tile with a line glyph per provider (no brand artwork).
import type { IntegrationProvider } from "../../ipc";

const GLYPHS: Record<IntegrationProvider, { color: string; path: string }> = {
  SLACK: { color: "#e8a93a", path: "M9.5 3.5L7.5 20.5M16.5 3.5l-2 17M4.5 8.5h15.5M4 15.5h15.5" },
  GMAIL: { color: "#f0685c", path: "M3.5 6h17v12h-17zM3.5 6.5L12 13l8.5-6.5" },
  WEBHOOK: {
    color: "#3ecf8e",
    path: "M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1 1M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1-1",
  },
  HTTP: {
    color: "#6aa6ff",
    path: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18",
  },
};

export function ProviderIcon({ provider, size = 32 }: { provider: IntegrationProvider; size?: number }) {
  const { color, path } = GLYPHS[provider];
  return (
    <span className="provider-icon" style={{ width: size, height: size, ["--provider" as string]: color }} aria-hidden="true">
      <svg
        width={Math.round(size * 0.56)}
        height={Math.round(size * 0.56)}
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={1.9}
        strokeLinecap="round"
        strokeLinejoin="round"
        focusable="false"
      >
        <path d={path} />
      </svg>
    </span>
  );
}
