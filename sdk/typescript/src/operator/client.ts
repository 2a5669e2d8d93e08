// The operator client: `new MppPal({ keyId, secret, baseUrl })`, typed from the server's OpenAPI
// spec (openapi-typescript), requests through openapi-fetch over the signing transport.
import { randomUUID } from "node:crypto";
import createClient from "openapi-fetch";
import { ApiError, InvalidInputError } from "../errors.js";
import { PageList, type Page } from "./pages.js";
import type { components, operations, paths } from "./schema.js";
import { signingFetch, toJson, type TransportOptions } from "./transport.js";

export type Schemas = components["schemas"];
type Amount = number | bigint;
type WithAmounts<T, K extends keyof T> = Omit<T, K> & { [P in K]: T[P] extends number ? Amount : T[P] extends number | null | undefined ? Amount | null | undefined : T[P] };
type Query<K extends keyof operations> = operations[K] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type PolicyInput = WithAmounts<Schemas["PolicyBody"], "maxSingleTransfer" | "maxDailySpend" | "escalationThreshold">;
export type NewAccount = Omit<Schemas["NewAccountBody"], "policy"> & { policy: PolicyInput };
export type NewTransfer = WithAmounts<Schemas["NewTransferBody"], "amount">;

export interface MppPalOptions extends Omit<TransportOptions, "keyId" | "secret"> {
  keyId: string;
  secret: string;
  /** Where `mpppal serve` listens, e.g. https://mpppal.example.com. */
  baseUrl: string;
}

/** Per-call options: an Idempotency-Key of your own (one is generated otherwise), a signal. */
export interface CallOptions {
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export class MppPal {
  private readonly http: ReturnType<typeof createClient<paths>>;

  constructor(options: MppPalOptions) {
    if (!options || typeof options.keyId !== "string" || !options.keyId.startsWith("mpk_")) {
      throw new InvalidInputError("keyId", "must be an MPPPal API key id (mpk_…)");
    }
    if (typeof options.secret !== "string" || options.secret.length === 0) throw new InvalidInputError("secret", "is required");
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new InvalidInputError("baseUrl", `not a URL: ${String(options.baseUrl)}`);
    }
    this.http = createClient<paths>({
      baseUrl: base.origin,
      fetch: signingFetch(options),
      bodySerializer: toJson,
    });
  }

  private async call<T>(
    sent: Promise<{ data?: T; error?: unknown; response: Response }>,
  ): Promise<T> {
    const { data, error, response } = await sent;
    if (!response.ok) throw new ApiError(response.status, (error ?? {}) as Record<string, unknown>);
    return data as T;
  }

  private headers(o?: CallOptions): { headers?: Record<string, string>; signal?: AbortSignal } {
    const out: { headers?: Record<string, string>; signal?: AbortSignal } = {};
    if (o?.idempotencyKey) out.headers = { "idempotency-key": o.idempotencyKey };
    if (o?.signal) out.signal = o.signal;
    return out;
  }

  private pages<T, Q extends { cursor?: string }>(fetchPage: (q: Q) => Promise<Page<T>>, query: Q): PageList<T> {
    return new PageList<T>((cursor) => fetchPage(cursor ? { ...query, cursor } : query));
  }

  operator(): Promise<Schemas["Operator"]> {
    return this.call(this.http.GET("/v1/operator"));
  }

  overview(): Promise<Schemas["Overview"]> {
    return this.call(this.http.GET("/v1/overview"));
  }

  spend(query: Query<"spend"> = {}): Promise<unknown> {
    return this.call(this.http.GET("/v1/spend", { params: { query } }));
  }

  readonly accounts = {
    create: (body: NewAccount, o?: CallOptions): Promise<Schemas["AccountView"]> =>
      this.call(this.http.POST("/v1/accounts", { body: body as never, ...this.headers(o) })),
    list: (query: Query<"list_accounts"> = {}): PageList<Schemas["AccountView"]> =>
      this.pages((q) => this.call(this.http.GET("/v1/accounts", { params: { query: q } })), query),
    get: (accountId: string): Promise<Schemas["AccountView"]> =>
      this.call(this.http.GET("/v1/accounts/{account_id}", { params: { path: { account_id: accountId } } })),
    balance: (accountId: string): Promise<Schemas["Balance"]> =>
      this.call(this.http.GET("/v1/accounts/{account_id}/balance", { params: { path: { account_id: accountId } } })),
    policy: (accountId: string): Promise<Schemas["PolicyView"]> =>
      this.call(this.http.GET("/v1/accounts/{account_id}/policy", { params: { path: { account_id: accountId } } })),
    policyVersions: (accountId: string): Promise<Schemas["PolicyView"][]> =>
      this.call(this.http.GET("/v1/accounts/{account_id}/policy/versions", { params: { path: { account_id: accountId } } })) as never,
    replacePolicy: (accountId: string, policy: PolicyInput, o?: CallOptions): Promise<Schemas["PolicyView"]> =>
      this.call(this.http.PUT("/v1/accounts/{account_id}/policy", { params: { path: { account_id: accountId } }, body: policy as never, ...this.headers(o) })),
    pause: (accountId: string, o?: CallOptions): Promise<Schemas["PolicyView"]> =>
      this.call(this.http.POST("/v1/accounts/{account_id}/pause", { params: { path: { account_id: accountId } }, ...this.headers(o) })),
    unpause: (accountId: string, o?: CallOptions): Promise<Schemas["PolicyView"]> =>
      this.call(this.http.POST("/v1/accounts/{account_id}/unpause", { params: { path: { account_id: accountId } }, ...this.headers(o) })),
  };

  readonly handles = {
    resolve: (handle: string): Promise<Schemas["HandleResolution"]> =>
      this.call(this.http.GET("/v1/handles/{handle}", { params: { path: { handle } } })),
  };

  readonly transfers = {
    create: (body: NewTransfer, o?: CallOptions): Promise<Schemas["TransferView"]> =>
      this.call(
        this.http.POST("/v1/transfers", {
          // Required on this route: the same key makes a retried payment happen once.
          params: { header: { "Idempotency-Key": o?.idempotencyKey ?? randomUUID() } },
          body: body as never,
          ...(o?.signal ? { signal: o.signal } : {}),
        }),
      ),
    list: (query: Query<"list_transfers"> = {}): PageList<Schemas["TransferView"]> =>
      this.pages((q) => this.call(this.http.GET("/v1/transfers", { params: { query: q } })), query),
    get: (transferId: string): Promise<Schemas["TransferView"]> =>
      this.call(this.http.GET("/v1/transfers/{transfer_id}", { params: { path: { transfer_id: transferId } } })),
  };

  readonly escalations = {
    list: (query: Query<"list_escalations"> = {}): PageList<Schemas["EscalationView"]> =>
      this.pages((q) => this.call(this.http.GET("/v1/escalations", { params: { query: q } })), query),
    get: (escalationId: string): Promise<Schemas["EscalationView"]> =>
      this.call(this.http.GET("/v1/escalations/{escalation_id}", { params: { path: { escalation_id: escalationId } } })),
    approve: (escalationId: string, note?: string, o?: CallOptions): Promise<Schemas["EscalationView"]> =>
      this.call(this.http.POST("/v1/escalations/{escalation_id}/approve", { params: { path: { escalation_id: escalationId } }, body: (note ? { note } : {}) as never, ...this.headers(o) })),
    deny: (escalationId: string, note?: string, o?: CallOptions): Promise<Schemas["EscalationView"]> =>
      this.call(this.http.POST("/v1/escalations/{escalation_id}/deny", { params: { path: { escalation_id: escalationId } }, body: (note ? { note } : {}) as never, ...this.headers(o) })),
  };

  readonly receipts = {
    list: (query: Query<"list_receipts"> = {}): PageList<Schemas["ReceiptView"]> =>
      this.pages((q) => this.call(this.http.GET("/v1/receipts", { params: { query: q } })), query),
    report: (receipts: Schemas["ReceiptReport"][], o?: CallOptions): Promise<Schemas["ReceiptResults"]> =>
      this.call(this.http.POST("/v1/receipts", { body: { receipts } as never, ...this.headers(o) })),
    /** Custodial signing: the API signs the deferred receipt with the account's sealed key. */
    sign: (accountId: string, body: Record<string, unknown>, o?: CallOptions): Promise<Schemas["SignedReceipt"]> =>
      this.call(this.http.POST("/v1/accounts/{account_id}/receipts", { params: { path: { account_id: accountId } }, body: body as never, ...this.headers(o) })),
  };

  readonly sessions = {
    list: (query: Query<"list_sessions"> = {}): PageList<Schemas["SessionView"]> =>
      this.pages((q) => this.call(this.http.GET("/v1/sessions", { params: { query: q } })), query),
    get: (sessionId: string): Promise<Schemas["SessionView"]> =>
      this.call(this.http.GET("/v1/sessions/{session_id}", { params: { path: { session_id: sessionId } } })),
  };

  readonly webhooks = {
    create: (body: Schemas["NewWebhook"], o?: CallOptions): Promise<Schemas["Webhook"]> =>
      this.call(this.http.POST("/v1/webhooks", { body, ...this.headers(o) })),
    list: (): Promise<Schemas["Webhook"][]> => this.call(this.http.GET("/v1/webhooks")) as never,
    disable: (endpointId: string, o?: CallOptions): Promise<void> =>
      this.call(this.http.DELETE("/v1/webhooks/{endpoint_id}", { params: { path: { endpoint_id: endpointId } }, ...this.headers(o) })) as never,
    deliveries: (endpointId: string, query: Query<"list_deliveries"> = {}): PageList<Schemas["DeliveryView"]> =>
      this.pages((q) => this.call(this.http.GET("/v1/webhooks/{endpoint_id}/deliveries", { params: { path: { endpoint_id: endpointId }, query: q } })), query),
    resend: (endpointId: string, eventId: number, o?: CallOptions): Promise<unknown> =>
      this.call(this.http.POST("/v1/webhooks/{endpoint_id}/resend", { params: { path: { endpoint_id: endpointId } }, body: { eventId } as never, ...this.headers(o) })),
    enable: (endpointId: string, o?: CallOptions): Promise<void> =>
      this.call(this.http.POST("/v1/webhooks/{endpoint_id}/enable", { params: { path: { endpoint_id: endpointId } }, ...this.headers(o) })) as never,
    rotateSecret: (endpointId: string, o?: CallOptions): Promise<unknown> =>
      this.call(this.http.POST("/v1/webhooks/{endpoint_id}/rotate-secret", { params: { path: { endpoint_id: endpointId } }, ...this.headers(o) })),
  };

  readonly apiKeys = {
    list: (): Promise<Schemas["ApiKey"][]> => this.call(this.http.GET("/v1/api-keys")) as never,
    create: (body: Schemas["NewApiKey"], o?: CallOptions): Promise<Schemas["CreatedApiKey"]> =>
      this.call(this.http.POST("/v1/api-keys", { body, ...this.headers(o) })),
    revoke: (keyId: string, o?: CallOptions): Promise<void> =>
      this.call(this.http.DELETE("/v1/api-keys/{key_id}", { params: { path: { key_id: keyId } }, ...this.headers(o) })) as never,
  };

  readonly jobs = {
    dead: (query: Query<"dead_jobs"> = {}): PageList<Schemas["DeadJob"]> =>
      this.pages((q) => this.call(this.http.GET("/v1/jobs/dead", { params: { query: q } })), query),
    replay: (jobId: number, o?: CallOptions): Promise<unknown> =>
      this.call(this.http.POST("/v1/jobs/{job_id}/replay", { params: { path: { job_id: jobId } }, ...this.headers(o) })),
  };

  readonly audit = {
    log: (query: Query<"audit_log"> = {}): PageList<Schemas["AuditEntry"]> =>
      this.pages((q) => this.call(this.http.GET("/v1/audit", { params: { query: q } })), query as never),
    verify: (): Promise<Schemas["AuditVerification"]> => this.call(this.http.POST("/v1/audit/verify")),
  };

  reconciliation(): Promise<Schemas["DifferenceView"][]> {
    return this.call(this.http.GET("/v1/reconciliation")) as never;
  }

  /** Raw access for the agent-side routes the paying client uses (`POST` with a JSON body). */
  async post(path: string, body: unknown, o?: CallOptions): Promise<{ status: number; body: Record<string, unknown> }> {
    const sent = await (this.http.POST as unknown as (p: string, init: object) => Promise<{ data?: unknown; error?: unknown; response: Response }>)(path, {
      body,
      ...this.headers(o),
    });
    return { status: sent.response.status, body: ((sent.response.ok ? sent.data : sent.error) ?? {}) as Record<string, unknown> };
  }
}
