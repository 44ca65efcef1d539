/**
 * No API key ever appears in a log line, an error, a cache row or a saved file: calls (good and
 * failing) with recognisable fake keys, then a search for the keys everywhere they could leak.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { writeJsonAtomic } from "../util/atomic-write.js";
import { lm } from "./lm.js";
import { loadLMConfig, publicLMConfig } from "./config.js";
import { UsageTracker } from "./usage.js";
import { RateLimiter } from "./rate-limiter.js";
import { redactSecrets } from "./errors.js";
import { tempDir } from "../testing/temp-dir.js";

const GROQ_KEY = "gsk_LEAKCHECK_groq_0a1b2c3d4e5f";
const OPENAI_KEY = "sk-LEAKCHECK-openai-9f8e7d6c5b4a";
const ODD_KEY = "plainsecret-LEAKCHECK-42"; // a key of no known shape, for a self-hosted server
const KEYS = [GROQ_KEY, OPENAI_KEY, ODD_KEY];

function assertNoKey(where: string, text: string): void {
  for (const k of KEYS) assert.ok(!text.includes(k), `${where} contains the key ${k.slice(0, 12)}…: ${text.slice(0, 300)}`);
  // Nor a long piece of one.
  for (const k of KEYS) assert.ok(!text.includes(k.slice(4, 20)), `${where} contains part of a key`);
}

test("no key in errors, logs, stdout/stderr, the cache file or a saved info file", async (t) => {
  const cacheDir = tempDir("secrets", t);
  // A careless server that echoes the full key it was sent in its 401 message.
  const rejecting = await LLMTestServer.start({ apiKey: "gsk_the_other_key_000000", echoKeyOn401: "full" });
  const accepting = await LLMTestServer.start({ apiKey: GROQ_KEY, models: ["m"] });
  const config = loadLMConfig({
    env: { GROQ_API_KEY: GROQ_KEY, OPENAI_API_KEY: OPENAI_KEY, OPENAI_COMPATIBLE_API_KEY: ODD_KEY, GRIDTUNE_CACHE_DIR: cacheDir, GROQ_BASE_URL: accepting.openaiBaseUrl },
    envFile: false,
  });
  const logs: string[] = [];
  const captured: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => (captured.push(String(chunk)), out(chunk as string, ...(rest as [])))) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => (captured.push(String(chunk)), err(chunk as string, ...(rest as [])))) as typeof process.stderr.write;
  const errors: unknown[] = [];
  const usage = new UsageTracker();
  try {
    const common = { config, usage, log: (l: string) => logs.push(l), retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 }, limiter: new RateLimiter({ concurrency: 4 }) };
    const ask = [{ role: "user" as const, content: "hello" }];
    // Successful calls, written to the cache.
    const good = lm("groq/m", common);
    await good.chat(ask);
    await good.chat(ask);
    await good.chat(ask, { rolloutId: "r1" });
    // Failing calls: refused key echoed back, exhausted retries, unknown model, unreachable host.
    for (const [id, opts] of [
      ["groq/m", { config: { ...config, groqBaseUrl: rejecting.openaiBaseUrl } }],
      ["openai/m", { config: { ...config, openaiBaseUrl: rejecting.openaiBaseUrl } }],
      ["openai-compatible/m", { baseUrl: rejecting.openaiBaseUrl }],
      ["groq/unknown-model", {}],
      ["openai-compatible/m", { baseUrl: "http://127.0.0.1:9/v1" }],
    ] as const) {
      try {
        await lm(id, { ...common, ...opts }).chat(ask, { noCache: true });
        assert.fail(`${id} should have failed`);
      } catch (e) {
        errors.push(e);
      }
    }
    accepting.failNext({ kind: "status", status: 500, message: `internal error for key ${GROQ_KEY}` }, { kind: "status", status: 500 });
    try {
      await good.chat(ask, { noCache: true });
    } catch (e) {
      errors.push(e);
    }
    // A missing key.
    try {
      lm("groq/m", { config: loadLMConfig({ env: {}, envFile: false }) });
    } catch (e) {
      errors.push(e);
    }
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    await rejecting.close();
    await accepting.close();
  }
  assert.equal(errors.length, 7);
  // The servers did receive the keys (the test is real) …
  assert.match(String(errors[0]), /refused the API key/);
  // … and none is anywhere we can see.
  for (const e of errors) {
    const err = e as Error;
    assertNoKey(`error ${err.name}`, `${err.message}\n${err.stack}\n${JSON.stringify(err)}\n${String(err)}`);
  }
  assertNoKey("log lines", logs.join("\n"));
  assertNoKey("stdout/stderr", captured.join(""));
  assertNoKey("usage snapshot", JSON.stringify(usage.snapshot()));
  const info = join(cacheDir, "run_info.json");
  writeJsonAtomic(info, { lm: publicLMConfig(config), usage: usage.snapshot() });
  assert.equal(JSON.parse(readFileSync(info, "utf8")).lm.GROQ_API_KEY, "set");
  for (const f of readdirSync(cacheDir)) assertNoKey(`file ${f}`, readFileSync(join(cacheDir, f)).toString("latin1"));
  assert.ok(readdirSync(cacheDir).includes("lm-cache.sqlite"));
});

test("redactSecrets masks registered keys and key-shaped strings", () => {
  assert.equal(redactSecrets("Bearer abcdefghijk123"), "Bearer [redacted]");
  assert.equal(redactSecrets("key sk-proj-abcdefghijklmnop end"), "key [redacted] end");
  assert.equal(redactSecrets("key gsk_abcdefghijklmnop end"), "key [redacted] end");
  assert.equal(redactSecrets("nothing secret here"), "nothing secret here");
});
