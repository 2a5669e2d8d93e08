// Starts the whole stack on the export in out/ (as the end-to-end tests do) and keeps it up
// until interrupted: for looking at the dashboard by hand. Open the printed URL; the test issuer
// signs you in as the printed subject without asking anything.
import { startStack } from "./stack.mjs";

const stack = await startStack({ subject: process.env.E2E_SUBJECT ?? "dev-operator" });
console.log(`dashboard  ${stack.baseUrl}/`);
console.log(`chain      ${stack.rpcUrl}`);
console.log(`issuer     ${stack.issuerUrl} (signs in "${stack.subject}")`);
console.log(`database   ${stack.databaseUrl}`);
console.log(`operator   ${stack.operatorId}  key ${stack.keyId}  secret ${stack.secret}`);
console.log("logs in test-results/stack/; Ctrl-C stops everything and drops the database");
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  });
}
setInterval(() => {}, 1 << 30);
