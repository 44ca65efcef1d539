/** Paths the test suites share: the repository root and its reference fixtures. */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
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

/** `fixtures/<rel>` in the repository: the reference data recorded from Python (fixtures/README.md). */
export function fixturePath(rel: string): string {
  return join(repoRoot, "fixtures", rel);
}
