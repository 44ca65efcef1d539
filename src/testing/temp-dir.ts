/**
 * Scratch directories for tests under the OS temp dir, removed when the test (or the test file) ends,
 * whether it passed or failed. `scripts/run-tests.mjs` reports any `gridtune-*` entry a run leaves.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, type TestContext } from "node:test";

/**
 * A new directory `<tmpdir>/gridtune-<name>-XXXXXX`. With the test's context `t` it is removed after
 * that test; without one (call it at the top level of a test file) after all of the file's tests.
 */
export function tempDir(name: string, t?: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), `gridtune-${name}-`));
  const remove = (): void => rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  if (t) t.after(remove);
  else after(remove);
  return dir;
}
