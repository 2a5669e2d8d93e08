import type { ReactNode } from "react";

/** A table that scrolls sideways on narrow screens; focusable, so keyboards can scroll it too. */
export function TableWrap({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
