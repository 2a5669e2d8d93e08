// Not a test: measures the export against its goals.
//   1. First-load JavaScript of the overview page: every script the page loads, gzipped, summed.
//   2. Time from navigation to a rendered overview (its figures visible) with 10,000 transfers
//      in the database, on loopback.
// Starts its own stack (scripts/stack.mjs) and stops it afterwards. Run `npm run build` first.
import { chromium } from "@playwright/test";
import { existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { DASHBOARD, psql, rpc, startStack } from "./stack.mjs";

const GOAL_KB = 300;
const GOAL_MS = 1000;
const TRANSFERS = 10_000;
const RUNS = 5;

if (!existsSync(`${DASHBOARD}/out/index.html`)) {
  console.error("no export in out/: run `npm run build` first");
  process.exit(1);
}

const stack = await startStack({ subject: "measure-operator" });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
try {
  const context = await browser.newContext({ baseURL: stack.baseUrl, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByTestId("transfer-totals").waitFor({ timeout: 30_000 });

  // An account made through the API, then 10,000 settled transfers from it, straight into SQL.
  const csrf = { "X-MPPPal-CSRF": "1", "content-type": "application/json" };
  const operator = await (await page.request.get("/v1/operator")).json();
  await rpc(stack.rpcUrl, "requestAirdrop", [operator.ownerAddress, 10_000_000_000]);
  const made = await page.request.post("/v1/accounts", {
    headers: csrf,
    data: JSON.stringify({ name: "Measured agent", custody: "custodial", policy: { maxSingleTransfer: 5_000_000, maxDailySpend: 50_000_000_000 } }),
  });
  if (made.status() !== 201) throw new Error(`creating the account: ${made.status()} ${await made.text()}`);
  const account = await made.json();
  await psql(
    `INSERT INTO transfers (transfer_id, account_id, to_address, amount, idempotency_key, tx_signature, status, created_at, settled_at, spend_day, category)
     SELECT 'txn_measure' || lpad(g::text, 8, '0'), '${account.accountId}', '${account.solanaAddress}', 1000 + g, 'measure-' || g,
            'measure' || lpad(g::text, 20, '0'), 'settled', now() - g * interval '1 minute', now() - g * interval '1 minute' + interval '2 seconds',
            floor(extract(epoch FROM now() - g * interval '1 minute') / 86400)::bigint, (ARRAY['data','inference','search'])[1 + g % 3]
     FROM generate_series(1, ${TRANSFERS}) g`,
    stack.database,
  );
  const count = (await psql("SELECT count(*) FROM transfers", stack.database)).trim();

  // 1. Scripts of a cold load of the overview.
  const cold = await browser.newContext({ baseURL: stack.baseUrl, storageState: await context.storageState() });
  const coldPage = await cold.newPage();
  const scripts = new Map();
  coldPage.on("response", async (response) => {
    if (response.request().resourceType() !== "script") return;
    const body = await response.body().catch(() => null);
    if (body) scripts.set(response.url(), body);
  });
  await coldPage.goto("/");
  await coldPage.getByTestId("transfer-totals").waitFor({ timeout: 30_000 });
  await coldPage.waitForLoadState("networkidle");
  const html = await (await fetch(`${stack.baseUrl}/`)).text();
  const inHtml = new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => new URL(m[1], stack.baseUrl).href));
  let raw = 0;
  let gzip = 0;
  let htmlGzip = 0;
  for (const [url, body] of scripts) {
    const size = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gzip += size;
    if (inHtml.has(url)) htmlGzip += size;
    if (process.env.MEASURE_VERBOSE) console.log(`  ${(size / 1024).toFixed(1).padStart(7)} KB gzip  ${inHtml.has(url) ? "html" : "lazy"}  ${url}`);
  }
  await cold.close();

  // 2. Navigation to visible figures, each run in a fresh context (cold cache), median of RUNS.
  const times = [];
  const breakdowns = [];
  const inPage = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await browser.newContext({ baseURL: stack.baseUrl, storageState: await context.storageState() });
    const p = await run.newPage();
    // In the page: the moment (ms after navigation start) the overview's figures are in the DOM.
    await p.addInitScript(() => {
      const seen = () => {
        if (document.querySelector('[data-testid="worker-health"]') && !window.__rendered) window.__rendered = performance.now();
      };
      new MutationObserver(seen).observe(document, { childList: true, subtree: true });
    });
    const started = performance.now();
    await p.goto("/", { waitUntil: "commit" });
    await p.getByTestId("transfer-totals").waitFor({ timeout: 30_000 });
    await p.getByTestId("worker-health").waitFor();
    times.push(performance.now() - started);
    inPage.push(await p.evaluate(() => window.__rendered));
    breakdowns.push(
      await p.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0];
        const api = (path) => performance.getEntriesByType("resource").find((r) => new URL(r.name).pathname === path);
        const at = (e) => (e ? `${e.startTime.toFixed(0)}–${e.responseEnd.toFixed(0)}` : "—");
        return `html ${nav.responseEnd.toFixed(0)}, DOMContentLoaded ${nav.domContentLoadedEventEnd.toFixed(0)}, /auth/session ${at(api("/auth/session"))}, /v1/overview ${at(api("/v1/overview"))} ms`;
      }),
    );
    await run.close();
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const kb = gzip / 1024;
  console.log(`transfers in the database: ${count}`);
  console.log(`overview first-load JavaScript: ${scripts.size} files, ${(raw / 1024).toFixed(1)} KB raw, ${kb.toFixed(1)} KB gzip (goal ≤ ${GOAL_KB} KB): ${kb <= GOAL_KB ? "met" : "MISSED"}`);
  console.log(`  of which named in the HTML: ${(htmlGzip / 1024).toFixed(1)} KB gzip; loaded after (the chart): ${((gzip - htmlGzip) / 1024).toFixed(1)} KB gzip`);
  if (process.env.MEASURE_VERBOSE) for (const b of breakdowns) console.log(`  ${b}`);
  const shown = median(inPage);
  const wall = median(times);
  console.log(`time to a rendered overview (navigation start to its figures in the page): median ${shown.toFixed(0)} ms of ${RUNS} cold loads [${inPage.map((t) => t.toFixed(0)).join(", ")}] (goal ≤ ${GOAL_MS} ms): ${shown <= GOAL_MS ? "met" : "MISSED"}`);
  console.log(`  as the driver saw it (goto to the locator resolving, Playwright's polling included): median ${wall.toFixed(0)} ms [${times.map((t) => t.toFixed(0)).join(", ")}]`);
  console.log(`  machine load average while measuring: ${(await import("node:os")).loadavg().map((l) => l.toFixed(2)).join(" ")} on ${(await import("node:os")).cpus().length} cores`);
} finally {
  await browser.close();
  await stack.stop();
}
