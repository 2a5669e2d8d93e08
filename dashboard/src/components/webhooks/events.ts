import type { EventType } from "@/api/types";

/** The events a webhook endpoint can subscribe to: the API's `EventType`, in the order shown. */
export const WEBHOOK_EVENTS = [
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

// Fails to compile when the API adds an event type this list does not show.
const everyEventType: [Exclude<EventType, (typeof WEBHOOK_EVENTS)[number]>] extends [never] ? true : false = true;
void everyEventType;
