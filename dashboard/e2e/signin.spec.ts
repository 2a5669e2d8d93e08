import { expect, expectAccessible, screenshots, test } from "./support/fixtures";
import { MPPPAL_BIN, run } from "../scripts/stack.mjs";

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

test("signs in once with a link from `mpppal operator login-link`, and refuses it the second time", async ({ browser, baseURL }) => {
  // The command as an administrator runs it: the server's database and master key, no issuer.
  const printed = await run(
    MPPPAL_BIN,
    ["operator", "login-link", "--operator", process.env.E2E_OPERATOR_ID!, "--base-url", baseURL!],
    { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, MPPPAL_MASTER_KEY: process.env.E2E_MASTER_KEY },
  );
  const link = printed.trim();
  expect(link, "the command prints the URL and nothing else").toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\/link\?token=\S+$/);
  expect(new URL(link).origin).toBe(baseURL);

  // A browser that has never been here: no cookie, nothing stored.
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  expect((await page.request.get("/auth/session")).status()).toBe(401);
  await page.goto(link);
  await expect(page).toHaveURL((url) => url.pathname === "/" && url.search === "");
  await expect(page.getByTestId("signed-in-as")).toHaveText("admin");
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  const session = await page.request.get("/auth/session");
  expect(session.status()).toBe(200);
  expect(await session.json()).toMatchObject({ subject: "admin", issuer: "mpppal:login-link", operatorId: process.env.E2E_OPERATOR_ID });

  // The same link again: the browser lands on the dashboard's page that says why, with the
  // API's detail as text and a way to sign in again.
  const detail = "this sign-in link is unknown, used or expired; ask for a new one (mpppal operator login-link)";
  const refusal = async (pageOf: typeof page) => {
    const answer = await pageOf.goto(link);
    expect(answer?.status()).toBe(200);
    await expect(pageOf).toHaveURL((url) => url.pathname === "/signed-out/" && url.searchParams.get("code") === "invalid_link");
    expect(new URL(pageOf.url()).searchParams.get("detail")).toBe(detail);
    await expect(pageOf.getByRole("heading", { name: "Sign-in failed", level: 1 })).toBeVisible();
    await expect(pageOf.getByTestId("signin-failure")).toHaveText(detail);
    await expect(pageOf.getByTestId("signin-failure-code")).toHaveText("invalid_link");
    await expect(pageOf.getByRole("link", { name: "Sign in again" })).toHaveAttribute("href", "/auth/login");
    await expect(pageOf.getByRole("heading", { name: "Signed out" })).toHaveCount(0);
    await expectAccessible(pageOf, "sign-in failed");
  };
  await refusal(page);
  await screenshots(page, "signin-link-refused");
  await context.close();

  // Nor does it sign in anybody else.
  const other = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const stranger = await other.newPage();
  await refusal(stranger);
  expect((await stranger.request.get("/auth/session")).status()).toBe(401);
  // A program (it does not ask for HTML) still gets the problem itself.
  const api = await stranger.request.get(link, { headers: { accept: "application/json" }, maxRedirects: 0 });
  expect(api.status()).toBe(400);
  expect(api.headers()["content-type"]).toContain("application/problem+json");
  expect(await api.json()).toMatchObject({ status: 400, code: "invalid_link", detail });
  await other.close();
});

test("the signed-out page shows a failed sign-in's detail as text, and is plain without a code", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("dialog", (d) => {
    problems.push(`a dialog opened: ${d.message()}`);
    void d.dismiss();
  });

  // A callback nobody started (a stale or replayed redirect from the issuer): the page says why.
  await page.goto("/auth/callback?code=e2e-code&state=e2e-unknown-state");
  await expect(page).toHaveURL((url) => url.pathname === "/signed-out/" && url.searchParams.get("code") === "invalid_state");
  await expect(page.getByRole("heading", { name: "Sign-in failed", level: 1 })).toBeVisible();
  await expect(page.getByTestId("signin-failure")).toHaveText("this sign-in is unknown, used or expired; start again at /auth/login");
  expect((await page.request.get("/auth/session")).status()).toBe(401);

  // Whatever the query says is text on the page, never markup.
  const markup = `<img src="/nothing.png" onerror="alert(1)"><b id="injected">bold</b>`;
  await page.goto(`/signed-out/?code=signin_failed&detail=${encodeURIComponent(markup)}`);
  await expect(page.getByRole("heading", { name: "Sign-in failed", level: 1 })).toBeVisible();
  await expect(page.getByTestId("signin-failure")).toHaveText(markup);
  await expect(page.locator("main img, #injected")).toHaveCount(0);

  // Signing out (no code): "Signed out", as before.
  await page.goto("/signed-out/");
  await expect(page.getByRole("heading", { name: "Signed out", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Sign-in failed" })).toHaveCount(0);
  await expect(page.getByTestId("signin-failure")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Sign in again" })).toBeVisible();
  await expectAccessible(page, "signed out");
  await screenshots(page, "signed-out");
  expect(problems).toEqual([]);
  await context.close();
});
