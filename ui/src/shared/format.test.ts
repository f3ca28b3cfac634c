// Tests how run figures read.
import { describe, expect, it } from "vitest";
import { formatCost, formatDuration, formatElapsed, formatTokens } from "./format";

describe("formatDuration", () => {
  it.each([
    [null, "—"],
    [-5, "—"],
    [0, "0 ms"],
    [340, "340 ms"],
    [999.4, "999 ms"],
    [999.6, "1.00 s"],
    [4_250, "4.25 s"],
    [9_994, "9.99 s"],
    [9_996, "10.0 s"],
    [12_340, "12.3 s"],
    [59_949, "59.9 s"],
    [59_951, "1 m 0 s"],
    [125_000, "2 m 5 s"],
    [3_599_400, "59 m 59 s"],
    [3_600_000, "1 h 0 m"],
    [3_840_000, "1 h 4 m"],
  ])("%s ms reads %s", (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });
});

describe("formatElapsed", () => {
  const start = "2025-03-01T10:00:00.000Z";
  it.each([
    [0, "0 s"],
    [900, "0 s"],
    [42_500, "42 s"],
    [187_000, "3 m 7 s"],
    [3_725_000, "1 h 2 m"],
  ])("%s ms after the start reads %s", (ms, want) => {
    expect(formatElapsed(start, new Date(Date.parse(start) + ms))).toBe(want);
  });
  it("never counts backwards and survives a bad timestamp", () => {
    expect(formatElapsed(start, new Date(Date.parse(start) - 5_000))).toBe("0 s");
    expect(formatElapsed("not a time", new Date())).toBe("—");
  });
});

describe("formatCost", () => {
  it.each([
    [null, "—"],
    [Number.NaN, "—"],
    [0, "$0.00"],
    [0.00001, "< $0.0001"],
    [0.0042, "$0.0042"],
    [0.00421349, "$0.0042"],
    [0.042, "$0.042"],
    [0.0999, "$0.100"],
    [0.125, "$0.13"],
    [0.5, "$0.50"],
    [1.2449, "$1.24"],
    [1234.5, "$1,234.50"],
  ])("%s USD reads %s", (usd, want) => {
    expect(formatCost(usd)).toBe(want);
  });
});

describe("formatTokens", () => {
  it.each([
    [0, "0"],
    [812, "812"],
    [9_999, "9,999"],
    [12_345, "12.3k"],
    [999_949, "999.9k"],
    [999_950, "1.0M"],
    [2_400_000, "2.4M"],
  ])("%s tokens read %s", (n, want) => {
    expect(formatTokens(n)).toBe(want);
  });
});
