// The real MPPPal stack for end-to-end tests and measurements: the local Solana chain, the test
// OpenID Connect issuer, a fresh PostgreSQL database, an operator with a member, and
// `mpppal serve --worker` serving the dashboard export. Every process it starts is stopped, and
// the database dropped, by `stop()`.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const DASHBOARD = resolve(HERE, "..");
const REPO = resolve(DASHBOARD, "..");
const LOGS = join(DASHBOARD, "test-results", "stack");
const PG = "postgres://postgres@127.0.0.1:5432";

export const MPPPAL_BIN = process.env.MPPPAL_BIN ?? "/root/.cache/mpppal/target/debug/mpppal";

/** A TCP port nothing listens on now. */
export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => ok(port));
    });
  });
}

/** Starts a long-running process logging to test-results/stack/<name>.log; resolves with the
 * first stdout line matching `ready` (at once without one). */
function start(name, command, args, env, ready) {
  mkdirSync(LOGS, { recursive: true });
  const log = createWriteStream(join(LOGS, `${name}.log`));
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let buffer = "";
  const line = new Promise((ok, fail) => {
    child.once("exit", (code) => fail(new Error(`${name} exited (${code}) before it was ready: see ${LOGS}/${name}.log`)));
    child.once("error", fail);
    child.stdout.on("data", (chunk) => {
      log.write(chunk);
      buffer += chunk.toString();
      const found = ready && buffer.split("\n").find((l) => ready.test(l));
      if (found) ok(found);
    });
    if (!ready) ok("");
  });
  child.stderr.on("data", (chunk) => log.write(chunk));
  return { child, line };
}

/** Runs a command to completion: its stdout, or an error with what it printed. */
export function run(command, args, env = process.env) {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.once("error", fail);
    child.once("exit", (code) => (code === 0 ? ok(out) : fail(new Error(`${command} ${args.join(" ")} exited ${code}: ${err || out}`))));
  });
}

async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((ok) => child.once("exit", ok));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

export async function waitFor(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function psql(sql, database = "postgres") {
  return run("psql", [`${PG}/${database}`, "-v", "ON_ERROR_STOP=1", "-qAtc", sql]);
}

/** A JSON-RPC call to the local chain. */
export async function rpc(url, method, params) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

/**
 * Starts everything. `subject` is who the test issuer signs in.
 * @returns {Promise<import("./stack").Stack>}
 */
export async function startStack({ subject = "e2e-operator", dashboardDir = join(DASHBOARD, "out") } = {}) {
  if (!existsSync(MPPPAL_BIN)) throw new Error(`no mpppal binary at ${MPPPAL_BIN} (set MPPPAL_BIN)`);
  const issuerScript = join(REPO, "tests", "oidc", "issuer.mjs");
  if (!existsSync(join(REPO, "tests", "oidc", "node_modules"))) {
    await run("npm", ["ci", "--no-audit", "--no-fund"], { ...process.env }).catch((e) => {
      throw new Error(`npm ci in tests/oidc: ${e.message}`);
    });
  }
  const children = [];
  const database = `mpppal_dashboard_${randomBytes(6).toString("hex")}`;
  let created = false;
  const stop = async () => {
    for (const child of children.reverse()) await stopProcess(child);
    if (created) await psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch((e) => console.error(e.message));
  };
  try {
    const [chainPort, issuerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const chain = start("localnet", MPPPAL_BIN, ["localnet", "--port", String(chainPort)], process.env, /JSON-RPC on/);
    children.push(chain.child);
    const issuer = start("issuer", "node", [issuerScript, String(issuerPort), subject], process.env, /^issuer /);
    children.push(issuer.child);
    await psql(`CREATE DATABASE ${database}`);
    created = true;
    await chain.line;
    const issuerUrl = (await issuer.line).trim().split(/\s+/)[1];
    const rpcUrl = `http://127.0.0.1:${chainPort}`;
    const baseUrl = `http://127.0.0.1:${apiPort}`;
    const env = {
      ...process.env,
      DATABASE_URL: `${PG}/${database}`,
      REDIS_URL: "redis://127.0.0.1:6379",
      // Stacks side by side on one Redis (other suites, other runs) never take each other's jobs.
      MPPPAL_JOB_STREAM: `mpppal:jobs:${database}`,
      // Every browser test signs in anew, all from one address: more sign-ins a minute than a
      // person makes (the limit itself is tested in crates/mpppal-api/tests/refusals.rs).
      MPPPAL_RATE_LIMIT_SIGN_IN: "off",
      MPPPAL_MASTER_KEY: randomBytes(32).toString("hex"),
      SOLANA_RPC_URL: rpcUrl,
      MPPPAL_OIDC_ISSUER: issuerUrl,
      MPPPAL_OIDC_CLIENT_ID: "mpppal-dashboard",
      MPPPAL_OIDC_REDIRECT_URL: `${baseUrl}/auth/callback`,
      MPPPAL_DASHBOARD_DIR: dashboardDir,
      MPPPAL_WEBHOOK_ALLOW_PRIVATE: "1",
      RUST_LOG: process.env.RUST_LOG ?? "info",
    };
    const server = start("serve", MPPPAL_BIN, ["serve", "--worker", "--bind", `127.0.0.1:${apiPort}`], env);
    children.push(server.child);
    server.line.catch(() => undefined);
    // `serve` applies the schema; the operator commands need it in place.
    await waitFor("mpppal serve", async () => (await fetch(`${baseUrl}/health`)).ok);
    const created_ = await run(MPPPAL_BIN, ["operator", "create", "--name", "E2E operator"], env);
    const field = (name) => new RegExp(`^${name}\\s+(\\S+)`, "m").exec(created_)?.[1];
    const operatorId = field("operator");
    const keyId = field("key id");
    const secret = field("secret");
    if (!operatorId || !keyId || !secret) throw new Error(`unexpected output of operator create: ${created_}`);
    await run(MPPPAL_BIN, ["operator", "add-member", "--operator", operatorId, "--subject", subject], env);
    return { baseUrl, rpcUrl, issuerUrl, database, databaseUrl: env.DATABASE_URL, operatorId, keyId, secret, subject, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
