import { formatUsdc } from "@/lib/money";

/** A USDC amount, exact, with its base units on hover. */
export function Money({ value }: { value: number | null | undefined }) {
  if (value === null || value === undefined) return <span>—</span>;
  return (
    <span className="money" title={`${value} base units`}>
      {formatUsdc(value)}
    </span>
  );
}
