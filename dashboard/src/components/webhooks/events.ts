/** The events a webhook endpoint can subscribe to (docs/api.md). */
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
] as const;
