import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";

// The dashboard is a static export served by `mpppal serve` (MPPPAL_DASHBOARD_DIR). Only the
// development server proxies the API, so `next dev` works beside a running `mpppal serve`.
export default function config(phase: string): NextConfig {
  const base: NextConfig = {
    output: "export",
    trailingSlash: true,
    images: { unoptimized: true },
    poweredByHeader: false,
    reactStrictMode: true,
  };
  if (phase !== PHASE_DEVELOPMENT_SERVER) return base;
  const api = process.env.MPPPAL_API_URL ?? "http://127.0.0.1:8080";
  return {
    ...base,
    output: undefined,
    async rewrites() {
      return [
        { source: "/v1/:path*", destination: `${api}/v1/:path*` },
        { source: "/auth/:path*", destination: `${api}/auth/:path*` },
        { source: "/openapi.json", destination: `${api}/openapi.json` },
      ];
    },
  };
}
