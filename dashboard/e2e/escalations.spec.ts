import { call, expect, expectAccessible, screenshots, test } from "./support/fixtures";
import { operatorKey, signedCall } from "./support/signed";
import { fundOwner, fundVault, makeAccount } from "./support/world";

// Separation of duties: whoever asked for a transfer cannot approve it. Here a program asks, with
// the operator's API key, and the person signed in to the dashboard approves.
test("a transfer an API key asked for appears in the inbox without a reload, is approved by the person, and settles", async ({ page }) => {
  await fundOwner(page.request);
  const account = await makeAccount(page.request, "Escalating agent", {
    maxSingleTransfer: 10_000_000,
    maxDailySpend: 100_000_000,
    escalationThreshold: 1_000_000,
  });
  await fundVault(account.solanaAddress, 50_000_000);

  await page.goto("/escalations/");
  await expect(page.getByRole("heading", { name: "Escalations", level: 1 })).toBeVisible();
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  // A mark that a reload would wipe.
  await page.evaluate(() => ((window as unknown as { e2eMark: number }).e2eMark = 1));

  const payee = await makeAccount(page.request, "Payee", { maxSingleTransfer: 1_000_000, maxDailySpend: 1_000_000 });
  const key = operatorKey();
  const transfer = await signedCall(
    key,
    "POST",
    "/v1/transfers",
    { accountId: account.accountId, to: payee.solanaAddress, amount: 2_500_000, memo: "e2e escalation" },
    { "Idempotency-Key": `e2e-${Date.now()}` },
  );
  expect(transfer.status, JSON.stringify(transfer.body)).toBe(202);
  expect(transfer.body.status).toBe("pending_approval");
  const transferId = String(transfer.body.transferId);
  const escalationId = String(transfer.body.escalationId);

  const row = page.getByTestId("pending-escalations").locator(`tr[data-escalation="${escalationId}"]`);
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(row).toContainText("2.50 USDC");
  await expect(row).toContainText(/\d+m \d\ds left/);
  expect(await page.evaluate(() => (window as unknown as { e2eMark?: number }).e2eMark)).toBe(1);
  await expectAccessible(page, "escalations inbox");

  await row.getByRole("button", { name: "Approve" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/Note/).fill("checked with the team");
  await dialog.getByRole("button", { name: "Approve" }).click();
  const decided = page.getByTestId("decided-escalations").locator(`tr[data-escalation="${escalationId}"]`);
  await expect(decided).toContainText("checked with the team");
  // Decided by the person, not by the key that asked.
  await expect(decided).toContainText(`oidc:${process.env.E2E_SUBJECT}`);
  const escalation = await signedCall(key, "GET", `/v1/escalations/${escalationId}`);
  expect(escalation.body).toMatchObject({ status: "approved", decidedBy: `oidc:${process.env.E2E_SUBJECT}` });

  await page.goto(`/transfers/detail/?id=${transferId}`);
  await expect(page.getByTestId("transfer-status")).toHaveText("settled", { timeout: 60_000 });
  const link = page.getByTestId("transfer-signature").getByTestId("tx-link");
  await expect(link).toHaveAttribute("href", /^https:\/\/explorer\.solana\.com\/tx\/[1-9A-HJ-NP-Za-km-z]{64,88}\?cluster=custom&customUrl=/);
  await expect(page.getByRole("region", { name: "Escalation" })).toContainText("approved");
  await expectAccessible(page, "transfer detail");
});

test("without the event stream, the inbox polls and still shows a new escalation", async ({ page }) => {
  await page.route("**/v1/events", (route) => route.abort());
  const account = await makeAccount(page.request, "Polled agent", {
    maxSingleTransfer: 10_000_000,
    maxDailySpend: 100_000_000,
    escalationThreshold: 1_000_000,
  });
  await page.goto("/escalations/");
  await expect(page.getByText("Polling", { exact: true })).toBeVisible();
  const transfer = await call(
    page.request,
    "POST",
    "/v1/transfers",
    { accountId: account.accountId, to: account.solanaAddress, amount: 3_000_000 },
    { "Idempotency-Key": `e2e-poll-${Date.now()}` },
  );
  expect(transfer.status, JSON.stringify(transfer.body)).toBe(202);
  const row = page.getByTestId("pending-escalations").locator(`tr[data-escalation="${transfer.body.escalationId}"]`);
  await expect(row).toBeVisible({ timeout: 20_000 });
  await row.getByRole("button", { name: "Deny" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Deny" }).click();
  await expect(page.getByTestId("decided-escalations").locator(`tr[data-escalation="${transfer.body.escalationId}"]`)).toContainText("denied");
});

test("a person cannot approve a transfer they asked for themselves: the inbox shows the API's refusal", async ({ page }) => {
  const account = await makeAccount(page.request, "Self-approving agent", {
    maxSingleTransfer: 10_000_000,
    maxDailySpend: 100_000_000,
    escalationThreshold: 1_000_000,
  });
  await page.goto("/escalations/");
  await expect(page.getByRole("heading", { name: "Escalations", level: 1 })).toBeVisible();
  // Asked for by the signed-in person (the session cookie and the CSRF header, as the dashboard sends them).
  const transfer = await call(
    page.request,
    "POST",
    "/v1/transfers",
    { accountId: account.accountId, to: account.solanaAddress, amount: 4_000_000, memo: "e2e own transfer" },
    { "Idempotency-Key": `e2e-own-${Date.now()}` },
  );
  expect(transfer.status, JSON.stringify(transfer.body)).toBe(202);
  const escalationId = String(transfer.body.escalationId);
  const row = page.getByTestId("pending-escalations").locator(`tr[data-escalation="${escalationId}"]`);
  await expect(row).toBeVisible({ timeout: 20_000 });

  await row.getByRole("button", { name: "Approve" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Approve" }).click();
  const refusal = row.getByTestId("own-transfer");
  await expect(refusal).toBeVisible();
  await expect(refusal).toHaveAttribute("role", "alert");
  await expect(refusal).toContainText("the key or person that asked for a transfer cannot approve it; another must");
  await expect(refusal).toContainText("an API key that holds the approve scope");
  // Still pending; approving again is pointless, denying is still up to them.
  await expect(row.getByRole("button", { name: "Approve" })).toBeDisabled();
  await expect(row.getByRole("button", { name: "Deny" })).toBeEnabled();
  const still = await call(page.request, "GET", `/v1/escalations/${escalationId}`);
  expect(still.body).toMatchObject({ status: "pending", decidedBy: null });
  await expectAccessible(page, "escalations inbox with an own transfer refused");
  await screenshots(page, "escalation-own-transfer-refused");

  // What the API answered, as any client sees it.
  const direct = await call(page.request, "POST", `/v1/escalations/${escalationId}/approve`, {});
  expect(direct.status).toBe(403);
  expect(direct.body).toMatchObject({ code: "own_transfer" });

  // Denying moves no money: anyone who may make changes may deny, their own transfers included.
  await row.getByRole("button", { name: "Deny" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Deny" }).click();
  await expect(page.getByTestId("decided-escalations").locator(`tr[data-escalation="${escalationId}"]`)).toContainText("denied");
});
