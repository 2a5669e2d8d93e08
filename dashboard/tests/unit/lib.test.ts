import { describe, expect, it } from "vitest";
import { csvField, toCsv } from "@/lib/csv";
import { diffFields } from "@/lib/diff";
import { explorerTxUrl } from "@/lib/explorer";
import { countdown, utcTime } from "@/lib/time";

describe("csv", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("=1+1")).toBe('"=1+1"');
    expect(csvField(null)).toBe("");
    expect(toCsv(["a", "b"], [[1, "x\ny"]])).toBe('a,b\r\n1,"x\ny"\r\n');
  });
});

describe("explorer links", () => {
  it("names the cluster", () => {
    expect(explorerTxUrl("sig", { name: "mainnet-beta", rpcUrl: "" })).toBe("https://explorer.solana.com/tx/sig");
    expect(explorerTxUrl("sig", { name: "devnet", rpcUrl: "" })).toBe("https://explorer.solana.com/tx/sig?cluster=devnet");
    expect(explorerTxUrl("sig", { name: "localnet", rpcUrl: "http://127.0.0.1:8899" })).toBe(
      "https://explorer.solana.com/tx/sig?cluster=custom&customUrl=http%3A%2F%2F127.0.0.1%3A8899",
    );
  });
});

describe("time", () => {
  it("counts down and stops", () => {
    const now = Date.parse("2026-12-03T10:00:00Z");
    expect(countdown("2026-12-03T10:04:05Z", now)).toBe("4m 05s");
    expect(countdown("2026-12-03T11:00:01Z", now)).toBe("1h 00m 01s");
    expect(countdown("2026-12-03T09:59:59Z", now)).toBeNull();
    expect(utcTime("2026-12-03T10:04:05.123456Z")).toBe("2026-12-03 10:04:05Z UTC");
  });
});

describe("policy diff", () => {
  it("lists changed fields only", () => {
    expect(diffFields({ a: "1", b: "2" }, { a: "1", b: "3", c: "4" })).toEqual([
      { field: "b", before: "2", after: "3" },
      { field: "c", before: "—", after: "4" },
    ]);
  });
});
