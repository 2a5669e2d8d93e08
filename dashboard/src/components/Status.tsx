const TONE: Record<string, string> = {
  active: "ok",
  settled: "ok",
  delivered: "ok",
  approved: "ok",
  accepted: "info",
  pending: "info",
  pending_approval: "warn",
  settling: "info",
  waiting: "info",
  open: "info",
  paused: "warn",
  disabled: "warn",
  expired: "muted",
  rejected: "bad",
  failed: "bad",
  denied: "bad",
};

export function Status({ value }: { value: string }) {
  return <span className={`status status-${TONE[value] ?? "muted"}`}>{value.replace(/_/g, " ")}</span>;
}
