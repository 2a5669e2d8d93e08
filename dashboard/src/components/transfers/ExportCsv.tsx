"use client";

import { useState } from "react";
import { messageOf } from "@/api/error";
import { download } from "@/lib/csv";
import { fetchAll, transfersCsv, type TransferFilter } from "./filter";

/** Downloads every transfer the filter matches (all pages) as CSV. */
export function ExportCsv({ filter }: { filter: TransferFilter }) {
  const [state, setState] = useState<{ busy: boolean; count: number; error: string | null }>({ busy: false, count: 0, error: null });
  async function run() {
    setState({ busy: true, count: 0, error: null });
    try {
      const all = await fetchAll(filter, (count) => setState((s) => ({ ...s, count })));
      download(`transfers-${new Date().toISOString().slice(0, 19).replace(/:/g, "")}.csv`, transfersCsv(all));
      setState({ busy: false, count: all.length, error: null });
    } catch (error) {
      setState({ busy: false, count: 0, error: messageOf(error) });
    }
  }
  return (
    <div>
      <button type="button" onClick={run} disabled={state.busy}>
        {state.busy ? `Exporting… ${state.count}` : "Export CSV"}
      </button>
      {state.error && <span className="field-error" role="alert"> {state.error}</span>}
    </div>
  );
}
