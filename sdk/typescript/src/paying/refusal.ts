// What a server's refusal means for the payer.
import { ChallengeRejectedError } from "../errors.js";

/** The problem of a refused paid request as a ChallengeRejectedError (with `paidBy` after a push). */
export async function refused(response: Response, paidBy?: string): Promise<ChallengeRejectedError> {
  let body: Record<string, unknown> = {};
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    // not a problem document
  }
  const type = typeof body.type === "string" ? body.type : "";
  const problem = type.split("/").pop() ?? "";
  const detail = typeof body.detail === "string" ? body.detail : response.statusText;
  return new ChallengeRejectedError(paidBy ? "refused_after_paying" : "server_refused", detail, {
    status: response.status,
    problem,
    ...(paidBy ? { paidBy } : {}),
  });
}
