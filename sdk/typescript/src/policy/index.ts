export type { DenyCode, Payment, Policy, PolicyErrorCode, SpendState, Verdict } from "./types.js";
export { describeVerdict, evaluate, MAX_MEMO_LEN, remainingToday, SECONDS_PER_DAY, utcDay } from "./evaluate.js";
export { MAX_CATEGORIES, MAX_CATEGORY_LEN, MAX_COUNTERPARTIES, validatePolicy } from "./validate.js";
