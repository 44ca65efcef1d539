/**
 * Per-provider limits: at most `concurrency` requests in flight, at most `requestsPerMinute`
 * requests and `tokensPerMinute` tokens in any 60-second window. Waiters are served first come,
 * first served. Token counts are estimated before a request and corrected with the real usage after.
 *
 * Groq's free tier (30 requests a minute; 6,000 tokens a minute until the server's
 * `x-ratelimit-limit-tokens` says its real figure) is the default for groq/, so a run slows down
 * instead of being answered with 429s.
 *
 * Pacing ahead of the server: every answer's rate-limit headers (`observe`) tell the limiter the
 * tokens left and when they are back (`x-ratelimit-remaining-tokens`, `-reset-tokens`) and the
 * requests left (`-remaining-requests`, `-reset-requests`); a request that would not fit waits for
 * them instead of drawing a 429.
 */
import type { ProviderName } from "./model-spec.js";
import type { RateLimitHeaders } from "./rate-limit-headers.js";

/** How much an LM server may be sent: requests in flight, and requests and tokens per minute. */
export interface RateLimits {
  /** Requests in flight at once. */
  concurrency: number;
  /** Requests started in any 60 s window; undefined = no limit. */
  requestsPerMinute?: number;
  /** Tokens (prompt + completion) in any 60 s window; undefined = no limit. */
  tokensPerMinute?: number;
  /** The window's length in ms; default 60 000 (a benchmark may shrink time). */
  windowMs?: number;
}

/** The limits per provider (Groq's are its free tier's); override them with `lm(id, { limits })`. */
export const DEFAULT_LIMITS: Record<ProviderName, RateLimits> = {
  groq: { concurrency: 4, requestsPerMinute: 30, tokensPerMinute: 6_000 },
  openai: { concurrency: 8, requestsPerMinute: 500 },
  "openai-compatible": { concurrency: 8 },
  ollama: { concurrency: 2 },
  llamacpp: { concurrency: 1 },
};

const WINDOW_MS = 60_000;
/** The longest pause a server's headers may impose on the limiter (the retry policy's Retry-After bound). */
const MAX_PAUSE_MS = 120_000;

/** What the server last said about its token budget, and what was sent since. */
interface ServerTokens {
  remaining: number;
  limit: number;
  /** Tokens refilled per ms (limit − remaining over the reset time). */
  refillPerMs: number;
  at: number;
  /** Tokens of requests the server had not counted yet when it answered, and of every one started since. */
  unseen: number;
}

/** A slot granted by a {@link RateLimiter}; release it when the request ends. */
export interface Permit {
  /** Frees the concurrency slot; `actualTokens` replaces the estimate in the token window. */
  release(actualTokens?: number): void;
}

interface Waiter {
  tokens: number;
  resolve: (p: Permit) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface WindowEntry {
  t: number;
  tokens: number;
}

/**
 * Paces requests to one server: concurrency, requests and tokens per minute, and a pause for everyone
 * after a 429 with Retry-After.
 */
export class RateLimiter {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private readonly window: WindowEntry[] = [];
  private windowTokens = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private server: ServerTokens | undefined;
  private inFlightTokens = 0;
  /** Whether the token limit was set by the user (headers may only lower it) or is a default (headers replace it). */
  private readonly explicitTokens: boolean;

  constructor(
    private limits: RateLimits,
    private readonly now: () => number = Date.now,
    options: { explicitTokens?: boolean } = {},
  ) {
    this.validate(limits);
    this.explicitTokens = options.explicitTokens ?? true;
  }

  private get windowMs(): number {
    return this.limits.windowMs ?? WINDOW_MS;
  }

  /**
   * Takes in what a server's answer said about its limits (429s included). `ownTokens` is the
   * estimate of the request that answer belongs to (already counted by the server).
   */
  observe(h: RateLimitHeaders | undefined, ownTokens = 0): void {
    if (!h) return;
    const now = this.now();
    if (h.limitTokens !== undefined && h.limitTokens > 0) {
      const tpm = this.limits.tokensPerMinute;
      if (tpm === undefined ? !this.explicitTokens : this.explicitTokens ? h.limitTokens < tpm : h.limitTokens !== tpm) {
        this.limits = { ...this.limits, tokensPerMinute: h.limitTokens };
      }
    }
    // A wait longer than a retry would accept (a day's budget used up) is not a pause: the next request's 429 says so.
    if (h.remainingRequests !== undefined && h.remainingRequests <= 0 && h.resetRequestsMs !== undefined && h.resetRequestsMs <= MAX_PAUSE_MS) {
      this.pausedUntil = Math.max(this.pausedUntil, now + h.resetRequestsMs);
    }
    if (h.remainingTokens !== undefined) {
      const limit = h.limitTokens ?? this.limits.tokensPerMinute ?? h.remainingTokens;
      const reset = h.resetTokensMs;
      const refillPerMs = reset !== undefined && reset > 0 ? Math.max(0, limit - h.remainingTokens) / reset : limit / this.windowMs;
      this.server = { remaining: h.remainingTokens, limit, refillPerMs, at: now, unseen: Math.max(0, this.inFlightTokens - ownTokens) };
    }
    if (h.retryAfterMs !== undefined && h.retryAfterMs <= MAX_PAUSE_MS) this.pausedUntil = Math.max(this.pausedUntil, now + h.retryAfterMs);
    this.pump();
  }

  /** Tokens the server will have for a new request at `t`, by its last word. */
  private serverAvailable(t: number): number {
    const s = this.server!;
    return Math.min(s.limit, s.remaining + (t - s.at) * s.refillPerMs) - s.unseen;
  }

  get currentLimits(): Readonly<RateLimits> {
    return this.limits;
  }

  /** Changes the limits; waiters are re-examined at once. */
  setLimits(limits: RateLimits): void {
    this.validate(limits);
    this.limits = limits;
    this.pump();
  }

  /** Requests in flight now. */
  get active(): number {
    return this.inFlight;
  }

  /** Requests waiting for a slot now. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Holds every request of this provider for `ms` (the server said Retry-After). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.pump();
  }

  /** Waits for a slot; `estimatedTokens` counts against tokensPerMinute until `release` corrects it. */
  acquire(estimatedTokens = 0, signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    // Fast path: nothing queued and room now.
    if (this.queue.length === 0 && this.canStart(estimatedTokens, this.now())) return Promise.resolve(this.start(estimatedTokens));
    return new Promise<Permit>((resolve, reject) => {
      const w: Waiter = { tokens: estimatedTokens, resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason);
          this.pump();
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.queue.push(w);
      this.pump();
    });
  }

  private validate(l: RateLimits): void {
    if (!Number.isInteger(l.concurrency) || l.concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${l.concurrency}`);
    for (const k of ["requestsPerMinute", "tokensPerMinute"] as const) {
      const v = l[k];
      if (v !== undefined && !(v > 0)) throw new RangeError(`${k} must be positive, got ${v}`);
    }
  }

  private prune(now: number): void {
    while (this.window.length > 0 && this.window[0]!.t <= now - this.windowMs) this.windowTokens -= this.window.shift()!.tokens;
  }

  private canStart(tokens: number, now: number): boolean {
    if (this.inFlight >= this.limits.concurrency || now < this.pausedUntil) return false;
    // The server's own count: wait for its tokens unless nothing is in flight (a request larger than what is left still runs eventually).
    if (this.server && this.inFlight + this.window.length > 0 && this.serverAvailable(now) < tokens && this.serverAvailable(now) < this.server.limit) return false;
    const { requestsPerMinute: rpm, tokensPerMinute: tpm } = this.limits;
    if (rpm === undefined && tpm === undefined) return true;
    this.prune(now);
    if (rpm !== undefined && this.window.length >= rpm) return false;
    // A request larger than the whole budget still runs once the window is empty.
    if (tpm !== undefined && this.window.length > 0 && this.windowTokens + tokens > tpm) return false;
    return true;
  }

  private start(tokens: number): Permit {
    this.inFlight++;
    this.inFlightTokens += tokens;
    if (this.server) this.server.unseen += tokens;
    const limited = this.limits.requestsPerMinute !== undefined || this.limits.tokensPerMinute !== undefined;
    const entry: WindowEntry | undefined = limited ? { t: this.now(), tokens } : undefined;
    if (entry) {
      this.window.push(entry);
      this.windowTokens += tokens;
    }
    let released = false;
    return {
      release: (actualTokens?: number) => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.inFlightTokens -= tokens;
        if (entry && actualTokens !== undefined && actualTokens >= 0 && this.window.includes(entry)) {
          this.windowTokens += actualTokens - entry.tokens;
          entry.tokens = actualTokens;
        }
        this.pump();
      },
    };
  }

  /** When the head of the queue could next start, if it is blocked by time rather than by concurrency. */
  private nextTimeCheck(tokens: number, now: number): number | undefined {
    if (now < this.pausedUntil) return this.pausedUntil;
    const { requestsPerMinute: rpm, tokensPerMinute: tpm } = this.limits;
    const windowMs = this.windowMs;
    let at: number | undefined;
    if (this.server && this.server.refillPerMs > 0) {
      const missing = Math.min(tokens, this.server.limit) - this.serverAvailable(now);
      if (missing > 0) at = now + Math.ceil(missing / this.server.refillPerMs);
    }
    if (rpm !== undefined && this.window.length >= rpm) at = Math.max(at ?? 0, this.window[this.window.length - rpm]!.t + windowMs);
    if (tpm !== undefined && this.window.length > 0 && this.windowTokens + tokens > tpm) {
      // The earliest time enough old entries have left the window.
      let excess = this.windowTokens + tokens - tpm;
      for (const e of this.window) {
        excess -= e.tokens;
        if (excess <= 0) {
          at = Math.max(at ?? 0, e.t + windowMs);
          break;
        }
      }
      if (excess > 0) at = Math.max(at ?? 0, this.window[this.window.length - 1]!.t + windowMs);
    }
    return at;
  }

  private pump(): void {
    const now = this.now();
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (!this.canStart(head.tokens, now)) break;
      this.queue.shift();
      if (head.signal && head.onAbort) head.signal.removeEventListener("abort", head.onAbort);
      head.resolve(this.start(head.tokens));
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length > 0 && this.inFlight < this.limits.concurrency) {
      const at = this.nextTimeCheck(this.queue[0]!.tokens, now);
      if (at !== undefined) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, Math.max(1, at - now + 1));
      }
    }
  }
}

/** A rough token count before the real one is known: about four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
