"use client";

import { useMutation } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { ErrorNote } from "@/components/QueryState";

/** Recomputes the audit log's hash chain on the server and says whether it holds. */
export function VerifyChain() {
  const verify = useMutation({ mutationFn: () => unwrap(api.POST("/v1/audit/verify")) });
  const r = verify.data;
  return (
    <section className="panel" aria-labelledby="verify-heading">
      <h2 id="verify-heading">Chain integrity</h2>
      <div className="actions">
        <button type="button" className="primary" onClick={() => verify.mutate()} disabled={verify.isPending}>
          {verify.isPending ? "Verifying…" : "Verify chain"}
        </button>
      </div>
      <ErrorNote error={verify.error} />
      {r && (
        <p className={r.intact ? "success" : "error"} role="status" data-testid="verify-result">
          {r.intact
            ? `Intact: all ${r.rows} rows chain correctly.`
            : `Broken at row ${r.firstAltered?.seq ?? "?"}: ${r.firstAltered?.reason ?? "unknown reason"} (${r.rows} rows checked).`}
        </p>
      )}
    </section>
  );
}
