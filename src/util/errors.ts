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
