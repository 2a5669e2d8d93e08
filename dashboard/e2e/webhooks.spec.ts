import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { call, expect, expectAccessible, test } from "./support/fixtures";
import { fundOwner, makeAccount } from "./support/world";

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local endpoint that records every message it is sent and answers 204. */
async function receiver() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/mpppal`, received, close: () => new Promise((ok) => server.close(ok)) };
}

test("a webhook endpoint gets an event, shows each attempt, and resends it", async ({ page }) => {
  const hook = await receiver();
  try {
    await page.goto("/webhooks/");
    await page.getByLabel("URL").fill(hook.url);
    await page.getByLabel("policy.updated").check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByTestId("secret")).toHaveText(/^whsec_/);
    await expect(page.getByTestId("webhooks")).toContainText(hook.url);

    // An event: a policy change.
    await fundOwner(page.request);
    const account = await makeAccount(page.request, "Hooked agent", { maxSingleTransfer: 1_000_000, maxDailySpend: 5_000_000 });
    const changed = await call(page.request, "PUT", `/v1/accounts/${account.accountId}/policy`, { maxSingleTransfer: 2_000_000, maxDailySpend: 5_000_000 });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await expect.poll(() => hook.received.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    const first = hook.received[0]!;
    expect(JSON.parse(first.body).type).toBe("policy.updated");

    await page.getByTestId("webhooks").getByRole("link", { name: hook.url }).click();
    await expect(page.getByRole("heading", { name: "Webhook endpoint" })).toBeVisible();
    const deliveries = page.getByTestId("deliveries");
    await expect(deliveries).toContainText("policy.updated", { timeout: 20_000 });
    await expect(deliveries).toContainText("delivered");
    await expectAccessible(page, "webhook detail");

    await deliveries.getByRole("button", { name: "Resend" }).first().click();
    await expect(page.getByText(/queued to be sent again/)).toBeVisible();
    await expect.poll(() => hook.received.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    // The same message again, under the same webhook-id.
    expect(hook.received[1]!.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    await expect
      .poll(async () => {
        await page.reload();
        return page.getByTestId("deliveries").locator("ol.attempts li").count();
      }, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(2);

    // Rotating the secret shows the new one once.
    await page.getByRole("button", { name: "Rotate secret" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Rotate secret" }).click();
    await expect(page.getByTestId("secret")).toHaveText(/^whsec_/);
  } finally {
    await hook.close();
  }
});
