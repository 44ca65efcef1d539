/**
 * Pacing: a run against the test server enforcing Groq's free-tier limits — 30 requests and 6,000
 * tokens a minute, as token buckets, with Groq's `x-ratelimit-*` headers and real 429 bodies — must
 * finish within 1.15× the least wall time those limits allow, with 429s on at most 1% of calls.
 *
 * Three workloads: token-bound (300-token calls: 20 a minute fit), request-bound (100-token calls:
 * the 30 requests a minute bind), and token-bound with the token limit learnt from the headers alone
 * (the limiter told only the requests per minute). The least wall time of N calls of T tokens is
 * max((N·T − TPM)/TPM, (N − RPM)/RPM) minutes (both buckets start full). `minuteMs` shrinks the
 * minute for the server and the client alike (default 6 s, i.e. ten times faster, same ratios).
 */
import { LLMTestServer } from "../src/testing/llm-test-server.js";
import { LMRuntime } from "../src/lm/runtime.js";

export interface PacingBenchOptions {
  /** The server's (and the limiter's) minute, in ms; default 6000. */
  minuteMs?: number;
  /** Minutes of work each workload needs at least; default 2. */
  minutes?: number;
  /** Requests in flight at most; default 4. */
  concurrency?: number;
}

export interface PacingWorkload {
  name: string;
  calls: number;
  tokens_per_call: number;
  wall_s: number;
  min_wall_s: number;
  ratio: number;
  responses_429: number;
  share_429: number;
  failed_calls: number;
}

export interface PacingBenchResult {
  rpm: number;
  tpm: number;
  minute_ms: number;
  concurrency: number;
  workloads: PacingWorkload[];
  /** The worst ratio; the target is ≤ 1.15. */
  ratio: number;
  /** The largest share of calls answered 429; the target is ≤ 0.01. */
  share_429: number;
  ok: boolean;
}

const RPM = 30;
const TPM = 6000;

async function workload(name: string, promptWords: number, replyWords: number, minuteMs: number, minutes: number, concurrency: number, tpmKnown = true): Promise<PacingWorkload> {
  const tokens = promptWords + replyWords;
  const perMinute = Math.min(RPM, Math.floor(TPM / tokens));
  const calls = perMinute * (minutes + 1);
  const server = await LLMTestServer.start({
    models: ["llama-3.3-70b-versatile"],
    rateLimit: { requestsPerMinute: RPM, tokensPerMinute: TPM, minuteMs },
    replies: [{ reply: Array.from({ length: replyWords }, () => "ok").join(" ") }],
  });
  try {
    // The limits a user sets with --rpm 30 --tpm 6000 (here on a shrunk minute); the headers steer the
    // rest. Without --tpm the limiter takes the token limit and what is left from the headers alone.
    const runtime = new LMRuntime({
      env: { GROQ_API_KEY: "gsk_bench_0123456789", GROQ_BASE_URL: server.openaiBaseUrl },
      cache: false,
      limits: { requestsPerMinute: RPM, ...(tpmKnown ? { tokensPerMinute: TPM } : {}), windowMs: minuteMs, concurrency },
      retry: { baseDelayMs: 50, maxDelayMs: 2000 },
    });
    const model = runtime.lm("groq/llama-3.3-70b-versatile", { role: "teacher", concurrency });
    const prompt = Array.from({ length: promptWords }, (_, i) => `w${i % 10}`).join(" ");
    const t0 = performance.now();
    let failed = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency * 2 }, async () => {
        while (next < calls) {
          const i = next++;
          try {
            await model.chat([{ role: "user", content: prompt }], { maxTokens: replyWords, rolloutId: i });
          } catch {
            failed++;
          }
        }
      }),
    );
    const wall = (performance.now() - t0) / 1000;
    const minWall = (Math.max((calls * tokens - TPM) / TPM, (calls - RPM) / RPM) * minuteMs) / 1000;
    const chats = server.chatRequests.length;
    return {
      name,
      calls,
      tokens_per_call: tokens,
      wall_s: round(wall),
      min_wall_s: round(minWall),
      ratio: round(wall / minWall),
      responses_429: server.rateLimited,
      share_429: round(server.rateLimited / Math.max(1, chats)),
      failed_calls: failed,
    };
  } finally {
    await server.close();
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Runs both workloads (see the module comment). */
export async function benchPacing(options: PacingBenchOptions = {}): Promise<PacingBenchResult> {
  const minuteMs = options.minuteMs ?? 6000;
  const minutes = options.minutes ?? 2;
  const concurrency = options.concurrency ?? 4;
  const workloads = [
    await workload("token-bound (300-token calls)", 290, 10, minuteMs, minutes, concurrency),
    await workload("request-bound (100-token calls)", 90, 10, minuteMs, minutes, concurrency),
    await workload("token-bound, TPM from the headers only (no --tpm)", 290, 10, minuteMs, minutes, concurrency, false),
  ];
  const ratio = Math.max(...workloads.map((w) => w.ratio));
  const share = Math.max(...workloads.map((w) => w.share_429));
  return { rpm: RPM, tpm: TPM, minute_ms: minuteMs, concurrency, workloads, ratio, share_429: share, ok: ratio <= 1.15 && share <= 0.01 && workloads.every((w) => w.failed_calls === 0) };
}
