// Requests signed with an API key, as a program (an agent, a script) calls the API: no cookie, no
// CSRF header, an `Authorization` header over the exact bytes sent (docs/api.md, "Authentication";
// crates/mpppal-signing). The e2e tests use the operator's first key, the one `operator create`
// printed, to ask for payments a signed-in person then decides on.

import { createHash, createHmac } from "node:crypto";

export const SCHEME = "MPPPal-HMAC-SHA256";

export interface ApiKey {
  keyId: string;
  secret: string;
}

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data);

/** What is signed: METHOD \n PATH \n QUERY \n TIMESTAMP \n hex(SHA-256(body)). */
export function canonical(method: string, path: string, query: string, timestamp: number, body: Uint8Array | string): string {
  return `${method}\n${path}\n${query}\n${timestamp}\n${sha256(body).digest("hex")}`;
}

/** The `Authorization` value: HMAC-SHA256 keyed with SHA-256(secret). */
export function authorization(key: ApiKey, method: string, path: string, query: string, timestamp: number, body: Uint8Array | string): string {
  const signature = createHmac("sha256", sha256(key.secret).digest())
    .update(canonical(method, path, query, timestamp, body))
    .digest("hex");
  return `${SCHEME} KeyId=${key.keyId}, Timestamp=${timestamp}, Signature=${signature}`;
}

/** The operator's first key (every scope), from the global setup. */
export function operatorKey(): ApiKey {
  const keyId = process.env.E2E_KEY_ID;
  const secret = process.env.E2E_KEY_SECRET;
  if (!keyId || !secret) throw new Error("E2E_KEY_ID / E2E_KEY_SECRET are not set: the global setup did not start the stack");
  return { keyId, secret };
}

/** Calls the API at the stack's base URL with a signed request; the answer's status and JSON. */
export async function signedCall(
  key: ApiKey,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(pathAndQuery, process.env.E2E_BASE_URL);
  const bytes = body === undefined ? "" : JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(url, {
    method,
    body: body === undefined ? undefined : bytes,
    headers: {
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
      authorization: authorization(key, method, url.pathname, url.search.replace(/^\?/, ""), timestamp, bytes),
    },
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, body: json as Record<string, unknown> };
}
