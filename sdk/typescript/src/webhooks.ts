// Verifying MPPPal's webhook deliveries (ADR 0015, Standard Webhooks): the signature over
// "id.timestamp.body" under the endpoint's `whsec_` secret, within five minutes of now, then a
// typed event.
import { Webhook, WebhookVerificationError as StandardError } from "standardwebhooks";
import { WebhookVerificationError } from "./errors.js";
import type { components } from "./operator/schema.js";

type EventType = components["schemas"]["EventType"];

interface EventBase<T extends string, D> {
  /** The `webhook-id` header: `evt_<id>`, the same on every retry (drop duplicates by it). */
  id: string;
  type: T;
  /** When the event happened (RFC 3339). */
  timestamp: string;
  data: D & { subject: string } & Record<string, unknown>;
}

export type TransferSettled = EventBase<"transfer.settled", { accountId: string; to: string; amount: number; signature: string; ownerCosigned: boolean }>;
export type TransferFailed = EventBase<"transfer.failed", { reason: string }>;
export type ReceiptsSettled = EventBase<"receipts.settled", {
  batchId: string;
  recipient: string;
  signature: string;
  settled: { challengeId: string; amount: number }[];
  notSettled: { challengeId: string; amount: number; reason: string }[];
  total: number;
}>;
export type ReceiptsFailed = EventBase<"receipts.failed", { batchId: string; recipient: string; receipts: unknown[]; reason: string }>;
export type SessionSettled = EventBase<"session.settled", { paid?: number; deposit?: number; refunded?: number; expired?: boolean; signature?: string }>;
export type OtherEvent = EventBase<
  | "transfer.created"
  | "transfer.rejected"
  | "escalation.required"
  | "session.opened"
  | "policy.updated"
  | "account.paused"
  | "account.unpaused"
  | "reconciliation.difference"
  | "webhook.disabled",
  Record<string, unknown>
>;

/** Every event MPPPal delivers; switch on `type`. */
export type WebhookEvent = TransferSettled | TransferFailed | ReceiptsSettled | ReceiptsFailed | SessionSettled | OtherEvent;

export const WEBHOOK_EVENT_TYPES = [
  "transfer.created",
  "transfer.settled",
  "transfer.failed",
  "transfer.rejected",
  "receipts.settled",
  "receipts.failed",
  "escalation.required",
  "session.opened",
  "session.settled",
  "policy.updated",
  "account.paused",
  "account.unpaused",
  "reconciliation.difference",
  "webhook.disabled",
] as const satisfies readonly EventType[];

// Fails to compile when the API adds an event type this list does not name.
const everyEventType: [Exclude<EventType, (typeof WEBHOOK_EVENT_TYPES)[number]>] extends [never] ? true : false = true;
void everyEventType;

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string {
  let value: string | string[] | null | undefined;
  if (typeof (headers as Headers).get === "function") value = (headers as Headers).get(name);
  else {
    const record = headers as Record<string, string | string[] | undefined>;
    const key = Object.keys(record).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : record[key];
  }
  if (Array.isArray(value)) value = value.join(" ");
  if (!value) throw new WebhookVerificationError(`the ${name} header is missing`);
  return value;
}

/**
 * Checks a delivery and returns its event. `rawBody` must be the bytes as received (not
 * re-serialized JSON); `headers` a Fetch `Headers` or Node's `req.headers`.
 */
export function verifyWebhook(rawBody: string | Uint8Array, headers: HeaderSource, secret: string): WebhookEvent {
  if (typeof secret !== "string" || !secret.startsWith("whsec_")) {
    throw new WebhookVerificationError("the secret must be the endpoint's whsec_… value");
  }
  const id = header(headers, "webhook-id");
  const wanted = {
    "webhook-id": id,
    "webhook-timestamp": header(headers, "webhook-timestamp"),
    "webhook-signature": header(headers, "webhook-signature"),
  };
  let body: unknown;
  try {
    body = new Webhook(secret).verify(rawBody, wanted);
  } catch (e) {
    const why = e instanceof StandardError ? e.message : String(e);
    throw new WebhookVerificationError(`webhook refused: ${why}`, { cause: e });
  }
  const event = body as Partial<WebhookEvent>;
  if (typeof event !== "object" || event === null || typeof event.type !== "string" || typeof event.data !== "object") {
    throw new WebhookVerificationError("the body is not an MPPPal event");
  }
  return { ...event, id } as WebhookEvent;
}
