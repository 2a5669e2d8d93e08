import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { call, expect, expectAccessible, test } from "./support/fixtures";
import { fundOwner } from "./support/world";

/** A fresh agent key's public half, base58 as Solana writes it. */
function agentPublicKey(): string {
  const spki = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" });
  const raw = spki.subarray(spki.length - 32);
  const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  let n = BigInt(`0x${raw.toString("hex")}`);
  let out = "";
  while (n > 0n) {
    out = alphabet[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const byte of raw) {
    if (byte !== 0) break;
    out = `1${out}`;
  }
  return out;
}

function psql(sql: string): string {
  return execFileSync("psql", [process.env.E2E_DATABASE_URL!, "-v", "ON_ERROR_STOP=1", "-qAtc", sql], { encoding: "utf8" }).trim();
}

test("creates a non-custodial account for an agent that keeps its own key", async ({ page }) => {
  await fundOwner(page.request);
  const agent = agentPublicKey();
  await page.goto("/accounts/new/");
  await page.getByLabel("Name").fill("Own-key agent");
  await page.getByLabel(/Non-custodial/).check();
  // The key is asked for, and required, only for this custody.
  await page.getByLabel("Largest single payment (USDC)").fill("1");
  await page.getByLabel("Daily cap (USDC)").fill("10");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("A non-custodial account needs its agent's public key.")).toBeVisible();
  await page.getByLabel("Agent public key (base58)").fill(agent);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/accounts\/detail\/\?id=acct_/, { timeout: 60_000 });
  await expect(page.getByRole("heading", { name: "Own-key agent", level: 1 })).toBeVisible();
  await expect(page.getByText("non-custodial", { exact: true })).toBeVisible();
  const id = new URL(page.url()).searchParams.get("id")!;
  const account = await call(page.request, "GET", `/v1/accounts/${id}`);
  expect(account.body).toMatchObject({ custody: "non_custodial", agentAddress: agent });
});

test("a dead job is replayed from its page, and an open reconciliation difference is listed", async ({ page }) => {
  await fundOwner(page.request);
  const accounts = await call(page.request, "GET", "/v1/accounts");
  const account = (accounts.body.items as { accountId: string }[])[0];
  expect(account, "an account from an earlier scenario").toBeDefined();
  // What the worker leaves when a job fails every try (its retry cap), and what the reconciler
  // records: written as they would, since neither happens on purpose in a healthy stack.
  const jobId = psql(
    `INSERT INTO outbox (kind, subject, payload, attempts, last_error, dead_at, enqueued_at)
     VALUES ('event', '${account!.accountId}', '{"type":"account.paused"}', 10, 'e2e: the endpoint kept refusing', now(), now())
     RETURNING outbox_id`,
  );
  const operator = await call(page.request, "GET", "/v1/operator");
  psql(
    // Last seen "later", so the stack's own reconciler (which resolves what it no longer sees)
    // leaves it open while the page is read.
    `INSERT INTO reconciliation_differences (operator_id, kind, subject, detail, last_seen)
     VALUES ('${String(operator.body.operatorId)}', 'balance_short', '${account!.accountId}',
             'e2e: the vault holds less than the receipts owed', now() + interval '1 hour')`,
  );

  await page.goto("/jobs/");
  const row = page.getByRole("row").filter({ hasText: "e2e: the endpoint kept refusing" });
  await expect(row).toBeVisible();
  await expect(row).toContainText(jobId);
  await expectAccessible(page, "dead jobs");
  await row.getByRole("button", { name: "Replay" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Replay" }).click();
  await expect(page.getByText(new RegExp(`Job ${jobId} is \\w+ again`))).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: "e2e: the endpoint kept refusing" })).toHaveCount(0);
  expect(psql(`SELECT dead_at IS NULL FROM outbox WHERE outbox_id = ${jobId}`)).toBe("t");

  await page.goto("/reconciliation/");
  const difference = page.getByRole("row").filter({ hasText: "e2e: the vault holds less than the receipts owed" });
  await expect(difference).toBeVisible();
  await expect(difference).toContainText("balance short");
  await expectAccessible(page, "reconciliation");
});
