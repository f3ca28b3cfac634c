// Tests the bounded JSON view's rules: children, summaries, which containers start open, and cut strings.
import { describe, expect, it } from "vitest";
import { childrenOf, isContainer, scalarKind, scalarText, startsOpen, summaryOf, OPEN_FLAT_MAX, OPEN_MAX_CHILDREN, STRING_CAP } from "./jsonTree";

describe("json tree", () => {
  it("knows containers and their children in order", () => {
    expect(isContainer([1])).toBe(true);
    expect(isContainer({})).toBe(true);
    expect(isContainer(null)).toBe(false);
    expect(isContainer("x")).toBe(false);
    expect(childrenOf(["a", "b"])).toEqual([["0", "a"], ["1", "b"]]);
    expect(childrenOf({ z: 1, a: 2 })).toEqual([["z", 1], ["a", 2]]);
  });

  it("summarises a collapsed container by its size", () => {
    expect(summaryOf([])).toBe("[]");
    expect(summaryOf([1])).toBe("[ 1 item ]");
    expect(summaryOf([1, 2, 3])).toBe("[ 3 items ]");
    expect(summaryOf({})).toBe("{}");
    expect(summaryOf({ a: 1, b: 2 })).toBe("{ 2 keys }");
  });

  it("opens shallow, small containers only", () => {
    expect(startsOpen({ a: 1 }, 0)).toBe(true);
    expect(startsOpen({ a: 1 }, 1)).toBe(true);
    expect(startsOpen({ a: { b: 1 } }, 2)).toBe(false);
    expect(startsOpen(["SENT"], 4)).toBe(true);
    expect(startsOpen(Array.from({ length: OPEN_FLAT_MAX + 1 }, () => "x"), 2)).toBe(false);
    expect(startsOpen(Array.from({ length: OPEN_MAX_CHILDREN + 1 }, () => 0), 0)).toBe(false);
  });

  it("cuts long strings and leaves other scalars as JSON", () => {
    expect(scalarText("hi")).toEqual({ text: '"hi"', cut: false });
    const long = scalarText("é".repeat(STRING_CAP + 10));
    expect(long.cut).toBe(true);
    expect(long.text).toBe(`"${"é".repeat(STRING_CAP)}…"`);
    expect(scalarText(12.5)).toEqual({ text: "12.5", cut: false });
    expect(scalarText(null)).toEqual({ text: "null", cut: false });
    expect(scalarText('a"b')).toEqual({ text: '"a\\"b"', cut: false });
    expect([null, true, 1, "s"].map((v) => scalarKind(v))).toEqual(["null", "bool", "number", "string"]);
  });
});
