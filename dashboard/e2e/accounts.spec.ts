import { call, expect, expectAccessible, test } from "./support/fixtures";
import { fundOwner } from "./support/world";

test("creates an account with a policy, changes the policy, and shows a refusal at its field", async ({ page }) => {
  await fundOwner(page.request);
  await page.goto("/accounts/new/");
  await expect(page.getByRole("heading", { name: "New account" })).toBeVisible();
  await expectAccessible(page, "new account");

  // Amounts the dashboard itself refuses never reach the API.
  await page.getByLabel("Name").fill("Research agent");
  await page.getByLabel("Largest single payment (USDC)").fill("1.0000001");
  await page.getByLabel("Daily cap (USDC)").fill("-5");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("USDC has 6 decimal places")).toBeVisible();
  await expect(page.getByText("The amount cannot be negative.")).toBeVisible();

  await page.getByLabel("Handle (optional)").fill("@research-e2e.mpppal");
  await page.getByLabel("Largest single payment (USDC)").fill("5");
  await page.getByLabel("Daily cap (USDC)").fill("50");
  await page.getByLabel("Escalation threshold (USDC)").fill("2.5");
  await page.getByLabel("Allowed categories").fill("inference, data");
  await page.getByRole("button", { name: "Create account" }).click();

  await page.waitForURL(/\/accounts\/detail\/\?id=acct_/, { timeout: 60_000 });
  await expect(page.getByRole("heading", { name: "Research agent", level: 1 })).toBeVisible();
  await expect(page.getByTestId("policy-version")).toHaveText("version 1");
  const policy = page.getByRole("region", { name: /Policy in force/ });
  await expect(policy.getByText("50.00 USDC")).toBeVisible();
  await expect(policy.getByText("2.50 USDC")).toBeVisible();
  await expect(page.getByTestId("deposit-address")).not.toBeEmpty();
  await expectAccessible(page, "account detail");

  // A new policy: version 2, and the diff against version 1.
  const editor = page.getByRole("region", { name: "Change the policy" });
  await expect(editor.getByLabel("Daily cap (USDC)")).toHaveValue("50");
  await editor.getByLabel("Daily cap (USDC)").fill("60");
  await editor.getByRole("button", { name: "Save policy" }).click();
  await expect(editor.getByText("Saved as version 2.")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("policy-version")).toHaveText("version 2");
  const diff = page.getByTestId("policy-diff");
  await expect(diff.getByRole("row", { name: /Daily cap/ })).toContainText("50.00 USDC");
  await expect(diff.getByRole("row", { name: /Daily cap/ })).toContainText("60.00 USDC");

  // A policy the API refuses: its reason shows at the field it is about.
  await editor.getByLabel("Largest single payment (USDC)").fill("100");
  await editor.getByRole("button", { name: "Save policy" }).click();
  const single = editor.getByLabel("Largest single payment (USDC)");
  await expect(single).toHaveAttribute("aria-invalid", "true");
  await expect(editor.getByRole("alert").filter({ hasText: "single_above_daily" })).toBeVisible();
  await expect(page.getByTestId("policy-version")).toHaveText("version 2");
  await expectAccessible(page, "account detail with a refused policy");

  // Pause and unpause, each confirmed, each written on chain (a new policy version each).
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Pause" }).click();
  await expect(page.getByTestId("account-status")).toHaveText("paused", { timeout: 60_000 });
  await expect(page.getByTestId("policy-version")).toHaveText("version 3");
  await page.getByRole("button", { name: "Unpause" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Unpause" }).click();
  await expect(page.getByTestId("account-status")).toHaveText("active", { timeout: 60_000 });
  await expect(page.getByTestId("policy-version")).toHaveText("version 4");
});

test("an account that does not exist shows the API's problem detail", async ({ page }) => {
  const answer = await call(page.request, "GET", "/v1/accounts/acct_doesnotexist0");
  expect(answer.status).toBe(404);
  await page.goto("/accounts/detail/?id=acct_doesnotexist0");
  await expect(page.locator("main").getByRole("alert")).toHaveText(String(answer.body.detail));
});
