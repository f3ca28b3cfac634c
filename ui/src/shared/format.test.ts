// Tests how run figures read.
import { describe, expect, it } from "vitest";
import { formatCost, formatDuration, formatTokens } from "./format";

describe("run figures", () => {
  it.each([
    [0, "<1 ms"],
    [0.4, "<1 ms"],
    [850.4, "850 ms"],
    [1240, "1.24 s"],
    [12_340, "12.3 s"],
    [125_000, "2 min 05 s"],
    [null, "—"],
    [-1, "—"],
  ])("duration %s reads %s", (ms, text) => expect(formatDuration(ms)).toBe(text));

  it.each([
    [0, "0"],
    [950, "950"],
    [12_345, "12.3k"],
    [123_456, "123k"],
    [1_234_567, "1.2M"],
  ])("tokens %s read %s", (n, text) => expect(formatTokens(n)).toBe(text));

  it.each([
    [0, "$0"],
    [0.0004, "$0.0004"],
    [0.01234, "$0.012"],
    [1.254, "$1.25"],
    [null, "—"],
  ])("cost %s reads %s", (usd, text) => expect(formatCost(usd)).toBe(text));
});
