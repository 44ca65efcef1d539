/**
 * Errors of the LM layer. Each one names what to fix: the model, the flag, the environment variable.
 *
 * Every message passes through `redactSecrets`, so an API key never reaches a log line, a saved file
 * or the terminal, even when a server echoes it back in an error body.
 */
import { UserError } from "../util/errors.js";
import type { RateLimitHeaders } from "./rate-limit-headers.js";

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

/**
 * Why a fatal LM error stops a run (see "Failure policy" in src/lm/README.md): retrying cannot help,
 * something the user sets must change.
 */
export type FatalKind =
  | "model_decommissioned"
  | "model_not_found"
  | "context_length"
  | "request_too_large"
  | "quota"
  | "auth"
  | "bad_request"
  | "unreachable"
  | "model_file"
  | "missing_credential";

/** What a fatal error carries besides its message. */
export interface FatalDetails {
  /** The provider's own words (its error message), when it answered. */
  providerMessage?: string;
  /** The HTTP status, when the server answered. */
  status?: number;
  /** The model id as given (with its provider prefix). */
  model?: string;
  /** What to change: a flag, an environment variable, fewer demos… */
  knob?: string;
}

/**
 * An LM error that stops a run at once: the run cannot succeed until the user changes something.
 * `message` has the provider's words; `knob` says what to change (filled in by the LM that knows its
 * role, e.g. `--assessor-model`).
 */
export class FatalLMError extends LMError {
  readonly kind: FatalKind;
  readonly providerMessage: string | undefined;
  readonly status: number | undefined;
  /** The model id, with its provider prefix when known. */
  model: string | undefined;
  /** The flag or variable to change, e.g. `--assessor-model`, GRIDTUNE_LLAMACPP_CONTEXT. */
  knob: string | undefined;
  /** The role of the LM that failed (teacher, student, …), when known. */
  role: string | undefined;

  constructor(kind: FatalKind, message: string, details: FatalDetails = {}) {
    super(message);
    this.name = "FatalLMError";
    this.kind = kind;
    this.providerMessage = details.providerMessage === undefined ? undefined : redactSecrets(details.providerMessage);
    this.status = details.status;
    this.model = details.model;
    this.knob = details.knob;
    this.role = undefined;
  }
}

/** An API key a model needs is not set; raised before any work starts. */
export class MissingCredentialError extends FatalLMError {
  constructor(
    /** The environment variables to set, e.g. ["GROQ_API_KEY"]. */
    readonly variables: string[],
    /** The model ids that need them. */
    readonly models: string[],
  ) {
    super(
      "missing_credential",
      variables.length === 1
        ? `${variables[0]} is not set; it is needed for ${models.join(", ")}. Set it in the environment or in a .env file.`
        : `${variables.join(" and ")} are not set; they are needed for ${models.join(", ")}. Set them in the environment or in a .env file.`,
      { knob: variables.join(", ") },
    );
    this.name = "MissingCredentialError";
  }
}

/** The server does not know the model (HTTP 404, Groq's `model_not_found`, Ollama's "model not found"). Not retried. */
export class ModelNotFoundError extends FatalLMError {
  constructor(
    /** The model name as the server knows it (no provider prefix). */
    readonly modelName: string,
    readonly server: string,
    detail?: string,
    hint?: string,
  ) {
    super("model_not_found", `the server at ${server} does not know model '${modelName}'${detail ? ` (${detail})` : ""}; check the model name${hint ? ` ${hint}` : ""}`, {
      ...(detail !== undefined ? { providerMessage: detail } : {}),
      status: 404,
    });
    this.name = "ModelNotFoundError";
  }
}

/** The provider has retired the model (Groq's 400 `model_decommissioned`). Not retried. */
export class ModelDecommissionedError extends FatalLMError {
  constructor(
    readonly modelName: string,
    readonly server: string,
    detail: string,
    /** The provider's named replacement, when gridtune knows it. */
    readonly replacement?: string,
  ) {
    super("model_decommissioned", `${modelName} has been decommissioned by the provider at ${server}: ${detail}${replacement ? `; its replacement is ${replacement}` : ""}`, {
      providerMessage: detail,
      status: 400,
    });
    this.name = "ModelDecommissionedError";
  }
}

/** The server refused the API key (HTTP 401/403). Not retried. */
export class AuthenticationError extends FatalLMError {
  constructor(
    model: string,
    status: number,
    /** The variable the key came from, when known. */
    readonly variable: string | undefined,
    detail: string,
  ) {
    super("auth", `${model}: the server refused the API key (HTTP ${status}${detail ? `: ${detail}` : ""})${variable ? `; check ${variable}` : ""}`, {
      providerMessage: detail,
      status,
      model,
      ...(variable ? { knob: variable } : {}),
    });
    this.name = "AuthenticationError";
  }
}

/** The server rejected the request itself (HTTP 400, 413, 422, …). Not retried. */
export class BadRequestError extends FatalLMError {
  constructor(model: string, status: number, detail: string, kind: Extract<FatalKind, "bad_request" | "context_length" | "request_too_large"> = "bad_request") {
    super(kind, `${model}: the server rejected the request (HTTP ${status}${detail ? `: ${detail}` : ""})`, { providerMessage: detail, status, model });
    this.name = "BadRequestError";
  }
}

/** The prompt does not fit the model's context (400 `context_length_exceeded`, llama.cpp's too long prompt). */
export class ContextLengthError extends BadRequestError {
  constructor(model: string, status: number, detail: string) {
    super(model, status, detail, "context_length");
    this.name = "ContextLengthError";
  }
}

/** One request is larger than the provider allows per minute (Groq's 413 "Request too large … TPM"). */
export class RequestTooLargeError extends BadRequestError {
  constructor(
    model: string,
    detail: string,
    /** The per-minute token limit and the tokens requested, when the message gives them. */
    readonly limit?: number,
    readonly requested?: number,
  ) {
    super(model, 413, detail, "request_too_large");
    this.name = "RequestTooLargeError";
  }
}

/** A quota is used up: the server asks to wait longer than the run is allowed to (a daily limit, say). */
export class QuotaExceededError extends FatalLMError {
  constructor(
    model: string,
    /** How long the server asked to wait, in ms, when it said. */
    readonly retryAfterMs: number | undefined,
    /** The longest wait allowed (GRIDTUNE_MAX_RETRY_AFTER_S). */
    readonly maxWaitMs: number,
    detail: string,
  ) {
    super(
      "quota",
      retryAfterMs !== undefined
        ? `${model}: the server asks to wait ${formatWait(retryAfterMs)} before the next request, more than the ${formatWait(maxWaitMs)} allowed (a quota is used up): ${detail}`
        : `${model}: the quota is used up: ${detail}`,
      { providerMessage: detail, status: 429, model },
    );
    this.name = "QuotaExceededError";
  }
}

/** "23 h 53 min", "2 min", "45 s". */
export function formatWait(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  if (s >= 120) return `${Math.round(s / 60)} min`;
  return `${s} s`;
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

/** Every attempt failed to connect: the host is down, refuses connections, or does not resolve. Fatal. */
export class UnreachableHostError extends RetriesExhaustedError {
  readonly kind = "unreachable" as const;
  /** What to change, e.g. "start `ollama serve`, or set OLLAMA_HOST". */
  knob: string | undefined;
  role: string | undefined;
  constructor(
    model: string,
    readonly server: string,
    attempts: number,
    failures: AttemptFailure[],
    hint?: string,
  ) {
    super(model, attempts, failures, `could not reach ${server} in ${attempts} attempt${attempts === 1 ? "" : "s"}${hint ? ` (${hint})` : ""}`);
    this.name = "UnreachableHostError";
    this.knob = hint;
    this.role = undefined;
  }
}

/** The embedded llama.cpp runtime could not get its model file (missing path, offline, bad GGUF). */
export class ModelFileError extends FatalLMError {
  constructor(message: string) {
    super("model_file", message);
    this.name = "ModelFileError";
  }
}

/**
 * True for an error that must stop a run at once (the failure policy's "fatal" list): a fatal
 * provider answer (400 invalid request, 401/403, 404, 413, a quota 429), a missing key or model file,
 * or a server that could not be reached at all. Retryable failures that ran out of attempts are not
 * fatal: the run counts them.
 */
export function isFatalLMError(e: unknown): e is FatalLMError | UnreachableHostError {
  return e instanceof FatalLMError || e instanceof UnreachableHostError;
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
      /** The response's rate-limit headers, for the limiter. */
      rateLimit?: RateLimitHeaders;
    },
  ) {
    super(redactSecrets(message));
    this.name = "ProviderFailure";
  }
}
