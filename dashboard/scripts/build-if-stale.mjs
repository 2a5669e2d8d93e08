// Builds the export unless out/ is newer than everything it is built from.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const INPUTS = ["src", "public", "next.config.ts", "package-lock.json", "tsconfig.json"];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const built = existsSync("out/index.html") ? statSync("out/index.html").mtimeMs : 0;
const source = Math.max(...INPUTS.map(newest));
if (built > source) {
  console.log("out/ is up to date");
} else {
  console.log(built ? "out/ is older than the sources: building" : "no out/: building");
  execFileSync("npm", ["run", "build"], { stdio: "inherit" });
}
