import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Integration suites share one stack per file; files run one at a time on 2 cores.
    fileParallelism: false,
  },
});
