import { describe, expect, it, vi } from "vitest";
import { makeClient, unwrap } from "@/api/client";
import { ApiError, toApiError } from "@/api/error";
import { NO_FILTER, queryOf } from "@/components/transfers/filter";

function recorder(answer: () => Response) {
  const seen: Request[] = [];
  const fetch = vi.fn(async (input: Request) => {
    seen.push(input);
    return answer();
  }) as unknown as typeof globalThis.fetch;
  return { seen, fetch };
}

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": type } });

describe("the API client", () => {
  it("sends X-MPPPal-CSRF on changes and not on reads", async () => {
    const { seen, fetch } = recorder(() => json(200, { keyId: "mpk_1", secret: "s", scopes: ["read"] }));
    const client = makeClient({ baseUrl: "http://api.test", fetch });
    await client.GET("/v1/api-keys");
    await client.POST("/v1/api-keys", { body: { name: "n", scopes: ["read"] } });
    await client.DELETE("/v1/api-keys/{key_id}", { params: { path: { key_id: "mpk_1" } } });
    await client.PUT("/v1/accounts/{account_id}/policy", {
      params: { path: { account_id: "acct_1" } },
      body: { maxSingleTransfer: 1, maxDailySpend: 2 },
    });
    expect(seen.map((r) => [r.method, r.headers.get("x-mpppal-csrf")])).toEqual([
      ["GET", null],
      ["POST", "1"],
      ["DELETE", "1"],
      ["PUT", "1"],
    ]);
    expect(seen[1]!.url).toBe("http://api.test/v1/api-keys");
    expect(await seen[1]!.text()).toBe('{"name":"n","scopes":["read"]}');
  });

  it("turns problem+json into a typed ApiError with its extra members", async () => {
    const problem = {
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      code: "invalid_policy",
      detail: "maxSingleTransfer is above maxDailySpend",
      reason: "single_above_daily",
    };
    const { fetch } = recorder(() => json(400, problem, "application/problem+json"));
    const client = makeClient({ baseUrl: "http://api.test", fetch });
    const error = await unwrap(
      client.PUT("/v1/accounts/{account_id}/policy", {
        params: { path: { account_id: "acct_1" } },
        body: { maxSingleTransfer: 9, maxDailySpend: 2 },
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    expect([e.status, e.code, e.detail, e.reason]).toEqual([
      400,
      "invalid_policy",
      "maxSingleTransfer is above maxDailySpend",
      "single_above_daily",
    ]);
    expect(e.extra).toEqual({ reason: "single_above_daily" });
    expect(e.message).toBe("maxSingleTransfer is above maxDailySpend");
  });

  it("returns the data of a successful answer", async () => {
    const keys = [{ keyId: "mpk_1", name: "first", scopes: ["read"], revoked: false }];
    const { fetch } = recorder(() => json(200, keys));
    const client = makeClient({ baseUrl: "http://api.test", fetch });
    expect(await unwrap(client.GET("/v1/api-keys"))).toEqual(keys);
  });

  it("sends a 401 to sign-in, and still fails the call", async () => {
    const onUnauthorized = vi.fn();
    const { fetch } = recorder(() =>
      json(401, { status: 401, code: "unauthenticated", detail: "sign in again" }, "application/problem+json"),
    );
    const client = makeClient({ baseUrl: "http://api.test", fetch, onUnauthorized });
    const error = await unwrap(client.GET("/v1/operator")).catch((e: unknown) => e);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect((error as ApiError).code).toBe("unauthenticated");
  });

  it("does not send other errors to sign-in", async () => {
    const onUnauthorized = vi.fn();
    const { fetch } = recorder(() => json(403, { status: 403, code: "csrf_header_required", detail: "x" }));
    const client = makeClient({ baseUrl: "http://api.test", fetch, onUnauthorized });
    await unwrap(client.GET("/v1/operator")).catch(() => undefined);
    expect(onUnauthorized).not.toHaveBeenCalled();
  });
});

describe("the list filters", () => {
  it("go as a query string, the empty ones left out", async () => {
    const { seen, fetch } = recorder(() => json(200, { items: [] }));
    const client = makeClient({ baseUrl: "http://api.test", fetch });
    await client.GET("/v1/transfers", { params: { query: queryOf(NO_FILTER) } });
    await client.GET("/v1/transfers", {
      params: { query: queryOf({ accountId: "acct_1", status: "settled", fromDay: "", toDay: "" }, "c 1", 100) },
    });
    await client.GET("/v1/audit", { params: { query: { before: 42 } } });
    await client.GET("/v1/webhooks/{endpoint_id}/deliveries", { params: { path: { endpoint_id: "whk_1" }, query: { cursor: undefined } } });
    await client.POST("/v1/jobs/{job_id}/replay", { params: { path: { job_id: 7 } } });
    expect(seen.map((r) => r.url)).toEqual([
      "http://api.test/v1/transfers",
      "http://api.test/v1/transfers?accountId=acct_1&status=settled&cursor=c%201&limit=100",
      "http://api.test/v1/audit?before=42",
      "http://api.test/v1/webhooks/whk_1/deliveries",
      "http://api.test/v1/jobs/7/replay",
    ]);
  });
});

describe("toApiError", () => {
  it("keeps a problem without detail readable", () => {
    const e = toApiError(503, { title: "Service Unavailable", status: 503, code: "not_ready" });
    expect([e.code, e.detail]).toEqual(["not_ready", "Service Unavailable"]);
  });

  it("copes with a body that is not a problem", () => {
    expect(toApiError(502, "Bad gateway").detail).toBe("Bad gateway");
    expect(toApiError(500, "").code).toBe("http_500");
    expect(toApiError(500, [1, 2]).detail).toBe("The server answered 500.");
    expect(toApiError(404, { code: 7 }).code).toBe("http_404");
  });
});
