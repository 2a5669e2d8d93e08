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

test("a key can get the approve scope, apart from write, with what it means", async ({ page }) => {
  await page.goto("/api-keys/");
  const scopes = page.getByRole("group", { name: "Scopes" });
  const approve = scopes.getByRole("checkbox", { name: /^approve: approve escalations/ });
  await expect(approve).not.toBeChecked();
  await expect(scopes).toContainText("the key that asks for a payment need not be able to wave it through");
  await page.getByLabel("Name").fill("reviewer e2e");
  await approve.check();
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("secret")).not.toBeEmpty();
  const row = page.getByTestId("api-keys").getByRole("row", { name: /reviewer e2e/ });
  await expect(row.getByRole("cell").nth(2)).toHaveText("read, approve");
  await expectAccessible(page, "api keys with an approver key");
});
