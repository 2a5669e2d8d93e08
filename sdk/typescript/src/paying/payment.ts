// What was paid for a response, kept beside it (Responses are the platform's own objects).
import type { PaymentReceipt } from "../protocol/challenge.js";

export interface PaymentInfo {
  kind: "receipt" | "pull" | "push" | "session-open" | "session" | "custodial-receipt" | "custodial-transaction";
  /** Base units paid for this response (0 for a session's opening request). */
  amount: bigint;
  challengeId: string;
  /** The server's `Payment-Receipt`, parsed. */
  receipt: PaymentReceipt | undefined;
  /** The transaction that paid, when one was sent by this client (push). */
  signature?: string;
  /** The session's channel, for session payments. */
  channel?: string;
}

const paid = new WeakMap<Response, PaymentInfo>();

export function recordPayment(response: Response, info: PaymentInfo): Response {
  paid.set(response, info);
  return response;
}

/** What this client paid for `response`, or undefined when it paid nothing. */
export function paymentOf(response: Response): PaymentInfo | undefined {
  return paid.get(response);
}
