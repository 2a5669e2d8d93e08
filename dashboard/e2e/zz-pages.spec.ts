import { execFileSync } from "node:child_process";
import { call, expect, expectAccessible, screenshots, test } from "./support/fixtures";

/** Rows only an agent's reports would make (a settled payment session, a rejected receipt),
 * written straight into the test database so those pages render with data. */
function seedAgentReports(accountId: string, wallet: string): string {
  const sessionId = "sess_e2eSeeded0001";
  const sql = `
    INSERT INTO mpp_sessions (session_id, account_id, provider_endpoint, channel_address, cap, running_total, status,
                              settlement_tx_signature, settled_at, signer, payee, paid)
    VALUES ('${sessionId}', '${accountId}', 'https://provider.example/api', '${wallet.slice(0, 40)}SEED', 5000000, 1250000,
            'settled', '${"5".repeat(87)}', now(), '${wallet}', '${wallet}', 1250000);
    INSERT INTO receipts (account_id, challenge_id, challenge_hash, wallet, recipient, mint, amount, category, expires_at,
                          signature, status, rejection_reason)
    VALUES ('${accountId}', 'e2e-challenge-1', decode(repeat('ab', 32), 'hex'), '${wallet}', '${wallet}', '${wallet}', 10000,
            decode(repeat('00', 32), 'hex'), now() + interval '1 hour', decode(repeat('cd', 64), 'hex'), 'rejected', 'over_daily_limit');`;
  execFileSync("psql", [process.env.E2E_DATABASE_URL!, "-v", "ON_ERROR_STOP=1", "-qc", sql]);
  return sessionId;
}

// Runs last (files run in name order): every page, with the data the other scenarios made.
test("every page renders under the server's CSP, is accessible, and is photographed", async ({ page }) => {
  test.setTimeout(240_000);
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${page.url()}: ${e.message}`));

  const accounts = await call(page.request, "GET", "/v1/accounts");
  const transfers = await call(page.request, "GET", "/v1/transfers");
  const webhooks = await call(page.request, "GET", "/v1/webhooks");
  const account = (accounts.body.items as { accountId: string }[])[0];
  expect(account, "an account from an earlier scenario").toBeDefined();
  const transfer = (transfers.body.items as { transferId: string }[])[0];
  const webhook = (webhooks.body as unknown as { endpointId: string }[])[0];
  const wallet = (accounts.body.items as { solanaAddress: string }[])[0]!.solanaAddress;
  const sessionId = seedAgentReports(account!.accountId, wallet);

  const pages: [string, string][] = [
    ["overview", "/"],
    ["accounts", "/accounts/"],
    ["account-new", "/accounts/new/"],
    ["transfers", "/transfers/"],
    ["escalations", "/escalations/"],
    ["sessions", "/sessions/"],
    ["receipts", "/receipts/"],
    ["webhooks", "/webhooks/"],
    ["audit", "/audit/"],
    ["api-keys", "/api-keys/"],
    ["jobs", "/jobs/"],
    ["reconciliation", "/reconciliation/"],
  ];
  pages.push(["account-detail", `/accounts/detail/?id=${account!.accountId}`]);
  if (transfer) pages.push(["transfer-detail", `/transfers/detail/?id=${transfer.transferId}`]);
  if (webhook) pages.push(["webhook-detail", `/webhooks/detail/?id=${webhook.endpointId}`]);
  pages.push(["session-detail", `/sessions/detail/?id=${sessionId}`]);

  for (const [name, path] of pages) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    expect(response?.headers()["content-security-policy"], `CSP on ${path}`).toContain("script-src 'self'");
    await expect(page.locator("main h1").first()).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: /^Loading…$/ })).toHaveCount(0, { timeout: 20_000 });
    await expect(page.locator("main .error")).toHaveCount(0);
    await page.waitForTimeout(300);
    await screenshots(page, name);
    await expectAccessible(page, name);
  }
  expect(problems).toEqual([]);

  // Spend over time, by category: the settled transfer of escalations.spec.ts had none.
  await page.goto("/");
  await page.getByLabel("By", { exact: true }).selectOption("category");
  await expect(page.locator(".recharts-legend-wrapper")).toContainText("uncategorised");
  await page.getByLabel("Period", { exact: true }).selectOption("day");
  await expect(page.locator(".recharts-legend-wrapper")).toContainText("uncategorised");
  await expectAccessible(page, "overview by category");

  // Signing out ends the session: the API refuses the cookie from then on.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Signed out" })).toBeVisible();
  expect((await page.request.get("/auth/session")).status()).toBe(401);
  expect((await page.request.get("/v1/overview")).status()).toBe(401);
});
