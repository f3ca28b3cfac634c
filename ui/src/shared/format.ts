// Owns how figures read everywhere: durations, elapsed time, token counts, costs in USD and counted nouns.

/** "340 ms", "4.25 s", "12.3 s", "2 m 5 s", "1 h 4 m"; "—" when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 9_995) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const total = Math.round(ms / 1000);
  if (total < 3600) return `${Math.floor(total / 60)} m ${total % 60} s`;
  const minutes = Math.round(total / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} m`;
}

/** Time since a live run started, to the second: "0 s", "42 s", "3 m 7 s". */
export function formatElapsed(startedAt: string, now: Date): string {
  const t = Date.parse(startedAt);
  if (Number.isNaN(t)) return "—";
  const total = Math.max(0, Math.floor((now.getTime() - t) / 1000));
  if (total < 60) return `${total} s`;
  if (total < 3600) return `${Math.floor(total / 60)} m ${total % 60} s`;
  return `${Math.floor(total / 3600)} h ${Math.floor((total % 3600) / 60)} m`;
}

/**
 * US dollars with the precision model prices need: "$1.24", "$0.13", "$0.042", "$0.0042", "< $0.0001", "$0.00" for none;
 * "—" when the cost is unknown.
 */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return "—";
  if (usd === 0) return "$0.00";
  const sign = usd < 0 ? "-" : "";
  const v = Math.abs(usd);
  if (v < 0.00005) return `< ${sign}$0.0001`;
  if (v < 0.01) return `${sign}$${v.toFixed(4)}`;
  if (v < 0.1) return `${sign}$${v.toFixed(3)}`;
  return `${sign}$${v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** The exact cost, for a tooltip: "$0.004213 (USD)". */
export function exactCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return "Cost unknown";
  return `$${usd.toFixed(6)} (USD)`;
}

/** "0", "1,234", "12.3k", "1.2M". */
export function formatTokens(n: number): string {
  if (!Number.isFinite(n)) return "—";
  if (n < 10_000) return Math.round(n).toLocaleString("en-US");
  if (n < 999_950) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** "1 item", "3 items". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
