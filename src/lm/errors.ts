/**
 * Errors of the LM layer. Each one names what to fix: the model, the flag, the environment variable.
 *
 * Every message passes through `redactSecrets`, so an API key never reaches a log line, a saved file
 * or the terminal, even when a server echoes it back in an error body.
 */
import { UserError } from "../util/errors.js";

// ---------------------------------------------------------------------------------------------
// Secrets

const knownSecrets = new Set<string>();

/** Remember a secret (an API key) so that `redactSecrets` removes it from any text. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) knownSecrets.add(value);
}

/** Key-shaped strings (OpenAI `sk-…`, Groq `gsk_…`, bearer tokens), masked even when not registered. */
const KEY_PATTERNS: RegExp[] = [/\bsk-[A-Za-z0-9_\-*.]{8,}/g, /\bgsk_[A-Za-z0-9_\-*.]{8,}/g, /(Bearer\s+)[A-Za-z0-9_\-.~+/=*]{8,}/gi];

/** The text with every registered secret and every key-shaped string replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const s of knownSecrets) if (out.includes(s)) out = out.split(s).join("[redacted]");
  for (const re of KEY_PATTERNS) out = out.replace(re, (_m, bearer?: string) => (typeof bearer === "string" ? `${bearer}[redacted]` : "[redacted]"));
  return out;
}

// ---------------------------------------------------------------------------------------------
// User-facing errors (the CLI prints `error: <message>` and exits with code 2)

/** Base class of every error the LM layer reports to a user. */
export class LMError extends UserError {
  constructor(message: string, exitCode = 2) {
    super(redactSecrets(message), exitCode);
    this.name = "LMError";
  }
}

/** A model id or base URL that cannot be understood: unknown provider prefix, malformed URL, empty name. */
export class ModelSpecError extends LMError {
  constructor(
    message: string,
    /** The flag or option at fault, e.g. `--base-url`, when there is one. */
    readonly flag?: string,
  ) {
    super(message);
    this.name = "ModelSpecError";
  }
}

/** An API key a model needs is not set; raised before any work starts. */
export class MissingCredentialError extends LMError {
  constructor(
    /** The environment variables to set, e.g. ["GROQ_API_KEY"]. */
    readonly variables: string[],
    /** The model ids that need them. */
    readonly models: string[],
  ) {
    super(
      variables.length === 1
        ? `${variables[0]} is not set; it is needed for ${models.join(", ")}. Set it in the environment or in a .env file.`
        : `${variables.join(" and ")} are not set; they are needed for ${models.join(", ")}. Set them in the environment or in a .env file.`,
    );
    this.name = "MissingCredentialError";
  }
}

/** The server does not know the model (HTTP 404, or Ollama's "model not found"). Not retried. */
export class ModelNotFoundError extends LMError {
  constructor(
    /** The model name as the server knows it (no provider prefix). */
    readonly model: string,
    readonly server: string,
    detail?: string,
    hint?: string,
  ) {
    super(`the server at ${server} does not know model '${model}'${detail ? ` (${detail})` : ""}; check the model name${hint ? ` ${hint}` : ""}`);
    this.name = "ModelNotFoundError";
  }
}

/** The server refused the API key (HTTP 401/403). Not retried. */
export class AuthenticationError extends LMError {
  constructor(
    readonly model: string,
    readonly status: number,
    /** The variable the key came from, when known. */
    readonly variable: string | undefined,
    detail: string,
  ) {
    super(`${model}: the server refused the API key (HTTP ${status}${detail ? `: ${detail}` : ""})${variable ? `; check ${variable}` : ""}`);
    this.name = "AuthenticationError";
  }
}

/** The server rejected the request itself (HTTP 400, 413, 422, …). Not retried. */
export class BadRequestError extends LMError {
  constructor(
    readonly model: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${model}: the server rejected the request (HTTP ${status}${detail ? `: ${detail}` : ""})`);
    this.name = "BadRequestError";
  }
}

/** One failed attempt, as recorded for the final error. */
export interface AttemptFailure {
  /** HTTP status, when the server answered. */
  status?: number;
  /** timeout | connection | truncated | status | other */
  kind: string;
  message: string;
  /** The system error code of a connection failure, e.g. ECONNREFUSED. */
  code?: string;
}

/** Every attempt failed with a retryable error (429, 5xx, timeout, dropped connection), or the retry budget ran out. */
export class RetriesExhaustedError extends LMError {
  constructor(
    readonly model: string,
    readonly attempts: number,
    readonly failures: AttemptFailure[],
    readonly reason?: string,
  ) {
    const last = failures[failures.length - 1];
    const summary = summarizeFailures(failures);
    super(
      `${model}: ${reason ?? `gave up after ${attempts} attempt${attempts === 1 ? "" : "s"}`} (${summary})` +
        (last ? `; last error: ${last.message}` : ""),
    );
    this.name = "RetriesExhaustedError";
  }

  /** The HTTP status of the last attempt, when the server answered. */
  get lastStatus(): number | undefined {
    return this.failures[this.failures.length - 1]?.status;
  }
}

/** Every attempt failed to connect: the host is down, refuses connections, or does not resolve. */
export class UnreachableHostError extends RetriesExhaustedError {
  constructor(
    model: string,
    readonly server: string,
    attempts: number,
    failures: AttemptFailure[],
    hint?: string,
  ) {
    super(model, attempts, failures, `could not reach ${server} in ${attempts} attempt${attempts === 1 ? "" : "s"}${hint ? ` (${hint})` : ""}`);
    this.name = "UnreachableHostError";
  }
}

/** The embedded llama.cpp runtime could not get its model file (missing path, offline, bad GGUF). */
export class ModelFileError extends LMError {
  constructor(message: string) {
    super(message);
    this.name = "ModelFileError";
  }
}

function summarizeFailures(failures: AttemptFailure[]): string {
  const counts = new Map<string, number>();
  for (const f of failures) {
    const k = f.status !== undefined ? `HTTP ${f.status}` : f.kind;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => (n > 1 ? `${n}× ${k}` : k)).join(", ") || "no attempt made";
}

// ---------------------------------------------------------------------------------------------
// Internal: what a provider throws for one failed attempt; the retry layer decides what follows.

export type ProviderFailureKind = "status" | "timeout" | "connection" | "truncated" | "aborted";

export class ProviderFailure extends Error {
  constructor(
    readonly kind: ProviderFailureKind,
    message: string,
    readonly details: {
      status?: number;
      /** Milliseconds the server asked us to wait (Retry-After / retry-after-ms). */
      retryAfterMs?: number;
      retryable: boolean;
      /** For connection failures: the system error code, e.g. ECONNREFUSED. */
      code?: string;
    },
  ) {
    super(redactSecrets(message));
    this.name = "ProviderFailure";
  }
}
