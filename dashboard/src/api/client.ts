// The typed client of the operator API, generated from its OpenAPI description (schema.d.ts).
// Every change carries X-MPPPal-CSRF (the server refuses cookie-authenticated changes without
// it), every error becomes an ApiError, and a 401 sends the browser to sign in.

import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { toApiError } from "./error";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export interface ClientOptions {
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Called on a 401 (the session ended, or never began). */
  onUnauthorized?: () => void;
}

export function csrfMiddleware(): Middleware {
  return {
    onRequest({ request }) {
      if (!SAFE.has(request.method.toUpperCase())) request.headers.set("X-MPPPal-CSRF", "1");
      return request;
    },
  };
}

export function unauthorizedMiddleware(onUnauthorized: () => void): Middleware {
  return {
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  };
}

export function makeClient(options: ClientOptions = {}) {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? "",
    fetch: options.fetch,
    credentials: "same-origin",
  });
  client.use(csrfMiddleware());
  if (options.onUnauthorized) client.use(unauthorizedMiddleware(options.onUnauthorized));
  return client;
}

export type Client = ReturnType<typeof makeClient>;

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of an answer, or its problem thrown as an ApiError. */
export async function unwrap<T>(answer: Promise<Answer<T>>): Promise<T> {
  const { data, error, response } = await answer;
  if (!response.ok) throw toApiError(response.status, error);
  return data as T;
}

let signingIn = false;

/** Off to sign in, once: several calls answering 401 at the same time start one navigation. */
export function signIn(): void {
  if (signingIn) return;
  signingIn = true;
  // A server route (it redirects to the identity provider), not a page of this export.
  // eslint-disable-next-line @next/next/no-location-assign-relative-destination
  window.location.assign("/auth/login");
}

/** The browser's client: same origin as the page. */
export const api = makeClient({
  baseUrl: typeof window === "undefined" ? "http://localhost" : window.location.origin,
  onUnauthorized: () => {
    if (typeof window !== "undefined") signIn();
  },
});
