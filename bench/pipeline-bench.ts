/**
 * `gridtune bench pipeline`: the fine-tuning pipeline's own overhead. A light run of the `gridtune
 * finetune` pipeline — `finetune(config)` with the very configuration `gridtune finetune --auto light
 * …` builds, in a child process so the pipeline and the server do not share an event loop — against
 * the local LLM test server, which answers every call after a fixed delay D; no cache, no faults.
 *
 * With calls whose latencies (as the client measures them: the server's delay D plus HTTP, one request
 * each) add up to L, at concurrency C no pipeline can finish faster than `bound = L / C`. Reported:
 * - `wall_ms`: the pipeline, measured in the child from the `finetune()` call to its return (data
 *   loading, optimization, distillation, evaluation, saving, LM clean-up included). The bound starts
 *   at the first LM call, so process start-up (Node, module loading) is not the pipeline's and is
 *   left out: it is reported apart as `process_wall_ms` (spawn to exit) and `startup_ms`
 *   (spawn to the `finetune()` call). `measured` says this in the JSON;
 * - `overhead_ratio = (wall − bound) / bound`: everything above the bound — the pipeline's own work
 *   and every moment it keeps fewer than C calls in flight (sequential steps such as proposals and
 *   bootstrapping included);
 * - `idle_ms`: time with no call in flight at all (from the server's side: the pipeline's own work —
 *   start-up, data, prompts, parsing, checkpoints, saving) and `idle_ratio = idle / bound`;
 * - `underfilled_ms = wall − bound − idle`: the rest, time with 1…C−1 calls in flight because the
 *   algorithm has no more ready (MIPROv2's sequential bootstrapping and proposals, trial tails);
 * - `mean_in_flight`: N·D / busy time.
 * `pass` is `overhead_ratio < 0.2` (the whole excess); `pass_idle` is `idle_ratio < 0.2`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { LLMTestServer, type TestChatRequest } from "../src/testing/llm-test-server.js";
import { dspyReply } from "../src/testing/dspy-replies.js";
import { collectDataset } from "../src/dataset/collect.js";
import type { RunInfo } from "../src/pipeline/run-info.js";
import type { FinetuneConfig } from "../src/pipeline/config.js";

const MEASURED = "wall_ms: finetune() call to return, timed inside the child process (Node start-up and module loading excluded; see startup_ms, process_wall_ms)";

/**
 * The child: imports the pipeline, then times `finetune(config)` — with the CLI's defaults, console
 * log — and reports the time since its own start and the call's duration on the last line.
 */
const CHILD = `
const t0 = performance.now();
const { finetune } = await import(process.env.GRIDTUNE_BENCH_FINETUNE_URL);
const config = JSON.parse(process.env.GRIDTUNE_BENCH_CONFIG);
const t1 = performance.now();
const info = await finetune(config);
const t2 = performance.now();
process.exitCode = info.program.saved ? 0 : 1;
process.stdout.write("\\n@@gridtune-bench " + JSON.stringify({ start_ms: t1, import_ms: t1 - t0, finetune_ms: t2 - t1 }) + "\\n");
`;

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Spawn to exit, ms. */
  ms: number;
  /** The child's process start to the finetune() call (Node start-up, module loading), ms. */
  startupMs: number;
  finetuneMs: number;
}

function runFinetuneChild(config: Partial<FinetuneConfig>, env: NodeJS.ProcessEnv): Promise<ChildRun> {
  const url = new URL("../src/pipeline/finetune.js", import.meta.url).href;
  const t0 = performance.now();
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, GRIDTUNE_BENCH_FINETUNE_URL: url, GRIDTUNE_BENCH_CONFIG: JSON.stringify(config) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve) =>
    child.on("close", (code) => {
      const ms = performance.now() - t0;
      const m = /@@gridtune-bench (\{.*\})\s*$/.exec(stdout);
      const r = m ? (JSON.parse(m[1]!) as { start_ms: number; import_ms: number; finetune_ms: number }) : null;
      resolve({ code, stdout, stderr, ms, finetuneMs: r?.finetune_ms ?? NaN, startupMs: r?.start_ms ?? NaN });
    }),
  );
}

export interface PipelineBenchOptions {
  /** The server's delay per reply, ms (default 250, still faster than any hosted 70B model). */
  delayMs?: number;
  /** Examples in flight (default 4). */
  concurrency?: number;
  /** Steps sampled per category (default 12). */
  samplesPerCategory?: number;
  /** Episodes per env and seed of the generated dataset (default 3). */
  episodes?: number;
}

export interface PipelineBenchResult {
  server_delay_ms: number;
  concurrency: number;
  auto: "light";
  dataset: { steps: number; splits: { train: number; val: number; test: number } };
  calls: number;
  calls_by_role: Record<string, number>;
  trials: number;
  /** What `wall_ms` is. */
  measured: string;
  wall_ms: number;
  process_wall_ms: number;
  startup_ms: number;
  run_ms: number;
  lm_time_sum_ms: number;
  server_time_sum_ms: number;
  bound_ms: number;
  overhead_ms: number;
  overhead_ratio: number;
  busy_ms: number;
  idle_ms: number;
  idle_ratio: number;
  underfilled_ms: number;
  mean_in_flight: number;
  max_in_flight: number;
  timings_s: Record<string, number>;
  pass: boolean;
  pass_idle: boolean;
}

function unionLength(intervals: [number, number][]): number {
  intervals.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cur: [number, number] | null = null;
  for (const [s, e] of intervals) {
    if (!cur || s > cur[1]) {
      if (cur) total += cur[1] - cur[0];
      cur = [s, e];
    } else cur[1] = Math.max(cur[1], e);
  }
  if (cur) total += cur[1] - cur[0];
  return total;
}

export async function benchPipeline(options: PipelineBenchOptions = {}): Promise<PipelineBenchResult> {
  const delay = options.delayMs ?? 250;
  const concurrency = options.concurrency ?? 4;
  const root = mkdtempSync(join(tmpdir(), "gridtune-bench-pipeline-"));
  try {
    const dataset = join(root, "ds");
    collectDataset({ envIds: ["MiniGrid-Empty-5x5-v0", "BabyAI-GoToObj-v0", "MiniGrid-DoorKey-5x5-v0"], seeds: [0, 1, 2, 3], episodes: options.episodes ?? 3, out: dataset });
    const intervals: [number, number][] = [];
    const server = await LLMTestServer.start({
      delayMs: delay,
      replies: [
        {
          reply: (req: TestChatRequest) => {
            const end = performance.now();
            intervals.push([end - delay, end]);
            return dspyReply(req);
          },
        },
      ],
    });
    const out = join(root, "out");
    // `gridtune finetune --dataset-path D --output-dir O --auto light --samples-per-category S
    // --concurrency C --metric ai-feedback --no-progress`: the CLI passes these, its role defaults, and
    // resolveConfig supplies the rest.
    const config: Partial<FinetuneConfig> = {
      datasetPath: dataset,
      outputDir: out,
      auto: "light",
      samplesPerCategory: options.samplesPerCategory ?? 12,
      concurrency,
      metric: "ai-feedback",
      teacherGroq: true,
      studentGroq: false,
      assessorGroq: true,
    };
    const r = await runFinetuneChild(
      config,
      {
        GROQ_BASE_URL: server.openaiBaseUrl,
        GROQ_API_KEY: "gsk_bench",
        OLLAMA_HOST: server.ollamaHost,
        GRIDTUNE_CACHE_DIR: join(root, "cache"),
        GRIDTUNE_NO_CACHE: "1",
        GRIDTUNE_RETRY_BASE_MS: "0",
      },
    );
    const wall = r.finetuneMs;
    const maxInFlight = server.maxInFlight;
    await server.close();
    if (r.code !== 0 || !Number.isFinite(wall)) throw new Error(`the benchmark run failed (exit ${r.code}):\n${r.stderr}\n${r.stdout.slice(-2000)}`);
    const infoFile = readdirSync(out).find((f) => f.endsWith("_info.json"))!;
    const info = JSON.parse(readFileSync(join(out, infoFile), "utf8")) as RunInfo;
    const n = intervals.length;
    const serverSum = n * delay;
    const sum = (info.timings["lm_request_time_s"] ?? serverSum / 1000) * 1000;
    const bound = sum / concurrency;
    const busy = unionLength(intervals);
    const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      server_delay_ms: delay,
      concurrency,
      auto: "light",
      dataset: { steps: info.dataset.total_steps, splits: info.dataset.splits },
      calls: n,
      calls_by_role: Object.fromEntries(Object.entries(info.usage.by_role).map(([k, v]) => [k, v.calls])),
      trials: info.optimization?.trials ?? 0,
      measured: MEASURED,
      wall_ms: round(wall),
      process_wall_ms: round(r.ms),
      startup_ms: round(r.startupMs),
      run_ms: round((info.timings["total_s"] ?? 0) * 1000),
      lm_time_sum_ms: round(sum),
      server_time_sum_ms: serverSum,
      bound_ms: round(bound),
      overhead_ms: round(wall - bound),
      overhead_ratio: round((wall - bound) / bound, 3),
      busy_ms: round(busy),
      idle_ms: round(wall - busy),
      idle_ratio: round((wall - busy) / bound, 3),
      underfilled_ms: round(wall - bound - (wall - busy)),
      mean_in_flight: round(serverSum / busy, 2),
      max_in_flight: maxInFlight,
      timings_s: info.timings,
      pass: (wall - bound) / bound < 0.2,
      pass_idle: (wall - busy) / bound < 0.2,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
