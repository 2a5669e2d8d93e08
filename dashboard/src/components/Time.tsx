import { localTime, utcTime } from "@/lib/time";

/** A moment in the viewer's zone, with UTC on hover. */
export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  return (
    <time dateTime={value} title={utcTime(value)}>
      {localTime(value)}
    </time>
  );
}
