import { expect, expectAccessible, test } from "./support/fixtures";

test("an API key's secret shows once, and the key can be revoked", async ({ page }) => {
  await page.goto("/api-keys/");
  await page.getByLabel("Name").fill("reporting e2e");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = page.getByTestId("secret");
  await expect(secret).not.toBeEmpty();
  const text = await secret.textContent();
  expect(text?.length).toBeGreaterThan(20);
  const row = page.getByTestId("api-keys").getByRole("row", { name: /reporting e2e/ });
  await expect(row).toContainText("read");
  await expectAccessible(page, "api keys with a new secret");

  // Once: after a reload the secret is nowhere.
  await page.reload();
  await expect(page.getByTestId("api-keys")).toContainText("reporting e2e");
  await expect(page.getByTestId("secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(text!);

  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("revoked");
});
