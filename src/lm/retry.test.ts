import { test } from "node:test";
import assert from "node:assert/strict";
import { backoffDelay, parseRetryAfter, withRetry } from "./retry.js";
import type { RetryOptions } from "./retry.js";
import { BadRequestError, ProviderFailure, QuotaExceededError, RetriesExhaustedError, UnreachableHostError, isFatalLMError } from "./errors.js";

const fast: RetryOptions = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 4, maxRetryAfterMs: 10_000, sleep: async () => {} };
const ctx = { model: "groq/m", server: "https://api.groq.com/openai/v1" };

test("Retry-After is read as seconds, as an HTTP date, or from retry-after-ms", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  assert.equal(parseRetryAfter({ "retry-after": "3" }, now), 3000);
  assert.equal(parseRetryAfter({ "Retry-After": "0.5" }, now), 500);
  assert.equal(parseRetryAfter({ "retry-after": "Wed, 01 Jan 2025 00:00:07 GMT" }, now), 7000);
  assert.equal(parseRetryAfter({ "retry-after": "Tue, 31 Dec 2024 23:00:00 GMT" }, now), 0); // in the past
  assert.equal(parseRetryAfter({ "retry-after-ms": "250", "retry-after": "9" }, now), 250);
  assert.equal(parseRetryAfter(new Headers({ "retry-after": "2" }), now), 2000);
  assert.equal(parseRetryAfter({ "retry-after": "soon" }, now), undefined);
  assert.equal(parseRetryAfter({}, now), undefined);
});

test("backoff doubles from the base, is capped, and keeps half of it fixed (equal jitter)", () => {
  const o = { baseDelayMs: 1000, maxDelayMs: 8000 };
  assert.equal(backoffDelay(1, o, () => 0), 500);
  assert.equal(backoffDelay(1, o, () => 0.999999), 999.9995);
  assert.equal(backoffDelay(3, o, () => 0), 2000);
  assert.equal(backoffDelay(10, o, () => 0), 4000);
  assert.ok(backoffDelay(10, o, () => 0.9999) < 8000);
});

test("retryable failures are retried until success; the count is exact", async () => {
  let n = 0;
  const r = await withRetry(
    async (attempt) => {
      n++;
      assert.equal(attempt, n);
      if (n < 3) throw new ProviderFailure("status", "HTTP 500", { status: 500, retryable: true });
      return "ok";
    },
    fast,
    ctx,
  );
  assert.equal(r, "ok");
  assert.equal(n, 3);
});

test("the final error says what was tried: model, attempts, statuses, last error", async () => {
  let n = 0;
  const kinds = [
    new ProviderFailure("status", "HTTP 429: slow down", { status: 429, retryable: true, retryAfterMs: 1 }),
    new ProviderFailure("timeout", "no complete reply within 1 s", { retryable: true }),
    new ProviderFailure("status", "HTTP 503: overloaded", { status: 503, retryable: true }),
    new ProviderFailure("status", "HTTP 503: overloaded", { status: 503, retryable: true }),
  ];
  await assert.rejects(
    withRetry(async () => {
      throw kinds[n++]!;
    }, fast, ctx),
    (e: unknown) => {
      assert.ok(e instanceof RetriesExhaustedError);
      assert.equal(e.attempts, 4);
      assert.equal(e.lastStatus, 503);
      assert.equal(e.message, "groq/m: gave up after 4 attempts (HTTP 429, timeout, 2× HTTP 503); last error: HTTP 503: overloaded");
      return true;
    },
  );
  assert.equal(n, 4);
});

test("non-retryable errors pass through after one attempt", async () => {
  let n = 0;
  await assert.rejects(
    withRetry(async () => {
      n++;
      throw new BadRequestError("groq/m", 400, "bad");
    }, fast, ctx),
    BadRequestError,
  );
  assert.equal(n, 1);
});

test("Retry-After sets the wait, tells the limiter, and a wait past the maximum fails at once", async () => {
  const waits: number[] = [];
  const paused: number[] = [];
  let n = 0;
  await withRetry(
    async () => {
      if (n++ === 0) throw new ProviderFailure("status", "HTTP 429", { status: 429, retryable: true, retryAfterMs: 2000 });
      return 1;
    },
    { ...fast, sleep: async (ms) => void waits.push(ms), random: () => 0 },
    { ...ctx, onServerBackoff: (ms) => paused.push(ms) },
  );
  assert.deepEqual(waits, [2000]);
  assert.deepEqual(paused, [2000]);
  n = 0;
  await assert.rejects(
    withRetry(async () => {
      n++;
      throw new ProviderFailure("status", "HTTP 429", { status: 429, retryable: true, retryAfterMs: 3_600_000 });
    }, fast, ctx),
    (e: unknown) =>
      e instanceof QuotaExceededError && isFatalLMError(e) && e.kind === "quota" && e.retryAfterMs === 3_600_000 && /the server asks to wait 1 h 0 min before the next request, more than the 10 s allowed \(a quota is used up\)/.test(e.message),
  );
  assert.equal(n, 1);
});

test("when no attempt ever connects, the error says the host is unreachable", async () => {
  await assert.rejects(
    withRetry(async () => {
      throw new ProviderFailure("connection", "connection failed: connect ECONNREFUSED 127.0.0.1:9", { retryable: true, code: "ECONNREFUSED" });
    }, { ...fast, maxAttempts: 2 }, { ...ctx, server: "http://127.0.0.1:9", unreachableHint: "is it running?" }),
    (e: unknown) => e instanceof UnreachableHostError && /could not reach http:\/\/127\.0\.0\.1:9 in 2 attempts \(is it running\?\)/.test(e.message),
  );
});
