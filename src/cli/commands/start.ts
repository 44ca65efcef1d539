/**
 * `gridtune start` (what `npm start` runs): the main job out of the box, end to end and small — the
 * library's `runStartJob` (src/pipeline/start-job.ts: the local model, a small dataset collected once,
 * the pipeline sized for a laptop CPU) with progress bars, Ctrl-C and what to run next.
 *
 * `--tour` shows the old tour instead: the env list and a rendered random rollout.
 */
import type { Command } from "commander";
import { join } from "node:path";
import { listEnvIds, makeEnv } from "../../minigrid/registry.js";
import { NumpyGenerator } from "../../minigrid/rng.js";
import { ACTION_NAMES } from "../../minigrid/constants.js";
import { intFlag, interruptSignal, progressBars } from "./pipeline-shared.js";
import { addLMOptions, type LMFlags } from "../lm-options.js";

export { DEFAULT_LOCAL_MODEL, START_ENVS } from "../../pipeline/start-job.js";

interface Opts extends LMFlags {
  dir: string;
  seed: number;
  tour?: boolean;
  env: string;
  steps: string;
  progress: boolean;
}

export function register(program: Command): void {
  const command = program
    .command("start")
    .description("the main job: collect a small dataset, then fine-tune, evaluate and save an agent (local llama.cpp model unless GROQ_API_KEY is set)")
    .option("--dir <dir>", "where the dataset and the models go", "gridtune-start")
    .option("--seed <n>", "seed of the run", intFlag("--seed", 0), 0)
    .option("--tour", "instead: the env list and a rendered random rollout")
    .option("--env <id>", "env of the tour's rollout", "MiniGrid-DoorKey-8x8-v0")
    .option("--steps <n>", "random steps of the tour", "12")
    .option("--no-progress", "no progress bars");
  addLMOptions(command).action(async (opts: Opts) => {
      if (opts.tour) return tour(opts);
      await mainJob(opts);
    });
}

async function mainJob(opts: Opts): Promise<void> {
  const { runStartJob } = await import("../../pipeline/start-job.js");
  const { LMRuntime } = await import("../../lm/runtime.js");
  const { stderrLog } = await import("../lm-options.js");
  // The job's own token cap (384) applies unless GRIDTUNE_MAX_TOKENS says otherwise.
  const probe = new LMRuntime();
  const runtime = new LMRuntime({
    log: stderrLog,
    settings: {
      maxTokens: probe.settings.maxTokens ?? 384,
      ...(opts.timeout !== undefined ? { timeoutMs: opts.timeout } : {}),
      ...(opts.rpm !== undefined ? { requestsPerMinute: opts.rpm } : {}),
      ...(opts.tpm !== undefined ? { tokensPerMinute: opts.tpm } : {}),
      ...(opts.maxConcurrency !== undefined ? { maxConcurrency: opts.maxConcurrency } : {}),
    },
  });
  const progress = progressBars(opts.progress !== false);
  const interrupt = interruptSignal(() => progress.finish());
  const { EXIT_CODES, outcomeLine, RunFailedError } = await import("../../pipeline/outcome.js");
  try {
    const job = await runStartJob(
      { dir: opts.dir, seed: opts.seed, downloadProgress: opts.progress !== false },
      { signal: interrupt.signal, progress, log: (line) => console.log(line), runtime, preflight: opts.preflight !== false },
    );
    progress.finish();
    const model = job.programPath;
    console.log("\nNext:");
    if (model && job.run.status === "completed") {
      console.log(`  gridtune evaluate --model-path ${model} --env MiniGrid-Empty-5x5-v0 --episodes 3   # the agent acting`);
      console.log(`  gridtune play --model-path ${model} --env BabyAI-GoToObj-v0 --seed 1               # play alongside it`);
    }
    console.log(`  gridtune serve --runs ${job.outputDir}                                  # the dashboard`);
    console.log("  gridtune finetune --help                                                   # the full pipeline (Groq, Ollama, …)");
    // The last line says how the run ended, as the exit code does.
    console.log("\n" + outcomeLine(job.run.status, job.run.outcome_message || `model saved to ${model}`));
    process.exitCode = EXIT_CODES[job.run.status];
  } catch (e) {
    if (!(e instanceof RunFailedError)) throw e;
    process.exitCode = e.exitCode; // the story's last line said it
  } finally {
    progress.finish();
    interrupt.dispose();
    await runtime.dispose();
  }
}

async function tour(opts: Opts): Promise<void> {
  const ids = listEnvIds();
  const families = new Set(ids.map((id) => id.split("-")[0]));
  console.log(`gridtune: ${ids.length} environments (${[...families].join(", ")}). \`gridtune envs\` lists them.`);
  const env = makeEnv(opts.env);
  env.reset({ seed: opts.seed });
  console.log(`\n${opts.env} seed ${opts.seed}: ${env.mission}`);
  const policy = new NumpyGenerator(opts.seed);
  const render = await import("../../minigrid/render/index.js");
  const actions: string[] = [];
  for (let t = 0; t < Number(opts.steps); t++) {
    const a = [0, 1, 2, 2, 2, 3, 5][policy.integers(0, 7)]!;
    const r = env.step(a);
    actions.push(ACTION_NAMES[a]!);
    if (r.terminated || r.truncated) break;
  }
  console.log(`random actions: ${actions.join(", ")}`);
  console.log(render.renderAnsi(env, { color: Boolean(process.stdout.isTTY) }));
  const out = join(opts.dir === "gridtune-start" ? "." : opts.dir, "gridtune-start.png");
  const { writeFileAtomic } = await import("../../util/atomic-write.js");
  writeFileAtomic(out, render.encodePng(render.renderFull(env, { tileSize: 32, highlight: true })));
  console.log(`saved ${out}`);
}
