// How the operator client reaches the API: every request HMAC-signed (ADR 0010), mutations
// carrying one Idempotency-Key that its retries reuse, retries with backoff on network errors,
// 429 and 5xx (each retry signed afresh: the API refuses an exact replay), problems as ApiError.
import { randomUUID } from "node:crypto";
import { ApiError, MppPalError } from "../errors.js";
import { signRequest } from "./signing.js";

export interface TransportOptions {
  keyId: string;
  secret: string;
  /** Attempts per request, the first included (default 4: waits of about 1, 2 and 4 s). */
  maxAttempts?: number;
  /** Fetch to use (default: the global one); injectable for other runtimes. */
  fetch?: typeof fetch;
  /** Milliseconds to wait before retry `n` (1-based); default 1000 · 2^(n-1) plus jitter. */
  backoff?: (attempt: number) => number;
}

const MUTATIONS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function defaultBackoff(attempt: number): number {
  // At least a second: a retry in the same second with the same body would be a replay.
  return 1000 * 2 ** (attempt - 1) + Math.floor(Math.random() * 250);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fetch that signs and retries; what openapi-fetch is given. */
export function signingFetch(options: TransportOptions): (input: Request) => Promise<Response> {
  const send = options.fetch ?? globalThis.fetch;
  const attempts = options.maxAttempts ?? 4;
  const backoff = options.backoff ?? defaultBackoff;
  // The API accepts each signed request once, and a signature covers the second it was made
  // in: the same request twice in one second (a poll, a retry) must wait for the next second.
  const lastSigned = new Map<string, number>();
  const timestampFor = async (key: string): Promise<number> => {
    let now = Math.floor(Date.now() / 1000);
    if (lastSigned.get(key) === now) {
      await sleep(1000 - (Date.now() % 1000) + 5);
      now = Math.floor(Date.now() / 1000);
    }
    lastSigned.set(key, now);
    if (lastSigned.size > 1000) lastSigned.clear();
    return now;
  };
  return async (request: Request) => {
    const body = request.body === null ? "" : await request.text();
    const url = new URL(request.url);
    const headers = new Headers(request.headers);
    if (MUTATIONS.has(request.method) && !headers.has("idempotency-key")) headers.set("idempotency-key", randomUUID());
    if (body !== "" && !headers.has("content-type")) headers.set("content-type", "application/json");
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(backoff(attempt - 1));
      const timestamp = await timestampFor(`${request.method} ${url.pathname}?${url.search} ${body}`);
      headers.set(
        "authorization",
        signRequest(options.keyId, options.secret, { method: request.method, path: url.pathname, query: url.search.slice(1), timestamp, body }),
      );
      try {
        const response = await send(url, { method: request.method, headers, body: body === "" ? undefined : body, signal: request.signal });
        if (response.status === 401 && attempt < attempts && (await problemCode(response)) === "replayed") {
          // Another signer with this key sent the same request this second: sign it again.
          continue;
        }
        if ((response.status === 429 || response.status >= 500) && attempt < attempts) {
          last = response;
          const after = Number(response.headers.get("retry-after"));
          if (Number.isFinite(after) && after > 0) await sleep(Math.min(after, 30) * 1000);
          await response.body?.cancel();
          continue;
        }
        return response;
      } catch (e) {
        if (request.signal?.aborted) throw e;
        last = e;
      }
    }
    if (last instanceof Response) return last;
    throw new MppPalError("network_error", `cannot reach the MPPPal API at ${url.origin}: ${String(last)}`, { cause: last });
  };
}

async function problemCode(response: Response): Promise<unknown> {
  const body = (await response.clone().json().catch(() => ({}))) as { code?: unknown };
  return body.code;
}

export { toJson } from "../json.js";

/** The problem of a failed answer as an ApiError. */
export async function apiError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({ detail: response.statusText }))) as Record<string, unknown>;
  return new ApiError(response.status, body);
}
