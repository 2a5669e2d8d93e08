import { expect, expectAccessible, test } from "./support/fixtures";

test("signs in through /auth/login with the OpenID Connect issuer", async ({ page }) => {
  // Nobody is signed in: the dashboard sends the browser to sign in, and the issuer sends it back.
  const anonymous = await page.request.get("/auth/session");
  expect(anonymous.status()).toBe(401);
  await page.goto("/signed-out/");
  await expectAccessible(page, "signed out");
  await page.getByRole("link", { name: "Sign in again" }).click();
  await expect(page).toHaveURL((url) => url.pathname === "/");
  await expect(page.getByTestId("signed-in-as")).toHaveText(`${process.env.E2E_SUBJECT}@example.test`);
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  const session = await page.request.get("/auth/session");
  expect(session.status()).toBe(200);
  expect((await session.json()).subject).toBe(process.env.E2E_SUBJECT);
  await page.context().storageState({ path: "test-results/.auth/state.json" });
});

test("sends a visitor with no session to sign in", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/transfers/");
  // Straight through the issuer (it asks nothing) and back to the dashboard, signed in.
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
  await expect(page).toHaveURL((url) => url.pathname === "/");
  await context.close();
});
