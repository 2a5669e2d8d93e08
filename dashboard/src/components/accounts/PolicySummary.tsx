import type { Policy } from "@/api/types";
import { Time } from "@/components/Time";
import { TxLink } from "@/components/TxLink";
import { policyText } from "./policyText";

export function PolicySummary({ policy }: { policy: Policy }) {
  return (
    <section className="panel" aria-labelledby="policy-heading">
      <h2 id="policy-heading">
        Policy in force: <span data-testid="policy-version">version {policy.version}</span>
      </h2>
      <dl className="facts">
        {Object.entries(policyText(policy)).map(([label, value]) => (
          <div key={label} style={{ display: "contents" }}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        <dt>Written by</dt>
        <dd>{policy.changedBy}, <Time value={policy.createdAt} /></dd>
        <dt>Transaction</dt>
        <dd><TxLink signature={policy.txSignature} /></dd>
      </dl>
    </section>
  );
}
