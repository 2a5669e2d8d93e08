// The operator API's types come from openapi.json, a copy of the server's spec.
//   node scripts/openapi.mjs generate  regenerates src/operator/schema.ts from the copy
//   node scripts/openapi.mjs check     fails when the copy differs from `$MPPPAL_BIN openapi`
//                                      or the generated types differ from the copy
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { mpppalBin } from "./bin.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const COPY = join(ROOT, "openapi.json");
const TYPES = join(ROOT, "src", "operator", "schema.ts");

async function generated() {
  const ast = await openapiTS(JSON.parse(readFileSync(COPY, "utf8")));
  return `// Generated from openapi.json by scripts/openapi.mjs; do not edit.\n${astToString(ast)}`;
}

const mode = process.argv[2];
if (mode === "generate") {
  writeFileSync(TYPES, await generated());
  console.log(`wrote ${TYPES}`);
} else if (mode === "check") {
  const bin = mpppalBin();
  const live = JSON.parse(execFileSync(bin, ["openapi"], { encoding: "utf8", maxBuffer: 64 << 20 }));
  const copy = JSON.parse(readFileSync(COPY, "utf8"));
  if (JSON.stringify(live) !== JSON.stringify(copy)) {
    console.error(`openapi.json is stale against \`${bin} openapi\`: run \`${bin} openapi > openapi.json && npm run openapi:generate\``);
    process.exit(1);
  }
  if (readFileSync(TYPES, "utf8") !== (await generated())) {
    console.error("src/operator/schema.ts is stale against openapi.json: run `npm run openapi:generate`");
    process.exit(1);
  }
  console.log("openapi.json and its types are current");
} else {
  console.error("usage: node scripts/openapi.mjs generate|check");
  process.exit(2);
}
