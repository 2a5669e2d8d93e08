import { expect, expectAccessible, test } from "./support/fixtures";

test("the audit log lists the operator's changes and verifies its chain", async ({ page }) => {
  await page.goto("/audit/");
  const rows = page.getByTestId("audit");
  await expect(rows).toContainText("account");
  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByTestId("verify-result")).toHaveText(/^Intact: all \d+ rows chain correctly\.$/);
  await expectAccessible(page, "audit log");
});
