/**
 * The directories the dashboard may read (--runs, --datasets) and the only ways it turns a URL into a
 * file: by an id found while walking a root (never by joining a URL onto a path), and by `insideRoot`
 * for the static front end. Symlinks that lead out of a root are not followed.
 */
import { readdirSync, realpathSync, statSync, type Dirent } from "node:fs";
import { join, relative, resolve, sep } from "node:path";

/** True when `path` (resolved, symlinks followed) lies inside `root` (or is it). */
export function insideRoot(root: string, path: string): boolean {
  let real: string;
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(path);
  } catch {
    return false;
  }
  return real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}

/** '/'-separated path of `path` relative to `root` ('.' for the root itself). */
/** A value recomputed at most every `ms` milliseconds (directory walks between requests). */
export function cachedFor<T>(ms: number, compute: () => T): () => T {
  let at = -Infinity;
  let value: T;
  return () => {
    const now = Date.now();
    if (now - at > ms) {
      value = compute();
      at = now;
    }
    return value;
  };
}

export function relId(root: string, path: string): string {
  const r = relative(root, path);
  return r === "" ? "." : r.split(sep).join("/");
}

const SKIP_DIRS = new Set(["node_modules", ".git", ".gridtune-cache", ".test-output"]);

export interface WalkOptions {
  /** How deep below the root to look (0 = the root only). */
  maxDepth: number;
  /** Stop after this many matches. */
  maxResults?: number;
  /** Stop after reading this many directories (a bound on the cost of a huge tree). */
  maxDirs?: number;
}

/**
 * Walk `root` (skipping dot directories, node_modules and symlinks leaving the root) and call `visit`
 * for each directory with its entries; `visit` returns matched paths.
 */
export function walkDirs(root: string, opts: WalkOptions, visit: (dir: string, entries: Dirent[]) => string[]): string[] {
  const out: string[] = [];
  const limit = opts.maxResults ?? 10_000;
  const maxDirs = opts.maxDirs ?? 20_000;
  const realRoot = (() => {
    try {
      return realpathSync(root);
    } catch {
      return null;
    }
  })();
  if (realRoot === null) return out;
  const seen = new Set<string>();
  const stack: { dir: string; depth: number }[] = [{ dir: resolve(root), depth: 0 }];
  while (stack.length > 0 && out.length < limit && seen.size < maxDirs) {
    const { dir, depth } = stack.pop()!;
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      continue;
    }
    if (seen.has(real) || !(real === realRoot || real.startsWith(realRoot + sep))) continue;
    seen.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const p of visit(dir, entries)) {
      if (out.length >= limit) break;
      out.push(p);
    }
    if (depth >= opts.maxDepth) continue;
    for (let k = entries.length - 1; k >= 0; k--) {
      const e = entries[k]!;
      if (e.name.startsWith(".") || SKIP_DIRS.has(e.name)) continue;
      const p = join(dir, e.name);
      let isDir = e.isDirectory();
      if (e.isSymbolicLink()) {
        try {
          isDir = statSync(p).isDirectory();
        } catch {
          isDir = false;
        }
      }
      if (isDir) stack.push({ dir: p, depth: depth + 1 });
    }
  }
  return out;
}
