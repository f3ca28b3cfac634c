// Tests the UUIDv7 generator.
import { describe, expect, it } from "vitest";
import { isUuidV7, uuidv7 } from "./uuidv7";

describe("uuidv7", () => {
  it("encodes the timestamp, version and variant", () => {
    const id = uuidv7(0x0190_b8e4_5c1a, new Uint8Array(10).fill(0xff));
    expect(id).toBe("0190b8e4-5c1a-7fff-bfff-ffffffffffff");
    expect(isUuidV7(id)).toBe(true);
    expect(uuidv7(0, new Uint8Array(10))).toBe("00000000-0000-7000-8000-000000000000");
  });

  it("is unique and sorts by creation time", () => {
    const ids = Array.from({ length: 200 }, (_, i) => uuidv7(1_700_000_000_000 + i));
    expect(new Set(ids).size).toBe(200);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every(isUuidV7)).toBe(true);
    expect(isUuidV7(crypto.randomUUID())).toBe(false);
  });
});
