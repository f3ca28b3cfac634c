// Owns the one poll of the team status that every part of the window shares (the sidebar's sync control, the Team page, lists that reload when someone else's changes arrive), and how a status reads in words.
import { useSyncExternalStore } from "react";
import { api, type SyncStatus, type TeamStatus } from "../../ipc";
import { relativeTime } from "../../shared/time";

/** Signed in to a team: as often as the core syncs on its own. The offline workspace has nothing to watch for. */
const POLL_TEAM_MS = 2000;
const POLL_OFFLINE_MS = 15000;

let status: TeamStatus | null = null;
let shown = "";
let timer: ReturnType<typeof setTimeout> | null = null;
const listeners = new Set<() => void>();

function publish(next: TeamStatus): void {
  // Only a changed status re-renders (the poll answers the same thing most of the time).
  const text = JSON.stringify(next);
  if (text === shown) return;
  shown = text;
  status = next;
  listeners.forEach((l) => l());
}

async function poll(): Promise<void> {
  timer = null;
  try {
    publish(await api.teamStatus());
  } catch {
    // The window's own error screen covers a core that cannot answer; the next poll tries again.
  }
  if (listeners.size > 0 && timer === null) timer = setTimeout(() => void poll(), status?.team ? POLL_TEAM_MS : POLL_OFFLINE_MS);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (listeners.size === 1 && timer === null) void poll();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
  };
}

/** The team status, kept current; `null` until the first answer. */
export function useTeamStatus(): TeamStatus | null {
  return useSyncExternalStore(subscribe, () => status);
}

/** Shows a status a command just answered with (Sync now, sign-in) without waiting for the poll. */
export function showTeamStatus(next: TeamStatus): void {
  publish(next);
}

/** Grows each time a sync brought changes from the team database: lists depend on it to reload. */
export function usePulledRevision(): number {
  return useTeamStatus()?.sync?.pulledRevision ?? 0;
}

/** "just now", "12 s ago", then the usual relative time: a sync every few seconds shows its seconds. */
export function ago(iso: string, now: Date): string {
  const seconds = Math.floor((now.getTime() - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return "—";
  if (seconds < 3) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  return relativeTime(iso, now);
}

/** The signed-in person is a VIEWER of the open organization: pages offer no edits (the local store refuses them too). */
export function useIsViewer(): boolean {
  return useTeamStatus()?.team?.member.role === "VIEWER";
}

export type SyncTone = "ok" | "busy" | "warn" | "error";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The sync control's one line: offline / syncing / synced N ago / N changes waiting / N conflicts. */
export function syncSummary(sync: SyncStatus, now: Date): { text: string; tone: SyncTone } {
  const waiting = sync.waiting > 0 ? plural(sync.waiting, "change waiting", "changes waiting") : null;
  let text: string;
  let tone: SyncTone;
  switch (sync.state) {
    case "connecting":
      text = "Connecting…";
      tone = "busy";
      break;
    case "syncing":
      text = "Syncing…";
      tone = "busy";
      break;
    case "offline":
      text = waiting ? `Offline · ${waiting}` : "Offline";
      tone = "warn";
      break;
    case "failed":
      text = "Sync failed";
      tone = "error";
      break;
    case "synced":
      text = waiting ?? (sync.lastSyncedAt ? `Synced ${ago(sync.lastSyncedAt, now)}` : "Synced");
      tone = waiting ? "busy" : "ok";
      break;
  }
  if (sync.conflicts > 0) {
    text += ` · ${plural(sync.conflicts, "conflict", "conflicts")}`;
    if (tone === "ok") tone = "warn";
  }
  if (sync.refused.length > 0) {
    text += ` · ${sync.refused.length} refused`;
    if (tone === "ok" || tone === "busy") tone = "warn";
  }
  return { text, tone };
}
