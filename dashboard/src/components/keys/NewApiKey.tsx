"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, unwrap } from "@/api/client";
import { Field } from "@/components/Field";
import { ErrorNote } from "@/components/QueryState";
import { SecretOnce } from "@/components/SecretOnce";

const SCOPES = [
  ["read", "read: every GET"],
  ["write", "write: changes"],
  ["agent", "agent: what agents call (receipts, sessions, custodial signing)"],
  ["approve", "approve: approve escalations, never a transfer this key asked for itself"],
] as const;
type Scope = (typeof SCOPES)[number][0];

export function NewApiKey() {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["read"]);
  const [error, setError] = useState<string | undefined>();
  const create = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/api-keys", { body: { name: name.trim(), scopes } })),
    onSuccess: () => {
      setName("");
      void client.invalidateQueries({ queryKey: ["api-keys"] });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return setError("Name the key.");
    if (scopes.length === 0) return setError("Give it at least one scope.");
    setError(undefined);
    create.mutate();
  }
  const toggle = (scope: Scope, on: boolean) => setScopes(on ? [...scopes, scope] : scopes.filter((s) => s !== scope));
  return (
    <section className="panel" aria-labelledby="new-key-heading">
      <h2 id="new-key-heading">Create a key</h2>
      <form className="stack" onSubmit={submit} noValidate>
        <Field label="Name" error={error}>
          {(p) => <input {...p} name="name" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
        </Field>
        <fieldset aria-describedby="scopes-hint">
          <legend>Scopes</legend>
          <p className="hint" id="scopes-hint">
            Approving is apart from write, so the key that asks for a payment need not be able to wave it through: give
            approve to a reviewer&apos;s key, not to an agent&apos;s. A key gets at most the scopes of whoever creates it.
          </p>
          {SCOPES.map(([scope, label]) => (
            <label className="check" key={scope}>
              <input type="checkbox" checked={scopes.includes(scope)} onChange={(e) => toggle(scope, e.target.checked)} />
              {label}
            </label>
          ))}
        </fieldset>
        <ErrorNote error={create.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>Create key</button>
        </div>
      </form>
      {create.data?.secret && (
        <SecretOnce title={`Secret of ${create.data.keyId}`} secret={create.data.secret} />
      )}
    </section>
  );
}
