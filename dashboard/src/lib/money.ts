// USDC amounts. The API speaks integers in base units (6 decimals); people type decimal text.
// Everything here is exact: strings and BigInt, never floating point.

export const DECIMALS = 6;
const SCALE = BigInt(10 ** DECIMALS);
/** The largest amount the dashboard sends: JSON integers must stay exact in JavaScript. */
export const MAX_BASE_UNITS = BigInt(Number.MAX_SAFE_INTEGER);

export type Parsed = { ok: true; baseUnits: number } | { ok: false; error: string };

const SHAPE = /^(\d*)(?:\.(\d*))?$/;
const GROUPED = /^\d{1,3}(,\d{3})+$/;

/** Parses typed USDC ("2.50", "1,000", ".5") into base units, or says why not. */
export function parseUsdc(text: string): Parsed {
  const typed = text.trim();
  if (typed === "") return { ok: false, error: "Enter an amount." };
  // Thousands separators only where they belong ("1,000.5"), never inside the decimals.
  const [wholeTyped = "", ...rest] = typed.split(".");
  if (wholeTyped.includes(",") && !GROUPED.test(wholeTyped.replace(/^[+-]/, ""))) {
    return { ok: false, error: `"${typed}" is not an amount: misplaced thousands separator.` };
  }
  const trimmed = [wholeTyped.replace(/,/g, ""), ...rest].join(".");
  if (trimmed.startsWith("-")) return { ok: false, error: "The amount cannot be negative." };
  const match = SHAPE.exec(trimmed.startsWith("+") ? trimmed.slice(1) : trimmed);
  const whole = match?.[1] ?? "";
  const fraction = match?.[2] ?? "";
  if (!match || (whole === "" && fraction === "")) {
    return { ok: false, error: `"${typed}" is not an amount: use digits and at most one decimal point.` };
  }
  if (fraction.length > DECIMALS) {
    return { ok: false, error: `USDC has ${DECIMALS} decimal places; "${typed}" has ${fraction.length}.` };
  }
  const units = BigInt(whole || "0") * SCALE + BigInt((fraction || "0").padEnd(DECIMALS, "0"));
  if (units > MAX_BASE_UNITS) {
    return { ok: false, error: `The amount is too large: at most ${formatUsdc(MAX_BASE_UNITS)}.` };
  }
  return { ok: true, baseUnits: Number(units) };
}

function toBig(baseUnits: number | bigint): bigint {
  if (typeof baseUnits === "bigint") return baseUnits;
  if (!Number.isSafeInteger(baseUnits)) throw new RangeError(`${baseUnits} is not an exact number of base units`);
  return BigInt(baseUnits);
}

function split(baseUnits: number | bigint): { sign: string; whole: bigint; fraction: string } {
  const big = toBig(baseUnits);
  const abs = big < BigInt(0) ? -big : big;
  return {
    sign: big < BigInt(0) ? "-" : "",
    whole: abs / SCALE,
    fraction: (abs % SCALE).toString().padStart(DECIMALS, "0"),
  };
}

/** Exact decimal text with all six places and no separators ("2.500000"), for CSV and inputs. */
export function usdcDecimal(baseUnits: number | bigint): string {
  const { sign, whole, fraction } = split(baseUnits);
  return `${sign}${whole}.${fraction}`;
}

/** Text for an input field: exact, without trailing zeros ("2.5", "3"). */
export function usdcInput(baseUnits: number | bigint): string {
  const { sign, whole, fraction } = split(baseUnits);
  const trimmed = fraction.replace(/0+$/, "");
  return trimmed ? `${sign}${whole}.${trimmed}` : `${sign}${whole}`;
}

/** For people: thousands separated, at least two decimals, every significant digit kept
 * ("1,234.50 USDC", "0.000001 USDC"). */
export function formatUsdc(baseUnits: number | bigint, unit = true): string {
  const { sign, whole, fraction } = split(baseUnits);
  const kept = fraction.replace(/0+$/, "").padEnd(2, "0");
  const grouped = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${grouped}.${kept}${unit ? " USDC" : ""}`;
}
