// Where the real `mpppal` binary is: $MPPPAL_BIN, else the Cargo target directory's debug build
// ($CARGO_TARGET_DIR, or the repository's target/). Missing is an error, never a skip.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export function mpppalBin() {
  const bin =
    process.env.MPPPAL_BIN ??
    join(process.env.CARGO_TARGET_DIR ?? join(REPO, "target"), "debug", "mpppal");
  if (!existsSync(bin)) throw new Error(`no mpppal binary at ${bin}: build it or set MPPPAL_BIN`);
  return bin;
}
