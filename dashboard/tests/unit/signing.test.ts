import { describe, expect, it } from "vitest";
import { authorization, canonical } from "../../e2e/support/signed";

// The e2e tests' request signer (docs/api.md, "Authentication"). The expected signatures were
// computed apart from this code (Python's hmac and hashlib), over the same canonical text.
describe("API key signatures", () => {
  const key = { keyId: "mpk_test", secret: "mps_test-secret" };

  it("signs METHOD, PATH, QUERY, TIMESTAMP and the body's SHA-256, keyed with SHA-256(secret)", () => {
    const body = '{"amount":1}';
    expect(canonical("POST", "/v1/transfers", "limit=5&x=a%20b", 1795000000, body)).toBe(
      "POST\n/v1/transfers\nlimit=5&x=a%20b\n1795000000\nc2b11e657e12fd177359627ca89412018e2274d0873cfbfcf1fc50f685582e9e",
    );
    expect(authorization(key, "POST", "/v1/transfers", "limit=5&x=a%20b", 1795000000, body)).toBe(
      "MPPPal-HMAC-SHA256 KeyId=mpk_test, Timestamp=1795000000, Signature=de3c22a9ad7b38c5092846cb685bbd81835b6561e01d15f1788555c8bd6f891b",
    );
  });

  it("signs an empty query and an empty body", () => {
    expect(authorization(key, "GET", "/v1/operator", "", 1795000000, "")).toBe(
      "MPPPal-HMAC-SHA256 KeyId=mpk_test, Timestamp=1795000000, Signature=6a9fe69edff4ea8be9d1ae31cb168cd67a55f6bed5a5dcc0c70a8d738ba39ebd",
    );
  });
});
