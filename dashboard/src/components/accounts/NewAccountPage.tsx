"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { api, unwrap } from "@/api/client";
import { ApiError } from "@/api/error";
import type { PolicyBody } from "@/api/types";
import { ErrorNote } from "@/components/QueryState";
import { Field } from "@/components/Field";
import { PolicyFields } from "@/components/policy/PolicyFields";
import { bodyOf, EMPTY_DRAFT, type FieldName } from "@/components/policy/fields";
import { fieldErrorsOf } from "@/components/policy/errors";

type Custody = "custodial" | "non_custodial";

export function NewAccountPage() {
  const router = useRouter();
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [handle, setHandle] = useState("");
  const [custody, setCustody] = useState<Custody>("custodial");
  const [agentKey, setAgentKey] = useState("");
  const [draft, setDraft] = useState(EMPTY_DRAFT);
  const [localErrors, setLocalErrors] = useState<Partial<Record<FieldName | "name" | "handle" | "agentPublicKey", string>>>({});
  // One key per filled-in form: a double submit or a retry creates one account, not two.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const create = useMutation({
    mutationFn: (body: Parameters<typeof createBody>[0]) =>
      unwrap(api.POST("/v1/accounts", { body: createBody(body), headers: { "Idempotency-Key": idempotencyKey } })),
    onSuccess: (account) => {
      void client.invalidateQueries({ queryKey: ["accounts"] });
      void client.invalidateQueries({ queryKey: ["overview"] });
      router.push(`/accounts/detail/?id=${account.accountId}`);
    },
    onError: () => setIdempotencyKey(crypto.randomUUID()),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const errors: typeof localErrors = {};
    if (!name.trim()) errors.name = "Give the account a name.";
    if (custody === "non_custodial" && !agentKey.trim()) errors.agentPublicKey = "A non-custodial account needs its agent's public key.";
    const policy = bodyOf(draft);
    if ("errors" in policy) Object.assign(errors, policy.errors);
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0 || !("body" in policy)) return;
    create.mutate({ name: name.trim(), handle: handle.trim(), custody, agentKey: agentKey.trim(), policy: policy.body });
  }

  const server = fieldErrorsOf(create.error);
  const handleError = create.error instanceof ApiError && ["invalid_handle", "handle_taken"].includes(create.error.code) ? create.error.detail : undefined;
  const errors = { ...server.fields, ...localErrors, handle: localErrors.handle ?? handleError };
  const unfunded = create.error instanceof ApiError && create.error.code === "owner_unfunded" ? String(create.error.extra.ownerAddress ?? "") : null;
  return (
    <>
      <h1>New account</h1>
      <form className="stack" onSubmit={submit} noValidate>
        <Field label="Name" error={errors.name}>
          {(p) => <input {...p} name="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label="Handle (optional)" hint="@name.mpppal: lowercase letters, digits and dashes." error={errors.handle}>
          {(p) => <input {...p} name="handle" value={handle} placeholder="@research-agent.mpppal" onChange={(e) => setHandle(e.target.value)} autoComplete="off" />}
        </Field>
        <fieldset>
          <legend>Custody</legend>
          <label className="check">
            <input type="radio" name="custody" value="custodial" checked={custody === "custodial"} onChange={() => setCustody("custodial")} />
            Custodial: MPPPal keeps the agent key sealed and signs for the agent
          </label>
          <label className="check">
            <input type="radio" name="custody" value="non_custodial" checked={custody === "non_custodial"} onChange={() => setCustody("non_custodial")} />
            Non-custodial: the agent keeps its own key
          </label>
          {custody === "non_custodial" && (
            <Field label="Agent public key (base58)" error={errors.agentPublicKey}>
              {(p) => <input {...p} name="agentPublicKey" value={agentKey} onChange={(e) => setAgentKey(e.target.value)} autoComplete="off" />}
            </Field>
          )}
        </fieldset>
        <PolicyFields draft={draft} errors={errors} onChange={setDraft} />
        {unfunded !== null ? (
          <p className="error" role="alert">
            {create.error instanceof ApiError ? create.error.detail : ""} Fund the owner key <code>{unfunded}</code> with SOL, then try again.
          </p>
        ) : (
          !handleError && <ErrorNote error={server.rest} />
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? "Creating the wallet on chain…" : "Create account"}
          </button>
        </div>
      </form>
    </>
  );
}

function createBody(input: {
  name: string;
  handle: string;
  custody: Custody;
  agentKey: string;
  policy: PolicyBody;
}) {
  return {
    name: input.name,
    handle: input.handle || null,
    custody: input.custody,
    agentPublicKey: input.custody === "non_custodial" ? input.agentKey : null,
    policy: input.policy,
  };
}
