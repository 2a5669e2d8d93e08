"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap } from "@/api/client";
import type { Policy, PolicyBody } from "@/api/types";
import { ErrorNote } from "@/components/QueryState";
import { PolicyFields } from "@/components/policy/PolicyFields";
import { fieldErrorsOf } from "@/components/policy/errors";
import { bodyOf, draftOf, type FieldName } from "@/components/policy/fields";

/** Replaces the policy; the API's refusal shows at the field its reason names. */
export function PolicyEditor({ accountId, policy }: { accountId: string; policy: Policy }) {
  const client = useQueryClient();
  const [draft, setDraft] = useState(() => draftOf(policy));
  const [localErrors, setLocalErrors] = useState<Partial<Record<FieldName, string>>>({});
  const save = useMutation({
    mutationFn: (body: { body: PolicyBody }) =>
      unwrap(api.PUT("/v1/accounts/{account_id}/policy", { params: { path: { account_id: accountId } }, body: body.body })),
    onSuccess: () => {
      for (const root of ["account", "policy", "overview", "accounts"]) void client.invalidateQueries({ queryKey: [root] });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = bodyOf(draft);
    if ("errors" in parsed) {
      setLocalErrors(parsed.errors);
      return;
    }
    setLocalErrors({});
    save.mutate(parsed);
  }
  const server = fieldErrorsOf(save.error);
  return (
    <section className="panel" aria-labelledby="edit-heading">
      <h2 id="edit-heading">Change the policy</h2>
      <form className="stack" onSubmit={submit} noValidate>
        <PolicyFields draft={draft} errors={{ ...server.fields, ...localErrors }} onChange={setDraft} />
        <ErrorNote error={server.rest} />
        {save.isSuccess && !save.isPending && (
          <p className="success" role="status">
            Saved as version {save.data.version}.
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? "Writing to the chain…" : "Save policy"}
          </button>
        </div>
      </form>
    </section>
  );
}
