/** Paths the test suites share: the repository root and the read-only ../shared folder beside it. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the folder holding package.json), found from this compiled file. */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("package.json not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
})();

/** `../shared/<rel>` next to the repository, or under GRIDTUNE_SHARED_DIR when set. */
export function sharedPath(rel: string): string {
  const base = process.env.GRIDTUNE_SHARED_DIR ?? resolve(repoRoot, "..", "shared");
  return join(base, rel);
}
