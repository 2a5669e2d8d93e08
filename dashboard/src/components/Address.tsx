import { CopyButton } from "./CopyButton";

/** A long identifier (address, signature), shortened on screen, whole on hover and when copied. */
export function Address({ value, copy = false }: { value: string | null | undefined; copy?: boolean }) {
  if (!value) return <span>—</span>;
  const short = value.length > 16 ? `${value.slice(0, 6)}…${value.slice(-6)}` : value;
  return (
    <span className="address">
      <code title={value}>{short}</code>
      {copy && <CopyButton text={value} />}
    </span>
  );
}
