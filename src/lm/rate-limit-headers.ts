/**
 * The rate-limit headers OpenAI-compatible servers send with every answer (Groq, OpenAI):
 * `x-ratelimit-limit-requests`, `-remaining-requests`, `-reset-requests`, `-limit-tokens`,
 * `-remaining-tokens`, `-reset-tokens`, and `retry-after` on a 429.
 *
 * Groq documents the request headers as its per-*day* budget (RPD) and the token headers as its
 * per-*minute* budget (TPM); its per-minute request limit is not in the headers, so it comes from
 * the limiter's settings (Groq's free tier: 30). Durations come as "2m59.56s", "7.66s", "120ms",
 * "1h2m3s" (OpenAI's form too).
 */
import { parseRetryAfter, type HeaderSource } from "./retry.js";

/** The rate-limit state one response reported. */
export interface RateLimitHeaders {
  limitRequests?: number;
  remainingRequests?: number;
  /** Milliseconds until the request budget is full again. */
  resetRequestsMs?: number;
  limitTokens?: number;
  remainingTokens?: number;
  /** Milliseconds until the token budget is full again. */
  resetTokensMs?: number;
  /** Milliseconds the server asked to wait (429). */
  retryAfterMs?: number;
}


function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === "function") return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const rec = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : rec[key];
  return Array.isArray(v) ? v[0] : v;
}

/** "2m59.56s" → 179560, "7.66s" → 7660, "120ms" → 120, "1h2m3s" → 3723000, "30" → 30000 (seconds). Undefined when unreadable. */
export function parseResetDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const v = Number(m[1]);
    total += m[2] === "h" ? v * 3_600_000 : m[2] === "m" ? v * 60_000 : m[2] === "s" ? v * 1000 : v;
    consumed += m[0].length;
  }
  return consumed === t.length ? Math.round(total) : undefined;
}

/** The rate-limit headers of a response; undefined when it sent none. */
export function parseRateLimitHeaders(headers: HeaderSource, now: number = Date.now()): RateLimitHeaders | undefined {
  if (!headers) return undefined;
  const int = (name: string): number | undefined => {
    const v = header(headers, name);
    if (v === undefined || v.trim() === "") return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const out: RateLimitHeaders = {};
  const set = <K extends keyof RateLimitHeaders>(k: K, v: number | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set("limitRequests", int("x-ratelimit-limit-requests"));
  set("remainingRequests", int("x-ratelimit-remaining-requests"));
  set("resetRequestsMs", parseResetDuration(header(headers, "x-ratelimit-reset-requests")));
  set("limitTokens", int("x-ratelimit-limit-tokens"));
  set("remainingTokens", int("x-ratelimit-remaining-tokens"));
  set("resetTokensMs", parseResetDuration(header(headers, "x-ratelimit-reset-tokens")));
  set("retryAfterMs", parseRetryAfter(headers, now));
  return Object.keys(out).length > 0 ? out : undefined;
}
