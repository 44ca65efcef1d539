/**
 * Retries with exponential backoff and jitter on 429, 5xx, timeouts and dropped connections.
 * Honours Retry-After (seconds or an HTTP date) and retry-after-ms up to `maxRetryAfterMs`; a longer
 * wait (a used-up daily quota) is a QuotaExceededError, fatal. The SDKs' own retries are off
 * (maxRetries: 0), so `maxAttempts` is the exact number of requests sent.
 *
 * The one default policy of gridtune (library and CLI alike): 8 attempts, 1 s backoff doubling to
 * 30 s (about 1.5 minutes of retrying), Retry-After waited for up to 120 s.
 */
import type { AttemptFailure } from "./errors.js";
import { ProviderFailure, QuotaExceededError, RetriesExhaustedError, UnreachableHostError } from "./errors.js";

/** How a failed LM request is retried: attempts, backoff base and cap, and a callback per retry. */
export interface RetryOptions {
  /** Requests sent at most, the first included. Default 8 (GRIDTUNE_RETRY_ATTEMPTS). */
  maxAttempts: number;
  /** Backoff before the 2nd attempt; doubles each time. Default 1000 ms. */
  baseDelayMs: number;
  /** Backoff ceiling. Default 30 s. */
  maxDelayMs: number;
  /** A Retry-After longer than this fails at once (QuotaExceededError) instead of waiting (a daily quota, say). Default 120 s. */
  maxRetryAfterMs: number;
  /** Uniform in [0, 1); default Math.random. */
  random?: () => number;
  /** Waits `ms` unless the signal aborts; default a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told before each wait. */
  onRetry?: (info: { attempt: number; delayMs: number; failure: AttemptFailure }) => void;
}

/** The default retry policy: 8 attempts, 1 s backoff doubling to 30 s, Retry-After honoured up to 120 s. */
export const DEFAULT_RETRY: RetryOptions = {
  maxAttempts: 8,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/** The delay before attempt `attempt + 1` (attempt ≥ 1): base·2^(attempt−1), capped, with "equal jitter" (half fixed, half random). */
export function backoffDelay(attempt: number, options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs">, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2);
}

/** Response headers as the SDKs hand them over: a `Headers` object or a plain record. */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined> | undefined | null;

/**
 * Milliseconds the server asked us to wait: `retry-after-ms` (OpenAI's), else `Retry-After` as
 * seconds or an HTTP date. Undefined when absent or unparsable.
 */
export function parseRetryAfter(headers: HeaderSource, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const get = (name: string): string | undefined => {
    if (typeof (headers as { get?: unknown }).get === "function") return (headers as { get(n: string): string | null }).get(name) ?? undefined;
    const rec = headers as Record<string, string | string[] | undefined>;
    const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
    const v = key === undefined ? undefined : rec[key];
    return Array.isArray(v) ? v[0] : v;
  };
  const ms = get("retry-after-ms");
  if (ms !== undefined && ms.trim() !== "" && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const ra = get("retry-after");
  if (ra === undefined || ra.trim() === "") return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? secs * 1000 : undefined;
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The abortable timer used by default. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** System error codes that mean "no server there" (rather than "the server hung up"). */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

export interface RetryContext {
  /** For messages: the model id. */
  model: string;
  /** For messages: the server, e.g. http://127.0.0.1:11434. */
  server: string;
  /** A hint added to the unreachable-host error (e.g. "is `ollama serve` running?"). */
  unreachableHint?: string;
  signal?: AbortSignal;
  /** Called when the server asked everyone to wait (429 + Retry-After): the limiter pauses the provider. */
  onServerBackoff?: (ms: number) => void;
}

/**
 * Runs `attempt(n)` (n = 1, 2, …) until it succeeds, a non-retryable error is thrown (rethrown as
 * is), or `maxAttempts` retryable failures have happened (RetriesExhaustedError, or
 * UnreachableHostError when no attempt ever connected).
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, options: RetryOptions, ctx: RetryContext): Promise<T> {
  const random = options.random ?? Math.random;
  const wait = options.sleep ?? sleep;
  const failures: AttemptFailure[] = [];
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts));
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!(e instanceof ProviderFailure) || !e.details.retryable) throw e;
      const failure: AttemptFailure = {
        kind: e.kind,
        message: e.message,
        ...(e.details.status !== undefined ? { status: e.details.status } : {}),
        ...(e.details.code !== undefined ? { code: e.details.code } : {}),
      };
      failures.push(failure);
      const retryAfter = e.details.retryAfterMs;
      if (retryAfter !== undefined && retryAfter > options.maxRetryAfterMs) {
        throw new QuotaExceededError(ctx.model, retryAfter, options.maxRetryAfterMs, e.message.replace(/^HTTP \d+:\s*/, ""));
      }
      if (n >= maxAttempts) {
        if (failures.every((f) => f.kind === "connection" && ((f.code !== undefined && UNREACHABLE_CODES.has(f.code)) || /bad port/.test(f.message)))) {
          throw new UnreachableHostError(ctx.model, ctx.server, n, failures, ctx.unreachableHint);
        }
        throw new RetriesExhaustedError(ctx.model, n, failures);
      }
      let delay = backoffDelay(n, options, random);
      if (retryAfter !== undefined) {
        delay = retryAfter + random() * Math.min(1000, retryAfter * 0.1);
        ctx.onServerBackoff?.(retryAfter);
      }
      options.onRetry?.({ attempt: n, delayMs: delay, failure });
      await wait(delay, ctx.signal);
    }
  }
}
