// Starting and stopping the real binaries for integration tests: each on a free port, ready
// when its stdout says so, logged to test-results/<name>.log, stopped by the id we started.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const REPO = resolve(ROOT, "..", "..");
export const LOGS = join(ROOT, "test-results");

/** $MPPPAL_BIN, else the Cargo target directory's debug build; missing fails loudly. */
export function mpppalBin(): string {
  const bin = process.env.MPPPAL_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(REPO, "target"), "debug", "mpppal");
  if (!existsSync(bin)) throw new Error(`no mpppal binary at ${bin}: build it or set MPPPAL_BIN`);
  return bin;
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

export interface Started {
  child: ChildProcess;
  /** The first stdout text matching the readiness pattern (all stdout so far). */
  ready: Promise<string>;
}

export function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, ready?: RegExp): Started {
  mkdirSync(LOGS, { recursive: true });
  const log = createWriteStream(join(LOGS, `${name}.log`));
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const line = new Promise<string>((ok, fail) => {
    child.once("exit", (code) => fail(new Error(`${name} exited (${code}) before it was ready: see ${LOGS}/${name}.log`)));
    child.once("error", fail);
    child.stdout!.on("data", (chunk: Buffer) => {
      log.write(chunk);
      out += chunk.toString();
      if (ready && ready.test(out)) ok(out);
    });
    if (!ready) ok("");
  });
  child.stderr!.on("data", (chunk: Buffer) => log.write(chunk));
  line.catch(() => undefined);
  return { child, ready: line };
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.once("error", fail);
    child.once("exit", (code) => (code === 0 ? ok(out) : fail(new Error(`${command} ${args.join(" ")} exited ${code}: ${err || out}`))));
  });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((ok) => child.once("exit", ok));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
