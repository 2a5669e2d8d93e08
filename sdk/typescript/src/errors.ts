// Every failure the SDK reports is one of these classes: callers branch on the class and its
// `code`, never on message text.

/** Root of the SDK's errors. */
export class MppPalError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad input to an SDK function, refused before anything is sent or signed. */
export class InvalidInputError extends MppPalError {
  readonly field: string;
  constructor(field: string, message: string) {
    super("invalid_input", `${field}: ${message}`);
    this.field = field;
  }
}

/**
 * The payment was refused on the payer's side before anything was signed: the wallet's policy
 * (`reason` is the policy's code, e.g. `over_daily_limit`), the balance, or an escalation.
 */
export class PaymentRefusedError extends MppPalError {
  /** The policy's deny code, `escalation_required`, `insufficient_balance` or `not_approved`. */
  readonly reason: string;
  readonly detail: string;
  /** The escalation that waits for an operator, when `reason` is `escalation_required`. */
  readonly escalationId: string | undefined;
  constructor(reason: string, detail: string, escalationId?: string) {
    super("payment_refused", `payment refused (${reason}): ${detail}`);
    this.reason = reason;
    this.detail = detail;
    this.escalationId = escalationId;
  }
}

/**
 * No challenge of the 402 could be paid, or the application's vetting declined it (origin,
 * price, category), or the server refused the credential. Nothing was paid unless `paidBy`
 * names the transaction that already moved the money (push mode).
 */
export class ChallengeRejectedError extends MppPalError {
  readonly status: number | undefined;
  /** The last segment of the problem `type` the server sent, e.g. `verification-failed`. */
  readonly problem: string | undefined;
  readonly detail: string;
  readonly paidBy: string | undefined;
  constructor(
    code: "no_payable_challenge" | "declined" | "server_refused" | "refused_after_paying",
    detail: string,
    extra: { status?: number; problem?: string; paidBy?: string } = {},
  ) {
    const where = extra.status ? ` (${extra.status} ${extra.problem ?? ""})` : "";
    super(code, `${code.replaceAll("_", " ")}${where}: ${detail}`);
    this.status = extra.status;
    this.problem = extra.problem;
    this.detail = detail;
    this.paidBy = extra.paidBy;
  }
}

/** The operator API answered with an RFC 9457 problem. */
export class ApiError extends MppPalError {
  readonly status: number;
  readonly detail: string;
  /** The whole problem body (it may carry `reason`, `transferId`, `escalationId` …). */
  readonly body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>) {
    const code = typeof body.code === "string" ? body.code : `http_${status}`;
    const detail = typeof body.detail === "string" ? body.detail : String(body.title ?? "");
    super(code, `MPPPal API ${status} ${code}: ${detail}`);
    this.status = status;
    this.detail = detail;
    this.body = body;
  }
}

/** A webhook whose signature, timestamp or body does not verify. */
export class WebhookVerificationError extends MppPalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("webhook_unverified", message, options);
  }
}

/** The chain could not be read or refused a transaction this SDK sent. */
export class ChainError extends MppPalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("chain_error", message, options);
  }
}
