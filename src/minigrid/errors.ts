/** Engine errors: each says what the user did and how to fix it. */
import { ACTION_NAMES } from "./constants.js";

/** `step()` was called before the first `reset()`. */
export class EnvNotResetError extends Error {
  constructor() {
    super("Cannot call env.step() before calling env.reset()");
    this.name = "EnvNotResetError";
  }
}

/** `step()` was given something other than an integer 0–6. */
export class InvalidActionError extends Error {
  constructor(readonly action: unknown) {
    super(
      `invalid action ${JSON.stringify(action)}: an action is an integer 0–6 (${ACTION_NAMES.map((n, i) => `${i} ${n}`).join(", ")})`,
    );
    this.name = "InvalidActionError";
  }
}

/** No env is registered under this id; `suggestions` holds the closest ids. */
export class UnknownEnvError extends Error {
  constructor(
    readonly envId: string,
    readonly suggestions: string[],
  ) {
    super(
      `unknown env id '${envId}'` +
        (suggestions.length ? `; closest ids: ${suggestions.join(", ")}` : "") +
        ". Run `gridtune envs` to list them all.",
    );
    this.name = "UnknownEnvError";
  }
}

/** Rejection sampling or generation gave up (Python raises RecursionError here). */
export class PlacementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlacementError";
  }
}
