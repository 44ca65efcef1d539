/**
 * `gridtune evaluate --benchmark balrog-babyai`: BALROG's BabyAI protocol for LMs (`--model`, BALROG's
 * naive agent), a trained agent (`--model-path`) and/or the BabyAI bot (`--bot`), side by side; prints
 * BALROG's summary per agent and one comparison table, and names the run record.
 */
import { UserError } from "../../util/errors.js";
import { interruptSignal, progressBars } from "./pipeline-shared.js";

/** `--temperature`: a number ≥ 0. */
export function temperatureFlag(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new UserError(`--temperature must be a number ≥ 0, got '${v}'`);
  return n;
}

/** The benchmarks `--benchmark` knows. */
export const BENCHMARKS = ["balrog-babyai"] as const;

/** The flags of `evaluate` the benchmark reads. */
export interface BenchmarkFlags {
  benchmark: string;
  model?: string[];
  modelPath?: string;
  studentModel?: string;
  history?: number;
  bot?: boolean;
  seed: number;
  episodes: number;
  tasks?: string;
  maxSteps?: number;
  temperature?: number;
  maxTokens?: number;
  concurrency: number;
  out?: string;
  json?: boolean;
  progress: boolean;
}

export async function runBenchmarkCommand(opts: BenchmarkFlags): Promise<void> {
  if (!(BENCHMARKS as readonly string[]).includes(opts.benchmark)) throw new UserError(`--benchmark: unknown benchmark '${opts.benchmark}'; use ${BENCHMARKS.join(", ")}`);
  const { runBalrogBabyAIBenchmark, balrogSummaryLines, balrogComparisonRows } = await import("../../pipeline/benchmarks/balrog-babyai/index.js");
  const { table, usageTable } = await import("../../pipeline/report.js");
  const progress = progressBars(opts.progress !== false && !opts.json);
  const interrupt = interruptSignal(() => progress.finish());
  try {
    const run = await runBalrogBabyAIBenchmark(
      {
        ...(opts.model ? { models: opts.model } : {}),
        ...(opts.modelPath !== undefined ? { modelPath: opts.modelPath } : {}),
        ...(opts.studentModel !== undefined ? { studentModel: opts.studentModel } : {}),
        ...(opts.history !== undefined ? { history: opts.history } : {}),
        ...(opts.bot ? { bot: true } : {}),
        seed: opts.seed,
        episodesPerTask: opts.episodes,
        ...(opts.tasks ? { tasks: opts.tasks.split(",").map((t) => t.trim()).filter(Boolean) } : {}),
        ...(opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}),
        ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
        ...(opts.maxTokens !== undefined ? { maxTokens: opts.maxTokens } : {}),
        concurrency: opts.concurrency,
        ...(opts.out !== undefined ? { out: opts.out } : {}),
      },
      { signal: interrupt.signal, progress },
    );
    progress.finish();
    const { result, recordPath } = run;
    if (opts.json) {
      console.log(JSON.stringify({ record: recordPath, config: result.config, runs: result.runs.map((r) => ({ name: r.name, agent: r.agent, summary: r.summary })) }));
    } else {
      for (const r of result.runs) {
        console.log(`\n🧪 ${r.name}`);
        for (const l of balrogSummaryLines(r.summary)) console.log(l);
      }
      const t = balrogComparisonRows(result.runs);
      console.log("\n📊 BALROG BabyAI progression (% ± standard error)");
      console.log(table(t.header, t.rows));
      console.log("\n💰 LM usage:");
      console.log(usageTable(run.usage));
      console.log(`\n💾 Run record (every episode's trajectory): ${recordPath}`);
    }
    const failed = result.runs.reduce((n, r) => n + r.summary.failed_episodes, 0);
    if (failed > 0) {
      console.log(`⚠️ degraded: ${failed} episode(s) failed (the player's LM call errored) and are left out of the figures; see "error" in the record`);
      process.exitCode = 1;
    } else if (!opts.json) console.log(`✅ completed: ${result.runs.length} agent(s) × ${result.runs[0]?.episodes.length ?? 0} episodes`);
  } finally {
    progress.finish();
    interrupt.dispose();
  }
}
