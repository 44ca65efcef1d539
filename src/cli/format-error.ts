/** Turns any thrown value into one clear line and an exit code (no stack unless GRIDTUNE_DEBUG). */
import { UserError } from "../util/errors.js";

export function formatCliError(e: unknown): { message: string; code: number } {
  if (e instanceof UserError) return { message: e.message, code: e.exitCode };
  if (e instanceof Error) {
    // Known library errors carry a clear message already; unexpected ones are flagged as such.
    const known = /Error$/.test(e.name) && e.name !== "Error" && e.name !== "TypeError" && e.name !== "ReferenceError";
    return { message: known ? e.message : `${e.message} (unexpected; set GRIDTUNE_DEBUG=1 for the stack)`, code: known ? 2 : 1 };
  }
  return { message: String(e), code: 1 };
}
