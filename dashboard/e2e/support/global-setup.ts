import { mkdirSync } from "node:fs";
import { startStack } from "../../scripts/stack.mjs";

// The whole stack for the run; tests reach it through these variables. The returned function is
// the teardown: it stops every process started here and drops the database.
export default async function globalSetup() {
  mkdirSync("test-results/.auth", { recursive: true });
  const stack = await startStack({ subject: "e2e-operator" });
  process.env.E2E_BASE_URL = stack.baseUrl;
  process.env.E2E_RPC_URL = stack.rpcUrl;
  process.env.E2E_DATABASE_URL = stack.databaseUrl;
  process.env.E2E_SUBJECT = stack.subject;
  process.env.E2E_OPERATOR_ID = stack.operatorId;
  // What `serve` was given, for the operator commands tests run themselves (`operator login-link`).
  process.env.E2E_MASTER_KEY = stack.env.MPPPAL_MASTER_KEY;
  // The operator's first key (every scope), for requests a program makes (e2e/support/signed.ts).
  process.env.E2E_KEY_ID = stack.keyId;
  process.env.E2E_KEY_SECRET = stack.secret;
  console.log(`stack: ${stack.baseUrl} (database ${stack.database}, chain ${stack.rpcUrl}, issuer ${stack.issuerUrl})`);
  return async () => {
    await stack.stop();
  };
}
