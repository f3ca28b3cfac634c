// Tests the Executions page's number and status formatting.
import { describe, expect, it } from "vitest";
import { executionLook, firstLine, formatOffset, isLive, nodeLook, plural, shortId } from "./runFormat";

describe("firstLine", () => {
  it("takes the first non-empty line, trimmed", () => {
    expect(firstLine("\n  node 'Fetch' (http.request) failed: 503  \nstack trace")).toBe("node 'Fetch' (http.request) failed: 503");
  });
  it("shortens a long line with an ellipsis", () => {
    const got = firstLine("x".repeat(300), 50);
    expect(got).toHaveLength(50);
    expect(got.endsWith("…")).toBe(true);
  });
  it("is empty for no error", () => {
    expect(firstLine(null)).toBe("");
    expect(firstLine("  \n ")).toBe("");
  });
});

describe("status looks", () => {
  it("gives every execution status its own words and colour", () => {
    const looks = (["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"] as const).map(executionLook);
    expect(looks.map((l) => l.label)).toEqual(["Queued", "Running", "Completed", "Failed", "Cancelled"]);
    expect(new Set(looks.map((l) => l.tone)).size).toBe(5);
    expect(executionLook("RUNNING").glyph).toBe("spinner");
  });
  it("treats only pending and running runs as live", () => {
    expect(["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"].filter((s) => isLive(s as never))).toEqual(["PENDING", "RUNNING"]);
  });
  it("tells a handled node failure from one that failed the run", () => {
    expect(nodeLook("failed")).toMatchObject({ label: "Failed", tone: "danger" });
    expect(nodeLook("failed", true)).toMatchObject({ label: "Failed · handled", tone: "warning" });
    expect(nodeLook("skipped").tone).toBe("muted");
    expect(nodeLook("pinned").label).toBe("Pinned data");
  });
});

describe("plural", () => {
  it("counts", () => {
    expect(plural(1, "item")).toBe("1 item");
    expect(plural(3, "item")).toBe("3 items");
    expect(plural(2, "entry", "entries")).toBe("2 entries");
  });
});

describe("ids and offsets", () => {
  it("shortens a run id to its random tail", () => {
    expect(shortId("01920000-0000-7000-8000-00000000d001")).toBe("0000d001");
  });
  it("writes a start offset with a plus", () => {
    expect(formatOffset(0)).toBe("+0 ms");
    expect(formatOffset(1_250)).toBe("+1.25 s");
  });
});
