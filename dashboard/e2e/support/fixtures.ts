import AxeBuilder from "@axe-core/playwright";
import { expect, test as base, type APIRequestContext, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";

export const SHOTS = "test-results/screenshots";

/** Tests reach the stack global setup started; the base URL comes from it. */
export const test = base.extend({
  baseURL: async ({}, provide) => {
    const url = process.env.E2E_BASE_URL;
    if (!url) throw new Error("E2E_BASE_URL is not set: the global setup did not start the stack");
    await provide(url);
  },
});
export { expect };

/** No serious or critical accessibility violations on the page as it is now. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`);
  expect(summary, `axe on ${name}`).toEqual([]);
}

/** Screenshots at 1280 and 390 px wide, full page. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const size = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize(size);
}

/** The API, as the signed-in browser calls it: the session cookie plus the CSRF header. */
export async function call(request: APIRequestContext, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await request.fetch(path, {
    method,
    data: body === undefined ? undefined : JSON.stringify(body),
    headers: {
      ...(method === "GET" ? {} : { "X-MPPPal-CSRF": "1" }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status(), body: json as Record<string, unknown> };
}

/** A JSON-RPC call to the local chain. */
export async function rpc(method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(process.env.E2E_RPC_URL!, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}
