// Payment challenges as they arrive in a 402 (`WWW-Authenticate: Payment …`), parsed with mppx,
// and the credential that answers one, encoded field for field as the Rust `mpp` crate does
// (challenge echo: id, realm, method, intent, request, expires, description, digest, opaque,
// header; then source, then payload), so both SDKs send the same bytes.
import { Challenge, PaymentRequest, type Receipt } from "mppx";
import { toJson } from "../json.js";

export interface PaymentChallenge {
  id: string;
  realm: string;
  method: string;
  intent: string;
  /** The request as the server encoded it (base64url of JCS JSON), echoed back unchanged. */
  requestB64: string;
  request: Record<string, unknown>;
  expires?: string | undefined;
  description?: string | undefined;
  digest?: string | undefined;
  opaque?: string | undefined;
  header?: string | undefined;
}

/** An mppx challenge as this SDK holds it. */
export function fromMppx(c: Challenge.Challenge): PaymentChallenge {
  return {
    id: c.id,
    realm: c.realm,
    method: c.method,
    intent: c.intent,
    requestB64: PaymentRequest.serialize(c.request),
    request: c.request,
    expires: c.expires,
    description: c.description,
    digest: c.digest,
    opaque: c.opaque,
    header: c.header,
  };
}

/** Every Payment challenge of a response's `WWW-Authenticate` headers; unparseable ones are skipped. */
export function challengesOf(headers: Headers): PaymentChallenge[] {
  const values: string[] = [];
  headers.forEach((value, name) => {
    if (name.toLowerCase() === "www-authenticate") values.push(value);
  });
  const out: PaymentChallenge[] = [];
  for (const value of values) {
    // Headers joins repeated fields with ", "; mppx splits a list of Payment challenges itself.
    try {
      for (const c of Challenge.deserializeList(value)) out.push(fromMppx(c));
    } catch {
      // One bad challenge spoils mppx's list: read them one by one and skip what does not
      // parse, as the Rust client does.
      for (const chunk of value.split(/,\s*(?=Payment\s)/i)) {
        try {
          out.push(fromMppx(Challenge.deserialize(chunk.trim())));
        } catch {
          // skipped
        }
      }
    }
  }
  return out;
}

/** Parses one `WWW-Authenticate` value holding a single Payment challenge. */
export function parseChallenge(value: string): PaymentChallenge {
  return fromMppx(Challenge.deserialize(value));
}

export function isExpired(challenge: PaymentChallenge, nowMs = Date.now()): boolean {
  if (!challenge.expires) return false;
  const at = Date.parse(challenge.expires);
  return Number.isNaN(at) || at <= nowMs;
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/** The `Authorization` value carrying `payload` for `challenge`. */
export function formatCredential(challenge: PaymentChallenge, payload: unknown, source?: string): string {
  const echo: Record<string, string> = {
    id: challenge.id,
    realm: challenge.realm,
    method: challenge.method,
    intent: challenge.intent,
    request: challenge.requestB64,
  };
  if (challenge.expires !== undefined) echo.expires = challenge.expires;
  if (challenge.description !== undefined) echo.description = challenge.description;
  if (challenge.digest !== undefined) echo.digest = challenge.digest;
  if (challenge.opaque !== undefined) echo.opaque = challenge.opaque;
  if (challenge.header !== undefined) echo.header = challenge.header;
  const credential: Record<string, unknown> = { challenge: echo };
  if (source !== undefined) credential.source = source;
  credential.payload = payload;
  return `Payment ${base64url(toJson(credential))}`;
}

/** The header a credential for `challenge` goes in (draft-02 `header` parameter). */
export function credentialHeader(challenge: PaymentChallenge): string {
  return challenge.header ?? "Authorization";
}

export type PaymentReceipt = Receipt.Receipt & Record<string, unknown>;

/** The server's `Payment-Receipt`, when it sent a readable one (base64url JSON, `status: success`). */
export function receiptOf(headers: Headers): PaymentReceipt | undefined {
  const value = headers.get("payment-receipt");
  if (!value) return undefined;
  try {
    // Plain JSON rather than mppx's schema parse: this runs on every paid request.
    const receipt = JSON.parse(Buffer.from(value.trim(), "base64url").toString("utf8")) as PaymentReceipt;
    return typeof receipt === "object" && receipt !== null && receipt.status === "success" ? receipt : undefined;
  } catch {
    return undefined;
  }
}
