"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { Confirm } from "@/components/Confirm";
import { ErrorNote, QueryState } from "@/components/QueryState";
import { Status } from "@/components/Status";
import { NewApiKey } from "./NewApiKey";
import { TableWrap } from "@/components/TableWrap";

export function ApiKeysPage() {
  const client = useQueryClient();
  const keys = useQuery({ queryKey: ["api-keys"], queryFn: () => unwrap(api.GET("/v1/api-keys")) });
  const revoke = useMutation({
    mutationFn: (keyId: string) => unwrap(api.DELETE("/v1/api-keys/{key_id}", { params: { path: { key_id: keyId } } })),
    onSettled: () => void client.invalidateQueries({ queryKey: ["api-keys"] }),
  });
  const list = keys.data ?? [];
  return (
    <>
      <h1>API keys</h1>
      <NewApiKey />
      <h2>Keys</h2>
      <ErrorNote error={revoke.error} />
      <QueryState isPending={keys.isPending} error={keys.error} isEmpty={list.length === 0}>
        <TableWrap label="API keys">
          <table data-testid="api-keys">
            <thead>
              <tr>
                <th scope="col">Key id</th>
                <th scope="col">Name</th>
                <th scope="col">Scopes</th>
                <th scope="col">Status</th>
                <th scope="col">Revoke</th>
              </tr>
            </thead>
            <tbody>
              {list.map((k) => (
                <tr key={k.keyId} data-key={k.keyId}>
                  <td><code>{k.keyId}</code></td>
                  <td>{k.name}</td>
                  <td>{k.scopes.join(", ")}</td>
                  <td><Status value={k.revoked ? "revoked" : "active"} /></td>
                  <td>
                    {!k.revoked && (
                      <Confirm
                        label="Revoke"
                        danger
                        disabled={revoke.isPending}
                        question={`Revoke ${k.name} (${k.keyId})? Requests signed with it are refused from then on.`}
                        onConfirm={() => revoke.mutate(k.keyId)}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      </QueryState>
    </>
  );
}
