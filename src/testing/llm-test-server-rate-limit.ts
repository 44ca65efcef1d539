/**
 * The {@link LLMTestServer}'s rate-limit mode: token buckets refilled continuously over the server's
 * minute, answered as Groq does — `x-ratelimit-*` headers on every reply, and its 429 with `retry-after`.
 */
import type { RateLimitMode, TestChatRequest } from "./llm-test-server-types.js";

/** Groq's duration form: "2m59.56s", "7.66s", "120ms". */
export function groqDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const m = Math.floor(ms / 60_000);
  const s = (ms % 60_000) / 1000;
  return m > 0 ? `${m}m${s.toFixed(2)}s` : `${s.toFixed(2)}s`;
}

/** What the rate-limit mode says of a request: 200 with Groq's headers, or 429 with its body and `retry-after`. */
export interface RateLimitAnswer {
  status: number;
  body?: unknown;
  headers: Record<string, string>;
}

/** The buckets of one server, full at the first request. */
export class RateLimitBuckets {
  private buckets: { requests: number; tokens: number; day: number; at: number } | undefined;

  /** Takes a request's tokens (or answers 429 without taking any); `org` is named in Groq's messages. */
  check(rl: RateLimitMode, org: string, chat: TestChatRequest, tokens: number): RateLimitAnswer {
    const minute = rl.minuteMs ?? 60_000;
    const rpm = rl.requestsPerMinute ?? Infinity;
    const tpm = rl.tokensPerMinute ?? Infinity;
    const rpd = rl.requestsPerDay ?? 14_400;
    const t = Date.now();
    const b = (this.buckets ??= { requests: rpm, tokens: tpm, day: rpd, at: t });
    const dt = t - b.at;
    b.at = t;
    if (Number.isFinite(rpm)) b.requests = Math.min(rpm, b.requests + (dt * rpm) / minute);
    if (Number.isFinite(tpm)) b.tokens = Math.min(tpm, b.tokens + (dt * tpm) / minute);
    b.day = Math.min(rpd, b.day + (dt * rpd) / (minute * 60 * 24));
    const headers = (): Record<string, string> => ({
      "x-ratelimit-limit-requests": String(rpd),
      "x-ratelimit-remaining-requests": String(Math.max(0, Math.floor(b.day))),
      "x-ratelimit-reset-requests": groqDuration(((rpd - b.day) / rpd) * minute * 60 * 24),
      ...(Number.isFinite(tpm)
        ? {
            "x-ratelimit-limit-tokens": String(tpm),
            "x-ratelimit-remaining-tokens": String(Math.max(0, Math.floor(b.tokens))),
            "x-ratelimit-reset-tokens": groqDuration(((tpm - Math.max(0, b.tokens)) / tpm) * minute),
          }
        : {}),
    });
    if (b.requests < 1) {
      const wait = ((1 - b.requests) / rpm) * minute;
      return {
        status: 429,
        body: { error: { message: `Rate limit reached for model \`${chat.model}\` in organization \`${org}\` service tier \`on_demand\` on requests per minute (RPM): Limit ${rpm}, Used ${rpm}, Requested 1. Please try again in ${groqDuration(wait)}. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing`, type: "requests", code: "rate_limit_exceeded" } },
        headers: { ...headers(), "retry-after": String(Math.ceil(wait / 1000)) },
      };
    }
    if (b.tokens < tokens && Number.isFinite(tpm)) {
      const wait = ((tokens - b.tokens) / tpm) * minute;
      return {
        status: 429,
        body: { error: { message: `Rate limit reached for model \`${chat.model}\` in organization \`${org}\` service tier \`on_demand\` on tokens per minute (TPM): Limit ${tpm}, Used ${Math.round(tpm - b.tokens)}, Requested ${tokens}. Please try again in ${groqDuration(wait)}. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing`, type: "tokens", code: "rate_limit_exceeded" } },
        headers: { ...headers(), "retry-after": String(Math.ceil(wait / 1000)) },
      };
    }
    b.requests -= 1;
    b.tokens -= tokens;
    b.day -= 1;
    return { status: 200, headers: headers() };
  }
}
