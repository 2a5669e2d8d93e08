import { defineConfig } from "@playwright/test";

// Debian's Chromium (never a downloaded browser), as root on a machine without internet.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
};

export default defineConfig({
  testDir: "e2e",
  testMatch: /.*\.spec\.ts/,
  outputDir: "test-results/playwright",
  globalSetup: "./e2e/support/global-setup.ts",
  // One stack for every test, and scenarios that build on each other: one at a time, in order.
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // The JSON report is how scripts/ci.sh tells that tests ran at all.
  reporter: [["list"], ["json", { outputFile: "test-results/e2e-report.json" }]],
  use: {
    browserName: "chromium",
    launchOptions: chromium,
    viewport: { width: 1280, height: 900 },
    trace: "retain-on-failure",
  },
  projects: [
    { name: "signin", testMatch: /signin\.spec\.ts/ },
    {
      name: "dashboard",
      dependencies: ["signin"],
      testIgnore: /signin\.spec\.ts/,
      use: { storageState: "test-results/.auth/state.json" },
    },
  ],
});
