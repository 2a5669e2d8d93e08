// Shapes the server's spec does not describe (yet), written from docs/api.md and the Rust views.
// Each one is a gap in the spec to fix there; delete the type here once the generated schema has
// it.

/** `SessionView` of `/v1/sessions`: in the spec, the sign-in session's struct of the same name
 * (`GET /auth/session`) replaces it, so `SessionPage.items` is typed as the wrong thing. */
export interface PaymentSession {
  sessionId: string;
  accountId: string;
  providerEndpoint: string;
  channel: string;
  signer: string;
  payee: string;
  cap: number;
  runningTotal: number;
  status: string;
  paid?: number | null;
  settlementTxSignature?: string | null;
  openedAt: string;
  settledAt?: string | null;
}

/** `200` of `POST /v1/webhooks/{endpoint_id}/rotate-secret`: the spec gives it no body. */
export interface RotatedSecret {
  endpointId: string;
  secret: string;
  previousSecretValidForSeconds: number;
}

/** `202` of `POST /v1/jobs/{job_id}/replay`: the spec gives it no body. */
export interface ReplayedJob {
  jobId: number;
  status: string;
}
