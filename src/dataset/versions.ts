/** Versions a dataset manifest records. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The Farama Minigrid release the engine ports, seed for seed. */
export const MINIGRID_VERSION = "3.1.0";

/** gridtune's own version, from package.json (dist/src/dataset → the package root). */
export const GRIDTUNE_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(fileURLToPath(new URL("../../../package.json", import.meta.url)), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
})();
