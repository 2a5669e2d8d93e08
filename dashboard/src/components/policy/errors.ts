import { ApiError } from "@/api/error";
import { REASON_FIELD, type FieldName } from "./fields";

/** Field errors for a failed save: an `invalid_policy` goes to the field its reason names. */
export function fieldErrorsOf(error: unknown): { fields: Partial<Record<FieldName, string>>; rest: unknown } {
  if (error instanceof ApiError && error.code === "invalid_policy" && error.reason && REASON_FIELD[error.reason]) {
    return { fields: { [REASON_FIELD[error.reason]!]: `${error.detail} (${error.reason})` }, rest: null };
  }
  return { fields: {}, rest: error };
}
