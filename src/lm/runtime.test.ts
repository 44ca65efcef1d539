/**
 * The LM runtime: settings read once from the environment it is given, limiters shared per server,
 * the one retry default, usage and latency of its own, limits for any host by setting, pacing on
 * Groq's rate-limit headers (the test server's rate-limit mode), and dispose freeing only its models.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "../testing/temp-dir.js";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { writeTinyGguf } from "../testing/tiny-gguf.js";
import { LMRuntime, isLoopbackUrl } from "./runtime.js";
import { DEFAULT_RETRY } from "./retry.js";
import { loadRuntimeSettings } from "./settings.js";
import { parseRateLimitHeaders, parseResetDuration } from "./rate-limit-headers.js";

let server: LLMTestServer;
const dir = tempDir("runtime");

before(async () => {
  server = await LLMTestServer.start({ models: ["m", "llama-3.3-70b-versatile"] });
});
after(() => server.close());

test("one retry default for library and CLI: 8 attempts, 1 s doubling to 30 s, Retry-After up to 120 s", () => {
  assert.deepEqual(DEFAULT_RETRY, { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 });
  const r = new LMRuntime({ env: {} });
  assert.equal(r.retry.maxAttempts, 8);
  const tuned = new LMRuntime({ env: { GRIDTUNE_RETRY_ATTEMPTS: "3", GRIDTUNE_RETRY_BASE_MS: "0", GRIDTUNE_MAX_RETRY_AFTER_S: "5" } });
  assert.deepEqual([tuned.retry.maxAttempts, tuned.retry.baseDelayMs, tuned.retry.maxRetryAfterMs], [3, 0, 5000]);
});

test("settings come from the environment the runtime is given (never process.env deep inside); bad values name the variable", () => {
  const s = loadRuntimeSettings({ GRIDTUNE_TIMEOUT_MS: "1500", GRIDTUNE_RPM: "12", GRIDTUNE_TPM: "3000", GRIDTUNE_LLAMACPP_GPU: "false", GRIDTUNE_LLAMACPP_CONTEXT: "2048", GRIDTUNE_NO_CACHE: "1", GRIDTUNE_OFFLINE: "1" });
  assert.deepEqual(
    [s.timeoutMs, s.requestsPerMinute, s.tokensPerMinute, s.llamacpp.gpu, s.llamacpp.contextSize, s.noCache, s.offline],
    [1500, 12, 3000, false, 2048, true, true],
  );
  assert.throws(() => loadRuntimeSettings({ GRIDTUNE_TIMEOUT_MS: "soon" }), /GRIDTUNE_TIMEOUT_MS must be a number/);
  assert.throws(() => loadRuntimeSettings({ GRIDTUNE_LLAMACPP_GPU: "tpu" }), /GRIDTUNE_LLAMACPP_GPU: unknown value 'tpu'/);
  const rt = new LMRuntime({ env: { OLLAMA_HOST: server.ollamaHost } });
  assert.equal(rt.config.ollamaHost, server.ollamaHost);
});

test("limiters: one per provider and server, shared by every role; a loopback server is limited only by concurrency unless --rpm/--tpm say so", () => {
  const rt = new LMRuntime({ env: { GROQ_API_KEY: "gsk_test_0123456789ab", GROQ_BASE_URL: server.openaiBaseUrl } });
  const teacher = rt.lm("groq/m", { role: "teacher", concurrency: 3 });
  const proposer = rt.lm("groq/m", { role: "proposer" });
  const student = rt.lm("openai-compatible/m", { role: "student", baseUrl: server.openaiBaseUrl });
  assert.equal(teacher.limiter, proposer.limiter);
  assert.notEqual(teacher.limiter, student.limiter, "another provider, another limiter");
  assert.deepEqual(teacher.limiter.currentLimits, { concurrency: 4 });
  assert.equal(teacher.usage, rt.usage);
  const paced = new LMRuntime({ env: { GROQ_API_KEY: "gsk_test_0123456789ab", GROQ_BASE_URL: server.openaiBaseUrl, GRIDTUNE_RPM: "30", GRIDTUNE_TPM: "6000" } });
  assert.deepEqual(paced.lm("groq/m").limiter.currentLimits, { concurrency: 4, requestsPerMinute: 30, tokensPerMinute: 6000 });
  const remote = new LMRuntime({ env: { GROQ_API_KEY: "gsk_test_0123456789ab" } });
  assert.deepEqual(remote.lm("groq/m").limiter.currentLimits, { concurrency: 4, requestsPerMinute: 30, tokensPerMinute: 6000 }, "Groq itself: its free tier");
  assert.equal(isLoopbackUrl("http://localhost:11434"), true);
  assert.equal(isLoopbackUrl("https://api.groq.com/openai/v1"), false);
});

test("usage and latency are the runtime's own: two runtimes never mix", async () => {
  const a = new LMRuntime({ env: {}, cache: false });
  const b = new LMRuntime({ env: {}, cache: false });
  await a.lm("openai-compatible/m", { role: "student", baseUrl: server.openaiBaseUrl }).chat([{ role: "user", content: "hi" }]);
  assert.equal(a.usage.snapshot().total.calls, 1);
  assert.equal(b.usage.snapshot().total.calls, 0);
  assert.equal(a.latency.requests, 1);
  assert.equal(b.latency.requests, 0);
});

test("one llama.cpp model per file, whatever the roles; dispose frees this runtime's models only", async () => {
  const gguf = join(dir, "tiny.gguf");
  writeTinyGguf(gguf, { seed: 3 });
  const env = { GRIDTUNE_LLAMACPP_THREADS: "1", GRIDTUNE_LLAMACPP_GPU: "false", GRIDTUNE_LLAMACPP_BUILD: "never", GRIDTUNE_CACHE_DIR: join(dir, "cache") };
  const a = new LMRuntime({ env, cache: false });
  const b = new LMRuntime({ env, cache: false });
  const teacher = a.lm(`llamacpp/${gguf}`, { role: "teacher" });
  const student = a.lm(`llamacpp/${gguf}`, { role: "student" });
  assert.equal(teacher.backendProvider, student.backendProvider);
  const other = b.lm(`llamacpp/${gguf}`, { role: "student" });
  assert.notEqual(other.backendProvider, teacher.backendProvider);
  await other.chat([{ role: "user", content: "hi" }], { maxTokens: 2 });
  await a.dispose();
  const again = await other.chat([{ role: "user", content: "hello" }], { maxTokens: 2 });
  assert.equal(typeof again.text, "string", "b's model still works after a.dispose()");
  await b.dispose();
  assert.throws(() => a.lm("ollama/x"), /disposed/);
});

test("Groq's reset durations and rate-limit headers are read", () => {
  assert.equal(parseResetDuration("2m59.56s"), 179_560);
  assert.equal(parseResetDuration("7.66s"), 7660);
  assert.equal(parseResetDuration("120ms"), 120);
  assert.equal(parseResetDuration("1h2m3s"), 3_723_000);
  assert.equal(parseResetDuration("soon"), undefined);
  assert.deepEqual(
    parseRateLimitHeaders({ "x-ratelimit-limit-requests": "14400", "x-ratelimit-remaining-requests": "14370", "x-ratelimit-reset-requests": "2m59.56s", "x-ratelimit-limit-tokens": "18000", "x-ratelimit-remaining-tokens": "17997", "x-ratelimit-reset-tokens": "7.66s", "retry-after": "2" }),
    { limitRequests: 14400, remainingRequests: 14370, resetRequestsMs: 179_560, limitTokens: 18000, remainingTokens: 17997, resetTokensMs: 7660, retryAfterMs: 2000 },
  );
});

test("pacing on the headers: against 6,000 tokens a minute, the limiter learns the limit; at most the first burst draws a 429", async () => {
  const limited = await LLMTestServer.start({ models: ["llama-3.3-70b-versatile"], rateLimit: { requestsPerMinute: 30, tokensPerMinute: 6000, minuteMs: 1500 }, replies: [{ reply: "ok ok ok ok ok ok ok ok ok ok" }] });
  try {
    const rt = new LMRuntime({ env: { GROQ_API_KEY: "gsk_test_0123456789ab", GROQ_BASE_URL: limited.openaiBaseUrl }, cache: false, limits: { requestsPerMinute: 30, windowMs: 1500 } });
    const model = rt.lm("groq/llama-3.3-70b-versatile", { concurrency: 4 });
    const prompt = Array.from({ length: 290 }, () => "w").join(" ");
    await Promise.all(Array.from({ length: 30 }, (_, i) => model.chat([{ role: "user", content: prompt }], { maxTokens: 10, rolloutId: i })));
    assert.equal(model.limiter.currentLimits.tokensPerMinute, 6000, "the token limit came from x-ratelimit-limit-tokens");
    // Before the first answer nothing is known of the token budget: the first burst (4 in flight) may
    // draw one 429, honoured through retry-after; after that the headers pace every call.
    assert.ok(limited.rateLimited <= 1, `${limited.rateLimited} 429s`);
    assert.equal(limited.chatRequests.length, 30 + limited.rateLimited);
    const h = limited.requests.at(-1)!;
    assert.equal(h.outcome, 200);
  } finally {
    await limited.close();
  }
});
