import { describe, expect, it } from "vitest";
import type { SyncStatus } from "../../ipc";
import { fieldLabel, valueText } from "./ConflictList";
import { ago, syncSummary } from "./teamStatus";

const now = new Date("2026-12-06T12:00:00Z");
const base: SyncStatus = {
  state: "synced",
  lastSyncedAt: "2026-12-06T11:59:48Z",
  lastAttemptAt: "2026-12-06T11:59:48Z",
  error: null,
  waiting: 0,
  conflicts: 0,
  refused: [],
  pulledRevision: 0,
  lastPushed: 0,
  lastPulled: 0,
  fullResync: false,
  clockFlagged: false,
};

describe("the sync control's line", () => {
  it("says how long ago it synced, in seconds at first", () => {
    expect(syncSummary(base, now)).toEqual({ text: "Synced 12 s ago", tone: "ok" });
    expect(ago("2026-12-06T11:59:59Z", now)).toBe("just now");
    expect(ago("2026-12-06T11:50:00Z", now)).toBe("10 minutes ago");
  });

  it("counts the changes waiting and the conflicts", () => {
    expect(syncSummary({ ...base, waiting: 3 }, now).text).toBe("3 changes waiting");
    expect(syncSummary({ ...base, state: "offline", waiting: 1 }, now)).toEqual({ text: "Offline · 1 change waiting", tone: "warn" });
    expect(syncSummary({ ...base, conflicts: 2 }, now)).toEqual({ text: "Synced 12 s ago · 2 conflicts", tone: "warn" });
  });

  it("counts the order changes the team refused", () => {
    const refusal = { id: "r", orderId: "o", orderTitle: "Triage bot", what: "Move the order to Testing", reason: "no", madeAt: base.lastSyncedAt!, refusedAt: base.lastSyncedAt! };
    expect(syncSummary({ ...base, refused: [refusal, { ...refusal, id: "s" }] }, now)).toEqual({ text: "Synced 12 s ago · 2 refused", tone: "warn" });
  });

  it("says a failure and a sync under way", () => {
    expect(syncSummary({ ...base, state: "failed" }, now).tone).toBe("error");
    expect(syncSummary({ ...base, state: "syncing" }, now)).toEqual({ text: "Syncing…", tone: "busy" });
    expect(syncSummary({ ...base, state: "connecting" }, now).text).toBe("Connecting…");
  });
});

describe("a conflict in words", () => {
  it("names fields as a person would", () => {
    expect(fieldLabel("config.url")).toBe("setting “url”");
    expect(fieldLabel("position")).toBe("position");
    expect(fieldLabel("deletedAt")).toBe("deletion");
    expect(fieldLabel("label")).toBe("label");
  });

  it("shows values short", () => {
    expect(valueText([120.4, 80], "position")).toBe("(120, 80)");
    expect(valueText(null, "config.url")).toBe("(removed)");
    expect(valueText("x".repeat(100), "name")).toHaveLength(80);
    expect(valueText({ a: 1 }, "config.body")).toBe('{"a":1}');
  });
});
