"use client";

import { Field } from "@/components/Field";
import type { FieldName, PolicyDraft } from "./fields";

interface Props {
  draft: PolicyDraft;
  errors: Partial<Record<FieldName, string>>;
  onChange: (draft: PolicyDraft) => void;
}

/** The inputs of a policy; amounts in USDC as typed text. */
export function PolicyFields({ draft, errors, onChange }: Props) {
  const set = <K extends keyof PolicyDraft>(key: K, value: PolicyDraft[K]) => onChange({ ...draft, [key]: value });
  return (
    <fieldset>
      <legend>Policy</legend>
      <Field label="Largest single payment (USDC)" error={errors.maxSingleTransfer}>
        {(p) => <input {...p} name="maxSingleTransfer" inputMode="decimal" autoComplete="off" value={draft.maxSingleTransfer} onChange={(e) => set("maxSingleTransfer", e.target.value)} />}
      </Field>
      <Field label="Daily cap (USDC)" hint="Most the wallet may pay in one UTC day." error={errors.maxDailySpend}>
        {(p) => <input {...p} name="maxDailySpend" inputMode="decimal" autoComplete="off" value={draft.maxDailySpend} onChange={(e) => set("maxDailySpend", e.target.value)} />}
      </Field>
      <Field label="Escalation threshold (USDC)" hint="Payments above this wait for an operator's approval. Empty: never." error={errors.escalationThreshold}>
        {(p) => <input {...p} name="escalationThreshold" inputMode="decimal" autoComplete="off" value={draft.escalationThreshold} onChange={(e) => set("escalationThreshold", e.target.value)} />}
      </Field>
      <Field label="Allowed recipients" hint="Base58 addresses, one per line. Empty: any recipient." error={errors.allowedCounterparties}>
        {(p) => <textarea {...p} name="allowedCounterparties" rows={3} value={draft.allowedCounterparties} onChange={(e) => set("allowedCounterparties", e.target.value)} />}
      </Field>
      <Field label="Allowed categories" hint="Separated by commas. Empty: any category." error={errors.categories}>
        {(p) => <input {...p} name="categories" autoComplete="off" value={draft.categories} onChange={(e) => set("categories", e.target.value)} />}
      </Field>
      <label className="check">
        <input type="checkbox" name="requireMemo" checked={draft.requireMemo} onChange={(e) => set("requireMemo", e.target.checked)} />
        Every payment must carry a memo
      </label>
    </fieldset>
  );
}
