import type { APIRequestContext } from "@playwright/test";
import { call, expect, rpc } from "./fixtures";

const SOL = 1_000_000_000;

/** Gives the operator's owner key SOL, so it can create wallets and pay their rent. */
export async function fundOwner(request: APIRequestContext): Promise<void> {
  const operator = await call(request, "GET", "/v1/operator");
  expect(operator.status, JSON.stringify(operator.body)).toBe(200);
  await rpc("requestAirdrop", [operator.body.ownerAddress, 10 * SOL]);
}

/** A custodial account made through the API (for scenarios about something else). */
export async function makeAccount(request: APIRequestContext, name: string, policy: Record<string, unknown>) {
  const created = await call(request, "POST", "/v1/accounts", { name, custody: "custodial", policy });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { accountId: string; solanaAddress: string; usdcTokenAccount: string };
}

/** Mints local USDC into an account's vault (the token account its wallet owns). */
export async function fundVault(walletAddress: string, baseUnits: number): Promise<void> {
  await rpc("mpppal_requestUsdc", [walletAddress, baseUnits]);
}
