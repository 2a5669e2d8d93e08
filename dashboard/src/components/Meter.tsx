import { formatUsdc } from "@/lib/money";

/** How much of `max` is used, as a bar; exact figures beside it. */
export function Meter({ label, value, max }: { label: string; value: number; max: number }) {
  const share = max > 0 ? Math.min(1, value / max) : 0;
  const tone = share >= 0.9 ? "bad" : share >= 0.7 ? "warn" : "ok";
  const text = `${formatUsdc(value)} of ${formatUsdc(max)}`;
  return (
    <div className="meter-row">
      <div
        className="meter"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={Math.min(value, max)}
        aria-valuetext={text}
      >
        <div className={`meter-fill meter-${tone}`} style={{ width: `${(share * 100).toFixed(1)}%` }} />
      </div>
      <span className="meter-text">{text}</span>
    </div>
  );
}
