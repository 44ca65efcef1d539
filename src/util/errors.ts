/**
 * User-facing errors: the CLI prints `error: <message>` (no stack) and exits with `exitCode`.
 * Each names what to fix: the file and line, the flag, or the environment variable.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** An error as one line for a person: what the CLI prints after `error:` and a batch run records. */
export interface ErrorLine {
  message: string;
  /** The process exit code it calls for: a UserError's own, 2 for another named library error, 1 for an unexpected one. */
  exitCode: number;
  /** False for a bug-like error (TypeError, a plain Error, a thrown non-error): the message then starts with its class name. */
  expected: boolean;
}

const UNEXPECTED_NAMES = new Set(["Error", "TypeError", "ReferenceError", "RangeError", "SyntaxError"]);

/**
 * One line for any thrown value. Errors whose class name ends in `Error` (other than the built-in
 * ones) carry a message written for the user and are passed through; anything else is flagged with its
 * class name.
 */
export function describeError(e: unknown): ErrorLine {
  if (e instanceof UserError) return { message: e.message, exitCode: e.exitCode, expected: true };
  if (e instanceof Error) {
    const expected = /Error$/.test(e.name) && !UNEXPECTED_NAMES.has(e.name);
    return expected ? { message: e.message, exitCode: 2, expected } : { message: `${e.name}: ${e.message}`, exitCode: 1, expected };
  }
  return { message: String(e), exitCode: 1, expected: false };
}
