"use client";

import { useAllAccounts } from "@/api/hooks/accounts";

/** A filter by account: every account of the operator, or all. */
export function AccountSelect({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const accounts = useAllAccounts();
  return (
    <label>
      Account
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All accounts</option>
        {(accounts.data ?? []).map((a) => (
          <option key={a.accountId} value={a.accountId}>
            {a.name}
          </option>
        ))}
      </select>
    </label>
  );
}
