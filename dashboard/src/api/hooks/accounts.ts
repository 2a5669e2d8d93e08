"use client";

import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../client";
import type { Account } from "../types";

/** Every account (all pages), for filters and names. */
export function useAllAccounts() {
  return useQuery({
    queryKey: ["accounts", "all"],
    queryFn: async () => {
      const all: Account[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(api.GET("/v1/accounts", { params: { query: { limit: 100, cursor } } }));
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
    staleTime: 30_000,
  });
}

/** The name of each account by id. */
export function useAccountNames(): Map<string, string> {
  const accounts = useAllAccounts();
  return new Map((accounts.data ?? []).map((a) => [a.accountId, a.name]));
}

export function useBalance(accountId: string) {
  return useQuery({
    queryKey: ["balance", accountId],
    queryFn: () => unwrap(api.GET("/v1/accounts/{account_id}/balance", { params: { path: { account_id: accountId } } })),
    staleTime: 10_000,
  });
}
