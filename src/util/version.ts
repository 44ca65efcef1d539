/** gridtune's own version, read once from its package.json — the one reader (CLI, run records, dataset manifests, dashboard). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The version in the package.json of the `gridtune` package this file belongs to (found walking up
 * from the compiled file, so it works from dist/ and from an installed package); "unknown" when no such
 * package.json is found or readable.
 */
export function gridtuneVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, "package.json");
    if (existsSync(p)) {
      try {
        const pkg = JSON.parse(readFileSync(p, "utf8")) as { name?: unknown; version?: unknown };
        if (pkg.name === "gridtune" && typeof pkg.version === "string") return pkg.version;
      } catch {
        /* not this one: keep looking */
      }
    }
    const up = dirname(dir);
    if (up === dir) return "unknown";
    dir = up;
  }
}

/** {@link gridtuneVersion}, read when this module loads. */
export const GRIDTUNE_VERSION: string = gridtuneVersion();
