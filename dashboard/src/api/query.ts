// Query strings for the list routes.
//
// The server's spec declares the list filters (`status`, `cursor`, `limit`, …) as required *path*
// parameters: utoipa's `IntoParams` structs lack `#[into_params(parameter_in = Query)]`. The
// requests are right (the server reads a query string); only openapi-fetch's types cannot carry
// them. This helper checks the filters' names and types against the spec either way (as path
// parameters today, as query parameters once the spec says `in: query`) and sends them as a
// query string.

import type { FetchOptions } from "openapi-fetch";
import type { paths } from "./schema";

type GetOperation<P extends keyof paths> = paths[P] extends { get: infer O } ? O : never;
type GetParams<P extends keyof paths> = paths[P] extends { get: { parameters: infer X } } ? X : never;
type QueryOf<X> = X extends { query?: infer Q } ? NonNullable<Q> : never;
type PathOf<X> = X extends { path?: infer Q } ? NonNullable<Q> : never;

/** The filters `GET path` takes. */
export type Filters<P extends keyof paths> = [QueryOf<GetParams<P>>] extends [never]
  ? Partial<PathOf<GetParams<P>>>
  : QueryOf<GetParams<P>>;

/** The request options of `GET path` with `filters` as its query string (empty ones left out)
 * and `path` as its path parameters. */
export function withFilters<P extends keyof paths>(route: P, filters: Filters<P>, path?: Record<string, string>): FetchOptions<GetOperation<P>> {
  void route;
  const query = Object.fromEntries(
    Object.entries(filters as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null && v !== ""),
  );
  return { params: { query, ...(path ? { path } : {}) } } as unknown as FetchOptions<GetOperation<P>>;
}
