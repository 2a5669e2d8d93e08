import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...next,
  ...nextTs,
  { ignores: ["node_modules/", ".next/", "out/", "test-results/", "playwright-report/", "src/api/schema.d.ts", "next-env.d.ts"] },
];

export default config;
