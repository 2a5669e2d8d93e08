// The operator client's transport and the paying client's choices, without a chain: signing,
// one Idempotency-Key across retries, bigint bodies, pages, challenge choice, bad input.
import { createServer, type IncomingHttpHeaders } from "node:http";
import { Challenge } from "mppx";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  createPayingFetch,
  custodialWallet,
  Ed25519Key,
  formatCredential,
  InvalidInputError,
  MppPal,
  PageList,
  parseChallenge,
  policyWallet,
  SETTLEMENT_PROGRAM_ID,
  signRequest,
  challengesOf,
} from "../../src/index.js";
import { chooseCharge } from "../../src/paying/policy-payer.js";
import { toJson } from "../../src/operator/transport.js";

const mint = Ed25519Key.generate().address;
const recipient = Ed25519Key.generate().address;

function challenge(request: Record<string, unknown>, id = "ch1"): string {
  return Challenge.serialize({ id, realm: "test", method: "solana", intent: "charge", request });
}

describe("operator transport", () => {
  it("signs each attempt afresh and reuses one Idempotency-Key across retries", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        seen.push(req.headers);
        bodies.push(body);
        if (seen.length < 3) {
          res.writeHead(503, { "content-type": "application/problem+json" }).end(JSON.stringify({ code: "not_ready", detail: "later" }));
        } else {
          res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ transferId: "txn_1" }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as { port: number }).port;
      const api = new MppPal({ keyId: "mpk_test", secret: "s3cret", baseUrl: `http://127.0.0.1:${port}`, backoff: () => 10 });
      const created = await api.transfers.create({ accountId: "acct_1", to: recipient, amount: 9_007_199_254_740_993n });
      expect(created).toEqual({ transferId: "txn_1" });
      expect(seen).toHaveLength(3);
      const keys = new Set(seen.map((h) => h["idempotency-key"]));
      expect(keys.size).toBe(1);
      expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
      // The amount above 2^53 goes out exactly, as a JSON integer.
      expect(bodies[0]).toContain('"amount":9007199254740993');
      const auth = seen[0]!.authorization!;
      const timestamp = Number(/Timestamp=(\d+)/.exec(auth)![1]);
      expect(auth).toBe(signRequest("mpk_test", "s3cret", { method: "POST", path: "/v1/transfers", timestamp, body: bodies[0]! }));
    } finally {
      server.close();
    }
  });

  it("never signs the same request twice in one second (the API would refuse a replay)", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization!);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as { port: number }).port;
      const api = new MppPal({ keyId: "mpk_test", secret: "s", baseUrl: `http://127.0.0.1:${port}` });
      await api.operator();
      await api.operator();
      expect(seen).toHaveLength(2);
      expect(seen[0]).not.toBe(seen[1]);
    } finally {
      server.close();
    }
  });

  it("turns a problem into an ApiError with code, status and detail", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(422, { "content-type": "application/problem+json" }).end(JSON.stringify({ code: "payment_denied", detail: "over", reason: "over_daily_limit" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as { port: number }).port;
      const api = new MppPal({ keyId: "mpk_test", secret: "s", baseUrl: `http://127.0.0.1:${port}` });
      const error = (await api.operator().catch((e: unknown) => e)) as ApiError;
      expect(error).toBeInstanceOf(ApiError);
      expect([error.code, error.status, error.detail, error.body.reason]).toEqual(["payment_denied", 422, "over", "over_daily_limit"]);
    } finally {
      server.close();
    }
  });

  it("refuses bad configuration at once", () => {
    expect(() => new MppPal({ keyId: "nope", secret: "s", baseUrl: "http://x" })).toThrow(InvalidInputError);
    expect(() => new MppPal({ keyId: "mpk_1", secret: "s", baseUrl: "not a url" })).toThrow(InvalidInputError);
  });

  it("writes bigints as JSON integers", () => {
    expect(toJson({ a: 1n, b: [2n], c: "3" })).toBe('{"a":1,"b":[2],"c":"3"}');
  });
});

describe("pages", () => {
  it("awaits the first page and iterates every item across pages", async () => {
    const pages: Record<string, { items: number[]; nextCursor: string | null }> = {
      "": { items: [1, 2], nextCursor: "b" },
      b: { items: [3], nextCursor: null },
    };
    const list = new PageList<number>(async (cursor) => pages[cursor ?? ""]!);
    expect((await list).items).toEqual([1, 2]);
    expect(await list.all()).toEqual([1, 2, 3]);
  });
});

describe("challenges", () => {
  it("parses several challenges from one header and echoes the request unchanged", () => {
    const a = challenge({ amount: "10", currency: mint, recipient, methodDetails: { decimals: 6 } }, "a");
    const b = challenge({ amount: "20", currency: mint, recipient, methodDetails: { decimals: 6, feePayer: true, feePayerKey: recipient } }, "b");
    const headers = new Headers();
    headers.append("www-authenticate", a);
    headers.append("www-authenticate", b);
    headers.append("www-authenticate", 'Bearer realm="x"');
    const all = challengesOf(headers);
    expect(all.map((c) => c.id)).toEqual(["a", "b"]);
    const parsed = parseChallenge(a);
    const header = formatCredential(parsed, { type: "signature", signature: "x" });
    const json = JSON.parse(Buffer.from(header.slice("Payment ".length), "base64url").toString());
    expect(Object.keys(json.challenge)).toEqual(["id", "realm", "method", "intent", "request"]);
    expect(json.challenge.request).toBe(/request="([^"]+)"/.exec(a)![1]);
  });

  // As the Rust client: the first challenge it can pay, and within it a receipt, then a
  // sponsored transaction, then push.
  it("prefers receipts, then sponsored transactions, then push", () => {
    const offer = (details: Record<string, unknown>, id: string) =>
      parseChallenge(challenge({ amount: "10", currency: mint, recipient, methodDetails: { decimals: 6, ...details } }, id));
    const receipt = offer({ mpppalReceipt: { settlementProgram: SETTLEMENT_PROGRAM_ID, maxTtlSeconds: 60 }, feePayer: true, feePayerKey: recipient }, "r");
    const sponsored = offer({ feePayer: true, feePayerKey: recipient }, "s");
    const plain = offer({}, "p");
    expect(chooseCharge([receipt, sponsored], mint, SETTLEMENT_PROGRAM_ID, false).payBy.kind).toBe("receipt");
    expect(chooseCharge([sponsored, receipt], mint, SETTLEMENT_PROGRAM_ID, false).challenge.id).toBe("s");
    expect(chooseCharge([plain, sponsored], mint, SETTLEMENT_PROGRAM_ID, false).payBy.kind).toBe("sponsored");
    expect(chooseCharge([plain], mint, SETTLEMENT_PROGRAM_ID, true).payBy.kind).toBe("push");
    expect(chooseCharge([receipt], mint, SETTLEMENT_PROGRAM_ID, false, false).payBy.kind).toBe("sponsored");
    expect(() => chooseCharge([plain], mint, SETTLEMENT_PROGRAM_ID, false)).toThrow(/no fee payer/);
    expect(() => chooseCharge([offer({}, "x")], Ed25519Key.generate().address, SETTLEMENT_PROGRAM_ID, true)).toThrow(/another currency/);
  });
});

describe("paying fetch configuration", () => {
  it("fails at once on bad input", () => {
    const agent = Ed25519Key.generate();
    expect(() => policyWallet({ agentSecretKey: agent, wallet: "not-a-key" })).toThrow(InvalidInputError);
    const wallet = policyWallet({ agentSecretKey: agent, wallet: recipient });
    expect(() => createPayingFetch({ wallet })).toThrow(/rpcUrl/);
    expect(() => createPayingFetch({ wallet, rpcUrl: "http://x", maxPricePerRequest: 5 as never })).toThrow(/bigint/);
    expect(() => createPayingFetch({ wallet, rpcUrl: "http://x", allowedOrigins: ["https://a.example/path"] })).toThrow(/origin/);
    expect(() => createPayingFetch({ wallet, rpcUrl: "http://x", allowedOrigins: ["nonsense"] })).toThrow(InvalidInputError);
    expect(() => createPayingFetch({ wallet, rpcUrl: "http://x", category: "Not OK" })).toThrow(InvalidInputError);
    const api = new MppPal({ keyId: "mpk_1", secret: "s", baseUrl: "http://127.0.0.1:9" });
    expect(() => custodialWallet({ api, accountId: "x", mint })).toThrow(InvalidInputError);
  });
});
