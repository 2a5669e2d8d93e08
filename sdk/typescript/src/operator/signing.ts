// The operator API's request signature (ADR 0010, crates/mpppal-signing):
//   Authorization: MPPPal-HMAC-SHA256 KeyId=…, Timestamp=<unix s>, Signature=<hex>
//   signature = HMAC-SHA256(SHA-256(secret), METHOD \n PATH \n QUERY \n TIMESTAMP \n hex(SHA-256(body)))
import { createHash, createHmac } from "node:crypto";

export const SCHEME = "MPPPal-HMAC-SHA256";

/** The bytes signed for one request. */
export function canonicalRequest(method: string, path: string, query: string, timestamp: number, body: string | Uint8Array): string {
  const bodyHash = createHash("sha256").update(body).digest("hex");
  return `${method}\n${path}\n${query}\n${timestamp}\n${bodyHash}`;
}

/** The `Authorization` value for one request. */
export function signRequest(
  keyId: string,
  secret: string,
  request: { method: string; path: string; query?: string; timestamp: number; body?: string | Uint8Array },
): string {
  const key = createHash("sha256").update(secret, "utf8").digest();
  const canonical = canonicalRequest(request.method, request.path, request.query ?? "", request.timestamp, request.body ?? "");
  const tag = createHmac("sha256", key).update(canonical, "utf8").digest("hex");
  return `${SCHEME} KeyId=${keyId}, Timestamp=${request.timestamp}, Signature=${tag}`;
}
