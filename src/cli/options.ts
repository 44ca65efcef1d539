/** Flag parsers that fail with a message naming the flag. */
import { UserError } from "../util/errors.js";

/**
 * The env options the environment asks for, as Python's switches: `BABYAI_DONE_ACTIONS` (non-empty,
 * as Python reads it) makes BabyAI instructions succeed only on `done` (`doneActions`). Other envs ignore it.
 */
export function envOptionsFromEnvironment(env: NodeJS.ProcessEnv = process.env): { doneActions?: true } {
  return env["BABYAI_DONE_ACTIONS"] ? { doneActions: true } : {};
}

export function parseNonNegativeInt(flag: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v.trim())) throw new UserError(`${flag} must be a non-negative integer, got '${v}'`);
    return Number(v);
  };
}

export function parsePositiveNumber(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UserError(`${flag} must be a positive number, got '${v}'`);
    return n;
  };
}

/** "0,2,2" → [0, 2, 2]; each an action index 0–6. */
export function parseActionList(flag: string) {
  return (v: string): number[] => {
    if (v.trim() === "") return [];
    return v.split(",").map((s) => {
      const t = s.trim();
      if (!/^[0-6]$/.test(t)) throw new UserError(`${flag}: '${t}' is not an action index 0–6 (0 left, 1 right, 2 forward, 3 pickup, 4 drop, 5 toggle, 6 done)`);
      return Number(t);
    });
  };
}

const WRITE_FAILURES: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOENT: "files cannot be created there",
  ENOTDIR: "a parent path is a file, not a directory",
  EEXIST: "a parent path is a file, not a directory",
  EISDIR: "it is a directory",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exceeded",
};

/**
 * A file-system error met while writing the output a flag names, as an error naming the flag and
 * the path (or the error itself when it is not one of those).
 */
export function outputWriteError(flag: string, path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const why = code ? WRITE_FAILURES[code] : undefined;
  if (!why) return e;
  return new UserError(`${flag} ${path}: cannot write there: ${why} (${(e as Error).message})`);
}
