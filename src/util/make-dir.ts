/**
 * `mkdir -p` one level at a time. Node's own `mkdirSync(path, { recursive: true })` never returns
 * where a missing directory cannot be created though its parent exists (under /proc it retries for
 * ever in native code, deaf to Ctrl-C); creating each missing level in turn fails at once instead.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Creates `path` and any missing parents; an error (ENOENT, EACCES, …) names the level that failed. */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  for (let p = resolve(path); !existsSync(p); ) {
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      // Another process may have made it meanwhile; anything else is the caller's error.
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(dir).isDirectory()) throw e;
    }
  }
}
