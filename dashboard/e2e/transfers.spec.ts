import { readFileSync } from "node:fs";
import { call, expect, expectAccessible, test } from "./support/fixtures";

// After escalations.spec.ts: at least one settled transfer exists.
test("transfers filter by status and account, and export every page as CSV", async ({ page }) => {
  const listed = await call(page.request, "GET", "/v1/transfers?status=settled");
  const settled = (listed.body.items as { transferId: string; accountId: string; amount: number }[])[0];
  expect(settled, "a settled transfer from an earlier scenario").toBeDefined();

  await page.goto("/transfers/");
  await page.getByLabel("Status").selectOption("settled");
  const table = page.getByTestId("transfers");
  await expect(table.getByRole("link", { name: settled!.transferId })).toBeVisible();
  // The denied escalation of escalations.spec.ts is a rejected transfer; none failed.
  await page.getByLabel("Status").selectOption("failed");
  await expect(page.getByText("No transfers match.")).toBeVisible();
  await page.getByLabel("Status").selectOption("");
  await page.getByLabel("Account").selectOption(settled!.accountId);
  await expect(table.getByRole("link", { name: settled!.transferId })).toBeVisible();
  // A date range that ends before today shows nothing.
  await page.getByLabel("To", { exact: true }).fill("2020-01-01");
  await expect(page.getByText("No transfers match.")).toBeVisible();
  await page.getByLabel("To", { exact: true }).fill("");
  await expectAccessible(page, "transfers");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
  const csv = readFileSync((await download.path())!, "utf8").trim().split("\r\n");
  expect(csv[0]).toBe(
    "transferId,accountId,to,amountBaseUnits,amountUsdc,status,memo,category,rejectionReason,failureReason,txSignature,ownerCosigned,escalationId,createdAt,settledAt",
  );
  const row = csv.find((line) => line.startsWith(`${settled!.transferId},`));
  expect(row).toContain(`,${settled!.amount},${(settled!.amount / 1e6).toFixed(6)},settled,`);
  const ofAccount = await call(page.request, "GET", `/v1/transfers?accountId=${settled!.accountId}&limit=100`);
  expect(csv.length - 1).toBe((ofAccount.body.items as unknown[]).length);
});
