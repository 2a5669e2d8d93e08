import { describe, expect, it } from "vitest";
import { formatUsdc, parseUsdc, usdcDecimal, usdcInput } from "@/lib/money";

describe("parseUsdc", () => {
  it.each([
    ["2.50", 2_500_000],
    ["2", 2_000_000],
    [".5", 500_000],
    ["0.000001", 1],
    ["1,000", 1_000_000_000],
    [" 7.000000 ", 7_000_000],
    ["+3", 3_000_000],
    ["0", 0],
    ["9007199254.740991", Number.MAX_SAFE_INTEGER],
  ])("reads %j as %d base units", (text, units) => {
    expect(parseUsdc(text)).toEqual({ ok: true, baseUnits: units });
  });

  it("is exact where floating point is not", () => {
    // 0.1 + 0.2 and 1.005 * 1e6 go wrong in floating point.
    expect(parseUsdc("0.3")).toEqual({ ok: true, baseUnits: 300_000 });
    expect(parseUsdc("1.005")).toEqual({ ok: true, baseUnits: 1_005_000 });
    expect(parseUsdc("4503599627.370497")).toEqual({ ok: true, baseUnits: 4_503_599_627_370_497 });
  });

  it.each([
    ["", /Enter an amount/],
    ["   ", /Enter an amount/],
    ["-1", /negative/],
    ["-0.5", /negative/],
    ["1.0000001", /6 decimal places/],
    ["0.1234567", /has 7/],
    ["abc", /not an amount/],
    ["1.2.3", /not an amount/],
    ["1e6", /not an amount/],
    [".", /not an amount/],
    ["0x10", /not an amount/],
    ["Infinity", /not an amount/],
    ["NaN", /not an amount/],
    ["1,2.3", /thousands separator/],
    ["12,34", /thousands separator/],
    ["1.000,5", /not an amount/],
    ["1 000", /not an amount/],
    ["2.5 USDC", /not an amount/],
    ["9007199254.740992", /too large/],
    ["99999999999999999999", /too large/],
  ])("refuses %j", (text, why) => {
    const parsed = parseUsdc(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(why);
  });
});

describe("formatting", () => {
  it("shows every significant digit with separators", () => {
    expect(formatUsdc(2_500_000)).toBe("2.50 USDC");
    expect(formatUsdc(1)).toBe("0.000001 USDC");
    expect(formatUsdc(1_234_567_891)).toBe("1,234.567891 USDC");
    expect(formatUsdc(0)).toBe("0.00 USDC");
    expect(formatUsdc(Number.MAX_SAFE_INTEGER)).toBe("9,007,199,254.740991 USDC");
    expect(formatUsdc(BigInt("9223372036854775807"))).toBe("9,223,372,036,854.775807 USDC");
    expect(formatUsdc(5_000_000, false)).toBe("5.00");
  });

  it("gives exact decimal text for CSV and inputs", () => {
    expect(usdcDecimal(2_500_000)).toBe("2.500000");
    expect(usdcDecimal(-1)).toBe("-0.000001");
    expect(usdcInput(2_500_000)).toBe("2.5");
    expect(usdcInput(3_000_000)).toBe("3");
  });

  it("refuses numbers that are not exact integers", () => {
    expect(() => formatUsdc(1.5)).toThrow(RangeError);
    expect(() => formatUsdc(2 ** 60)).toThrow(RangeError);
  });

  it("round-trips", () => {
    for (const units of [0, 1, 10, 999_999, 1_000_000, 123_456_789, Number.MAX_SAFE_INTEGER]) {
      expect(parseUsdc(usdcInput(units))).toEqual({ ok: true, baseUnits: units });
      expect(parseUsdc(formatUsdc(units, false))).toEqual({ ok: true, baseUnits: units });
    }
  });
});
