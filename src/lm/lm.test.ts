/**
 * The LM layer against a real HTTP server on 127.0.0.1 (src/testing/llm-test-server.ts) that
 * speaks OpenAI chat completions (JSON and streaming) and Ollama's /api/chat.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { join } from "node:path";
import { LLMTestServer } from "../testing/llm-test-server.js";
import type { TestFault } from "../testing/llm-test-server.js";
import { lm } from "./lm.js";
import type { LMOptions } from "./lm.js";
import type { LMConfig } from "./config.js";
import { AuthenticationError, BadRequestError, ModelNotFoundError, RetriesExhaustedError, UnreachableHostError } from "./errors.js";
import { UsageTracker } from "./usage.js";
import { RateLimiter } from "./rate-limiter.js";
import { ResponseCache } from "./cache.js";
import { tempDir } from "../testing/temp-dir.js";

let server: LLMTestServer;
let config: LMConfig;
const cacheDir = tempDir("lm");
const KEY = "gsk_testkey_0123456789";

before(async () => {
  server = await LLMTestServer.start({ models: ["m", "llama-3.3-70b-versatile", "openai/gpt-oss-20b"], replies: [{ match: "capital of France", reply: "Paris is the capital" }] });
  config = {
    groqApiKey: KEY,
    openaiApiKey: "sk-openai-test-0123456789",
    groqBaseUrl: server.openaiBaseUrl,
    openaiBaseUrl: server.openaiBaseUrl,
    ollamaHost: server.ollamaHost,
    cacheDir,
  };
});
after(() => server.close());

const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5 };

/** The three transports under test. */
const VARIANTS: { name: string; id: string; opts: () => LMOptions }[] = [
  { name: "OpenAI JSON", id: "openai-compatible/m", opts: () => ({ baseUrl: server.openaiBaseUrl }) },
  { name: "OpenAI streaming", id: "openai-compatible/m", opts: () => ({ baseUrl: server.openaiBaseUrl, stream: true }) },
  { name: "Ollama", id: "ollama/m", opts: () => ({}) },
];

function make(id: string, extra: LMOptions = {}) {
  return lm(id, { config, cache: false, retry: FAST_RETRY, limiter: new RateLimiter({ concurrency: 16 }), usage: new UsageTracker(), ...extra });
}

const ask = [{ role: "system" as const, content: "Be brief." }, { role: "user" as const, content: "What is the capital of France?" }];

/** Runs one call with `faults` queued; returns the attempts the server saw for it and the elapsed time. */
async function withFaults(model: ReturnType<typeof make>, faults: TestFault[]) {
  server.clearLog();
  server.failNext(...faults);
  const t0 = Date.now();
  const r = await model.chat(ask);
  return { r, attempts: server.chatRequests.length, ms: Date.now() - t0 };
}

for (const v of VARIANTS) {
  test(`${v.name}: sends the request as the protocol wants and parses text and usage`, async () => {
    server.clearLog();
    const model = make(v.id, v.opts());
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const r = await model.chat(ask, { temperature: 0.3, maxTokens: 50, topP: 0.9, stop: ["\n\n"], seed: 7, role: "teacher" });
    assert.deepEqual(r, { text: "Paris is the capital", usage: { promptTokens: 8, completionTokens: 4, totalTokens: 12 }, cached: false, model: v.id });
    const req = server.chatRequests[0]!;
    assert.equal(req.api, v.id.startsWith("ollama") ? "ollama" : "openai");
    assert.equal(req.model, "m");
    assert.equal(req.stream, v.name === "OpenAI streaming");
    assert.deepEqual(req.messages, ask);
    assert.equal(req.temperature, 0.3);
    assert.equal(req.maxTokens, 50);
    assert.equal(req.topP, 0.9);
    assert.deepEqual(req.stop, ["\n\n"]);
    assert.equal(req.seed, 7);
    const s = await model.chat([{ role: "user", content: "json please" }], { responseFormat: { type: "json_schema", name: "answer", schema } });
    assert.deepEqual(JSON.parse(s.text), { city: "x" });
    assert.deepEqual(server.chatRequests[1]!.responseFormat, { type: "json_schema", schema, ...(v.id.startsWith("ollama") ? {} : { name: "answer" }) });
    assert.deepEqual(model.usage.snapshot().byRole.teacher, { calls: 1, cachedCalls: 0, failedCalls: 0, promptTokens: 8, completionTokens: 4, costUsd: 0 });
  });

  test(`${v.name}: retries 429 (honouring Retry-After), 500, timeouts, dropped and truncated replies — one retry each`, async () => {
    const model = make(v.id, { ...v.opts(), timeoutMs: 250 });
    const cases: [string, TestFault][] = [
      ["429 + retry-after-ms", { kind: "status", status: 429, retryAfterMs: 300 }],
      ["500", { kind: "status", status: 500 }],
      ["502", { kind: "status", status: 502 }],
      ["slow reply", { kind: "delay", ms: 1000 }],
      ["dropped connection", { kind: "drop" }],
      ["truncated body", { kind: "truncate" }],
      ["malformed body", { kind: "malformed" }],
    ];
    for (const [what, fault] of cases) {
      const { r, attempts, ms } = await withFaults(model, [fault]);
      assert.equal(r.text, "Paris is the capital", what);
      assert.equal(attempts, 2, `${what}: attempts`);
      if (what.startsWith("429")) assert.ok(ms >= 290, `${what}: waited only ${ms} ms`);
    }
  });

  test(`${v.name}: gives up after exactly maxAttempts and says what was tried`, async () => {
    const model = make(v.id, { ...v.opts(), retry: { ...FAST_RETRY, maxAttempts: 3 }, timeoutMs: 250 });
    server.clearLog();
    server.failNext({ kind: "status", status: 503 }, { kind: "delay", ms: 1000 }, { kind: "status", status: 500 });
    await assert.rejects(model.chat(ask), (e: unknown) => {
      assert.ok(e instanceof RetriesExhaustedError);
      assert.equal(e.attempts, 3);
      assert.equal(e.lastStatus, 500);
      assert.match(e.message, new RegExp(`^${v.id}: gave up after 3 attempts \\(HTTP 503, timeout, HTTP 500\\); last error: HTTP 500`));
      return true;
    });
    assert.equal(server.chatRequests.length, 3);
    assert.equal(model.usage.snapshot().total.failedCalls, 1);
  });

  test(`${v.name}: a model the server does not know fails at once`, async () => {
    server.clearLog();
    const model = make(v.id.replace(/\/m$/, "/no-such-model"), v.opts());
    await assert.rejects(model.chat(ask), (e: unknown) => e instanceof ModelNotFoundError && /does not know model 'no-such-model'/.test(e.message));
    assert.equal(server.chatRequests.length, 1);
  });

  test(`${v.name}: 400 is not retried`, async () => {
    server.clearLog();
    server.failNext({ kind: "status", status: 400, message: "max_tokens is too large" });
    await assert.rejects(make(v.id, v.opts()).chat(ask), (e: unknown) => e instanceof BadRequestError && /HTTP 400: max_tokens is too large/.test(e.message));
    assert.equal(server.chatRequests.length, 1);
  });
}

test("Retry-After in seconds is honoured (Ollama and OpenAI)", async () => {
  for (const id of ["ollama/m", "openai-compatible/m"]) {
    const { attempts, ms } = await withFaults(make(id, { baseUrl: id.startsWith("ollama") ? server.ollamaHost : server.openaiBaseUrl }), [
      { kind: "status", status: 429, retryAfter: "1" },
    ]);
    assert.equal(attempts, 2);
    assert.ok(ms >= 990, `${id}: waited only ${ms} ms`);
  }
});

test("an unreachable host is reported as such after the configured attempts", async () => {
  const port = await closedPort();
  for (const [id, baseUrl] of [
    ["ollama/m", `http://127.0.0.1:${port}`],
    ["openai-compatible/m", `http://127.0.0.1:${port}/v1`],
  ] as const) {
    await assert.rejects(make(id, { baseUrl, retry: { ...FAST_RETRY, maxAttempts: 2 } }).chat(ask), (e: unknown) => {
      assert.ok(e instanceof UnreachableHostError, String(e));
      assert.match(e.message, new RegExp(`could not reach http://127\\.0\\.0\\.1:${port}.* in 2 attempts`));
      assert.match(e.message, /ECONNREFUSED/);
      return true;
    });
  }
});

test("a refused key is reported with the variable to check, and not retried", async () => {
  const keyed = await LLMTestServer.start({ apiKey: "gsk_the_right_key_123" });
  try {
    const model = make("groq/llama-3.3-70b-versatile", { config: { ...config, groqBaseUrl: keyed.openaiBaseUrl } });
    await assert.rejects(model.chat(ask), (e: unknown) => e instanceof AuthenticationError && /refused the API key \(HTTP 401.*check GROQ_API_KEY/.test(e.message));
    assert.equal(keyed.chatRequests.length, 0); // refused before the chat was parsed
    assert.equal(keyed.requests.length, 1);
    assert.equal(keyed.requests[0]!.headers.authorization, `Bearer ${KEY}`);
  } finally {
    await keyed.close();
  }
});

test("Groq gets json_schema only for models that take it, json_object otherwise", async () => {
  server.clearLog();
  const schema = { type: "object", properties: { a: { type: "integer" } } };
  const rf = { type: "json_schema" as const, name: "x", schema };
  const llama = make("groq/llama-3.3-70b-versatile");
  assert.equal(llama.supportsStructuredOutput, false);
  await llama.chat(ask, { responseFormat: rf });
  assert.deepEqual(server.chatRequests[0]!.responseFormat, { type: "json_object" });
  const oss = make("groq/openai/gpt-oss-20b");
  assert.equal(oss.supportsStructuredOutput, true);
  await oss.chat(ask, { responseFormat: rf });
  assert.equal(server.chatRequests[1]!.responseFormat?.type, "json_schema");
  assert.equal(server.chatRequests[1]!.headers.authorization, `Bearer ${KEY}`);
  // OpenAI itself takes max_completion_tokens.
  await make("openai/m").chat(ask, { maxTokens: 9 });
  assert.equal(server.chatRequests[2]!.body.max_completion_tokens, 9);
});

test("the cache answers a repeated request for free; rolloutId and noCache draw a fresh one", async (t) => {
  server.clearLog();
  const usage = new UsageTracker();
  const cache = new ResponseCache(ResponseCache.fileIn(tempDir("lmcache", t)));
  const model = make("openai-compatible/m", { baseUrl: server.openaiBaseUrl, cache, usage, role: "student" });
  const first = await model.chat(ask, { temperature: 0 });
  const second = await model.chat(ask, { temperature: 0 });
  assert.equal(first.cached, false);
  assert.deepEqual(second, { text: first.text, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, cached: true, model: "openai-compatible/m" });
  assert.equal(server.chatRequests.length, 1);
  assert.equal((await model.chat(ask, { temperature: 0, rolloutId: 1 })).cached, false);
  assert.equal((await model.chat(ask, { temperature: 0, rolloutId: 1 })).cached, true);
  assert.equal((await model.chat(ask, { temperature: 0, noCache: true })).cached, false);
  assert.equal(server.chatRequests.length, 3);
  // The cache key ignores the server: another base URL with the same model id hits.
  const other = await LLMTestServer.start({ models: ["m"] });
  try {
    const viaOther = make("openai-compatible/m", { baseUrl: other.openaiBaseUrl, cache, usage, role: "student" });
    assert.equal((await viaOther.chat(ask, { temperature: 0 })).cached, true);
    assert.equal(other.chatRequests.length, 0);
  } finally {
    await other.close();
  }
  assert.deepEqual(usage.snapshot().byRole.student, { calls: 6, cachedCalls: 3, failedCalls: 0, promptTokens: 24, completionTokens: 12, costUsd: 0 });
  cache.close();
});

test("the limiter caps requests in flight at the provider's concurrency", async () => {
  server.clearLog();
  server.setDelay(40);
  server.maxInFlight = 0;
  try {
    const model = make("openai-compatible/m", { baseUrl: server.openaiBaseUrl, limiter: new RateLimiter({ concurrency: 3 }) });
    await Promise.all(Array.from({ length: 12 }, (_, i) => model.chat(ask, { rolloutId: i })));
    assert.equal(server.maxInFlight, 3);
    assert.equal(server.chatRequests.length, 12);
  } finally {
    server.setDelay(0);
  }
});

test("30% injected 429/500 faults from a seeded RNG: every call succeeds, the attempt count is reproducible", async () => {
  const counts: number[] = [];
  for (let run = 0; run < 2; run++) {
    const s = await LLMTestServer.start({ faultRate: 0.3, faultStatuses: [429, 500], seed: 42 });
    try {
      const model = make("openai-compatible/test-model", { baseUrl: s.openaiBaseUrl, limiter: new RateLimiter({ concurrency: 1 }), retry: { ...FAST_RETRY, maxAttempts: 10 } });
      for (let i = 0; i < 30; i++) assert.equal((await model.chat(ask, { rolloutId: i })).text, "test reply");
      const statuses = s.requests.map((r) => r.outcome);
      assert.equal(statuses.filter((x) => x === 200).length, 30);
      counts.push(s.chatRequests.length);
    } finally {
      await s.close();
    }
  }
  assert.ok(counts[0]! > 33 && counts[0]! < 60, `attempts ${counts[0]}`);
  assert.equal(counts[0], counts[1]);
});

test("a caller's abort signal stops the call without retries", async () => {
  server.clearLog();
  server.failNext({ kind: "delay", ms: 2000 });
  const ac = new AbortController();
  const p = make("openai-compatible/m", { baseUrl: server.openaiBaseUrl }).chat(ask, { signal: ac.signal });
  setTimeout(() => ac.abort(new Error("user stopped")), 50);
  await assert.rejects(p, /user stopped/);
  assert.equal(server.chatRequests.length, 1);
});

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
