/**
 * The LM layer's cost, three ways:
 * - `http`: calls/s and latency of `lm()` (limiter + retry wrapper + timeout + usage, with and without
 *   SQLite cache writes) over the local OpenAI-compatible test server answering after a fixed delay,
 *   against the bare `openai` SDK on the same server; `overhead_ms_per_call` is the difference.
 * - `stub`: the layer over a provider that only waits the delay (no HTTP, whose CPU cost would cap
 *   throughput on a small machine): throughput scales with concurrency up to the limiter's setting, no further.
 * - `pure_overhead_ms_per_call`: the layer over a provider that answers at once, minus that provider.
 * Every call is unique (rolloutId), so the cache never answers in the timed runs but `cache_hit`.
 */
import OpenAI from "openai";
import { LLMTestServer } from "../src/testing/llm-test-server.js";
import { lm } from "../src/lm/lm.js";
import { RateLimiter } from "../src/lm/rate-limiter.js";
import { UsageTracker } from "../src/lm/usage.js";
import { ResponseCache } from "../src/lm/cache.js";
import type { Provider } from "../src/lm/providers/provider.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LmBenchOptions {
  /** The server's fixed delay per reply, ms. Default 50. */
  delayMs?: number;
  /** Calls per measurement at concurrency 1 (more at higher concurrency, so each run lasts about as long). Default 100. */
  calls?: number;
  /** Concurrency levels to measure. Default [1, 16]. */
  concurrency?: number[];
  /** The limiter's concurrency setting. Default 16. */
  limit?: number;
}

export interface LmBenchRun {
  concurrency: number;
  calls: number;
  calls_per_s: number;
  latency_ms_mean: number;
  latency_ms_p50: number;
  latency_ms_p95: number;
  /** Mean latency over the server's fixed delay (HTTP, SDK, and the layer when present). */
  added_latency_ms: number;
  /** CPU time of this process per call (client and in-process server together). */
  cpu_ms_per_call: number;
}

export interface StubRun {
  concurrency: number;
  calls: number;
  calls_per_s: number;
  /** What a perfect client reaches: min(concurrency, limit) / delay. */
  ideal_calls_per_s: number;
  latency_ms_mean: number;
  added_latency_ms: number;
}

export interface LmBenchResult {
  server_delay_ms: number;
  limiter_concurrency: number;
  /** Over HTTP to the local test server: the bare SDK, the layer (cache off), the layer writing every reply to the SQLite cache. */
  http: Array<{
    concurrency: number;
    sdk: LmBenchRun;
    layer: LmBenchRun;
    layer_with_cache_writes: LmBenchRun;
    /** layer − sdk mean latency per call (cache off); noisy on a busy machine. */
    overhead_ms_per_call: number;
    /** layer-with-cache − sdk mean latency per call. */
    overhead_with_cache_ms_per_call: number;
  }>;
  /** The layer over a provider that only waits the delay (no HTTP): scaling set by the limiter alone. */
  stub: StubRun[];
  /** The layer's own cost per call, over a provider that answers at once, in ms (cache off / writing / hitting). */
  pure_overhead_ms_per_call: { no_cache: number; cache_write: number; cache_hit: number };
  checks: {
    /** The layer's own cost < 2 ms per call (pure), and the HTTP-measured overhead at concurrency 1 too. */
    overhead_under_2ms: boolean;
    /** Over the stub: calls/s ≥ 80% of ideal up to the limit, and no more than the limit allows beyond it. */
    throughput_scales: boolean;
    /** Over HTTP: the layer keeps ≥ 85% of the bare SDK's calls/s at every concurrency. */
    http_layer_keeps_up: boolean;
  };
}

type Call = (i: number) => Promise<unknown>;

async function measure(concurrency: number, calls: number, delayMs: number, call: Call): Promise<LmBenchRun> {
  const latencies: number[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls) {
        const i = next++;
        const s = performance.now();
        await call(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    concurrency,
    calls,
    calls_per_s: Math.round((calls / seconds) * 10) / 10,
    latency_ms_mean: r3(mean),
    latency_ms_p50: r3(latencies[Math.floor(latencies.length / 2)]!),
    latency_ms_p95: r3(latencies[Math.floor(latencies.length * 0.95)]!),
    added_latency_ms: r3(mean - delayMs),
    cpu_ms_per_call: r3((cpu.user + cpu.system) / 1000 / calls),
  };
}

export async function benchLM(options: LmBenchOptions = {}): Promise<LmBenchResult> {
  const delayMs = options.delayMs ?? 50;
  const baseCalls = options.calls ?? 100;
  const levels = options.concurrency ?? [1, 16];
  const limit = options.limit ?? 16;
  const server = await LLMTestServer.start({ models: ["bench-model"], delayMs });
  const dir = mkdtempSync(join(tmpdir(), "gridtune-lm-bench-"));
  const cache = new ResponseCache(ResponseCache.fileIn(dir));
  try {
    const messages = [
      { role: "system" as const, content: "You are a Minigrid agent. Answer with one action." },
      { role: "user" as const, content: "Observation: a wall ahead, the key to the left. Mission: pick up the key." },
    ];
    const sdk = new OpenAI({ apiKey: "bench", baseURL: server.openaiBaseUrl, maxRetries: 0 });
    const config = { groqBaseUrl: server.openaiBaseUrl, openaiBaseUrl: server.openaiBaseUrl, ollamaHost: server.url, cacheDir: dir };
    const common = { baseUrl: server.openaiBaseUrl, config, limiter: new RateLimiter({ concurrency: limit }), usage: new UsageTracker(), role: "student" as const };
    const layer = lm("openai-compatible/bench-model", { ...common, cache: false });
    const cached = lm("openai-compatible/bench-model", { ...common, cache, limiter: new RateLimiter({ concurrency: limit }) });
    const sdkCall: Call = () => sdk.chat.completions.create({ model: "bench-model", messages, temperature: 0.7, max_tokens: 16 });
    const layerCall: Call = (i) => layer.chat(messages, { temperature: 0.7, maxTokens: 16, rolloutId: i });
    let unique = 0;
    const cachedCall: Call = () => cached.chat(messages, { temperature: 0.7, maxTokens: 16, rolloutId: `bench-${unique++}` });
    // Warm up the JIT, the sockets and SQLite.
    for (const c of [sdkCall, layerCall, cachedCall]) await measure(4, 40, delayMs, c);

    const http: LmBenchResult["http"] = [];
    for (const concurrency of levels) {
      const calls = baseCalls * Math.max(1, Math.min(concurrency, 4));
      // Interleave halves so drift (GC, the other core's load) hits every variant alike.
      const half = Math.max(concurrency, Math.floor(calls / 2));
      const parts: Record<"sdk" | "layer" | "cache", LmBenchRun[]> = { sdk: [], layer: [], cache: [] };
      for (let rep = 0; rep < 2; rep++) {
        parts.sdk.push(await measure(concurrency, half, delayMs, sdkCall));
        parts.layer.push(await measure(concurrency, half, delayMs, layerCall));
        parts.cache.push(await measure(concurrency, half, delayMs, cachedCall));
      }
      const s = mergeRuns(parts.sdk);
      const l = mergeRuns(parts.layer);
      const c = mergeRuns(parts.cache);
      http.push({
        concurrency,
        sdk: s,
        layer: l,
        layer_with_cache_writes: c,
        overhead_ms_per_call: r3(l.latency_ms_mean - s.latency_ms_mean),
        overhead_with_cache_ms_per_call: r3(c.latency_ms_mean - s.latency_ms_mean),
      });
    }

    const stub: StubRun[] = [];
    for (const concurrency of [...new Set([1, ...levels, limit * 2])].sort((a, b) => a - b)) {
      const model = lm("openai-compatible/stub", { ...common, cache: false, limiter: new RateLimiter({ concurrency: limit }), provider: stubProvider(delayMs) });
      const calls = 20 * Math.min(concurrency, limit);
      const run = await measure(concurrency, calls, delayMs, (i) => model.chat(messages, { rolloutId: i }));
      stub.push({
        concurrency,
        calls,
        calls_per_s: run.calls_per_s,
        ideal_calls_per_s: Math.round((Math.min(concurrency, limit) / delayMs) * 1000 * 10) / 10,
        latency_ms_mean: run.latency_ms_mean,
        added_latency_ms: run.added_latency_ms,
      });
    }

    const pure = await pureOverhead(dir);
    const first = http.find((r) => r.concurrency === 1);
    return {
      server_delay_ms: delayMs,
      limiter_concurrency: limit,
      http,
      stub,
      pure_overhead_ms_per_call: pure,
      checks: {
        overhead_under_2ms: pure.no_cache < 2 && pure.cache_write < 2 && (first === undefined || first.overhead_ms_per_call < 2),
        throughput_scales: stub.every((r) => r.calls_per_s >= 0.8 * r.ideal_calls_per_s && r.calls_per_s <= 1.1 * r.ideal_calls_per_s),
        http_layer_keeps_up: http.every((r) => r.layer.calls_per_s >= 0.85 * r.sdk.calls_per_s),
      },
    };
  } finally {
    cache.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function mergeRuns(rs: LmBenchRun[]): LmBenchRun {
  const avg = (k: keyof LmBenchRun) => r3(rs.reduce((s, r) => s + r[k], 0) / rs.length);
  return {
    concurrency: rs[0]!.concurrency,
    calls: rs.reduce((s, r) => s + r.calls, 0),
    calls_per_s: Math.round(avg("calls_per_s") * 10) / 10,
    latency_ms_mean: avg("latency_ms_mean"),
    latency_ms_p50: avg("latency_ms_p50"),
    latency_ms_p95: avg("latency_ms_p95"),
    added_latency_ms: avg("added_latency_ms"),
    cpu_ms_per_call: avg("cpu_ms_per_call"),
  };
}

/** A provider that answers after `delayMs` (0: at once), with no I/O. */
function stubProvider(delayMs: number): Provider {
  const reply = { text: "forward", usage: { promptTokens: 20, completionTokens: 1, totalTokens: 21 } };
  return {
    name: "openai-compatible",
    server: "stub",
    supportsStructuredOutput: true,
    complete: () => (delayMs > 0 ? new Promise((r) => setTimeout(() => r(reply), delayMs)) : Promise.resolve(reply)),
  };
}

/** The layer's own time per call over an instant provider, minus calling that provider directly. */
async function pureOverhead(dir: string): Promise<LmBenchResult["pure_overhead_ms_per_call"]> {
  const messages = [
    { role: "system" as const, content: "You are a Minigrid agent. Answer with one action." },
    { role: "user" as const, content: "Observation: a wall ahead, the key to the left. Mission: pick up the key." },
  ];
  const provider = stubProvider(0);
  const config = { groqBaseUrl: "http://x", openaiBaseUrl: "http://x", ollamaHost: "http://x", cacheDir: dir };
  const base = { config, provider, baseUrl: "http://stub/v1", usage: new UsageTracker(), limiter: new RateLimiter({ concurrency: 16 }) };
  const cache = new ResponseCache(join(dir, "pure.sqlite"));
  const plain = lm("openai-compatible/stub", { ...base, cache: false });
  const cached = lm("openai-compatible/stub", { ...base, cache });
  const n = 5000;
  const time = async (f: (i: number) => Promise<unknown>): Promise<number> => {
    for (let i = 0; i < 500; i++) await f(-1 - i); // warm-up
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await f(i);
    return (performance.now() - t0) / n;
  };
  const req = { messages, signal: new AbortController().signal };
  const direct = await time(() => provider.complete(req));
  const noCache = await time((i) => plain.chat(messages, { rolloutId: i }));
  const write = await time((i) => cached.chat(messages, { rolloutId: i }));
  const hit = await time((i) => cached.chat(messages, { rolloutId: i }));
  cache.close();
  return { no_cache: r3(noCache - direct), cache_write: r3(write - direct), cache_hit: r3(hit - direct) };
}
