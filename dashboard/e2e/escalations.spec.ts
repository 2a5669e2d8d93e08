import { call, expect, expectAccessible, test } from "./support/fixtures";
import { fundOwner, fundVault, makeAccount } from "./support/world";

test("a transfer above the threshold appears in the inbox without a reload, is approved, and settles", async ({ page }) => {
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
  const transfer = await call(
    page.request,
    "POST",
    "/v1/transfers",
    { accountId: account.accountId, to: payee.solanaAddress, amount: 2_500_000, memo: "e2e escalation" },
    { "Idempotency-Key": `e2e-${Date.now()}` },
  );
  expect(transfer.status, JSON.stringify(transfer.body)).toBe(202);
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
  await expect(page.getByTestId("decided-escalations").locator(`tr[data-escalation="${escalationId}"]`)).toContainText("checked with the team");

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
