// The API answers every error as RFC 9457 problem+json with a stable `code`; this turns one into
// something the pages can show (`detail`) and branch on (`code`, and extras such as `reason`).

export type ProblemExtras = Record<string, unknown>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  /** The problem's other members: `reason`, `ownerAddress`, `transferId`, `checks`, … */
  readonly extra: ProblemExtras;

  constructor(status: number, code: string, detail: string, extra: ProblemExtras = {}) {
    super(detail || code);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.extra = extra;
  }

  /** `reason` of `invalid_policy` and `payment_denied`, when there is one. */
  get reason(): string | undefined {
    return typeof this.extra.reason === "string" ? this.extra.reason : undefined;
  }
}

const KNOWN = new Set(["type", "title", "status", "code", "detail", "instance"]);

/** The error for an answer with `status` and body `body` (parsed JSON, or text when it was not). */
export function toApiError(status: number, body: unknown): ApiError {
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const problem = body as Record<string, unknown>;
    const extra: ProblemExtras = {};
    for (const [key, value] of Object.entries(problem)) if (!KNOWN.has(key)) extra[key] = value;
    const code = typeof problem.code === "string" ? problem.code : `http_${status}`;
    const detail =
      typeof problem.detail === "string"
        ? problem.detail
        : typeof problem.title === "string"
          ? problem.title
          : `The server answered ${status}.`;
    return new ApiError(status, code, detail, extra);
  }
  const text = typeof body === "string" ? body.trim() : "";
  return new ApiError(status, `http_${status}`, text ? text.slice(0, 300) : `The server answered ${status}.`);
}

/** A message for any thrown value, for error states. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.detail || error.code;
  if (error instanceof Error) return error.message;
  return String(error);
}
