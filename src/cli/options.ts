/** Flag parsers that fail with a message naming the flag. */
import { UserError } from "../util/errors.js";

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
