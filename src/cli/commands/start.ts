/**
 * `gridtune start` (what `npm start` runs): the main job out of the box, end to end and small.
 *
 * 1. The LM: with GROQ_API_KEY set, teacher and assessor on Groq and the student on the embedded
 *    llama.cpp runtime; without a key, all three roles on llama.cpp. The local model is
 *    GRIDTUNE_LOCAL_MODEL (a .gguf path or an hf: URI), else a small instruct GGUF downloaded once
 *    into the cache with a progress bar. Offline and without the file it stops at once and says how
 *    to provide one (GRIDTUNE_OFFLINE=1 skips the download attempt).
 * 2. A small default dataset, collected once by the expert (reused when present).
 * 3. The pipeline (`finetune`) sized to finish in minutes on a laptop CPU; then what to run next.
 *
 * `--tour` shows the old tour instead: the env list and a rendered random rollout.
 */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { listEnvIds, makeEnv } from "../../minigrid/registry.js";
import { NumpyGenerator } from "../../minigrid/rng.js";
import { ACTION_NAMES } from "../../minigrid/constants.js";
import { UserError } from "../../util/errors.js";
import { intFlag, interruptSignal, progressBars } from "./pipeline-shared.js";

/** The default local model: Qwen2.5 0.5B Instruct, Q4_K_M (~400 MB), downloaded once. */
export const DEFAULT_LOCAL_MODEL = "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf";
export const START_ENVS = ["MiniGrid-Empty-5x5-v0", "BabyAI-GoToObj-v0", "MiniGrid-DoorKey-5x5-v0"];

interface Opts {
  dir: string;
  seed: number;
  tour?: boolean;
  env: string;
  steps: string;
  progress: boolean;
}

export function register(program: Command): void {
  program
    .command("start")
    .description("the main job: collect a small dataset, then fine-tune, evaluate and save an agent (local llama.cpp model unless GROQ_API_KEY is set)")
    .option("--dir <dir>", "where the dataset and the models go", "gridtune-start")
    .option("--seed <n>", "seed of the run", intFlag("--seed", 0), 0)
    .option("--tour", "instead: the env list and a rendered random rollout")
    .option("--env <id>", "env of the tour's rollout", "MiniGrid-DoorKey-8x8-v0")
    .option("--steps <n>", "random steps of the tour", "12")
    .option("--no-progress", "no progress bars")
    .action(async (opts: Opts) => {
      if (opts.tour) return tour(opts);
      await mainJob(opts);
    });
}

async function mainJob(opts: Opts): Promise<void> {
  const { loadLMConfig, resolveGgufPath } = await import("../../lm/index.js");
  const config = loadLMConfig();
  const offline = process.env.GRIDTUNE_OFFLINE === "1";
  const local = process.env.GRIDTUNE_LOCAL_MODEL?.trim() || DEFAULT_LOCAL_MODEL;
  const useGroq = Boolean(config.groqApiKey);
  console.log("🚀 gridtune start: a small end-to-end fine-tuning job");
  console.log(useGroq ? "   GROQ_API_KEY is set: teacher and assessor on Groq, the student on a local llama.cpp model" : "   no API key set: teacher, student and assessor on a local llama.cpp model");

  // 1. The local model first: offline without the file, stop before any other work.
  let modelPath: string;
  try {
    modelPath = await resolveGgufPath(local, { modelsDir: join(config.cacheDir, "models"), download: !offline, progress: opts.progress !== false });
  } catch (e) {
    throw new UserError(
      `${(e as Error).message}\n` +
        `To run \`npm start\` offline, put a small instruct .gguf model on this machine and point GRIDTUNE_LOCAL_MODEL at it ` +
        `(e.g. GRIDTUNE_LOCAL_MODEL=./qwen2.5-0.5b-instruct-q4_k_m.gguf npm start), or copy it into ${join(config.cacheDir, "models")}; ` +
        `or set GROQ_API_KEY to use Groq for the teacher and the assessor.`,
    );
  }
  const localId = `llamacpp/${modelPath}`;
  console.log(`   local model: ${modelPath}`);

  // 2. A small dataset, collected once.
  const dir = resolve(opts.dir);
  const dataset = join(dir, "dataset");
  if (!existsSync(join(dataset, "manifest.json"))) {
    const { collectDataset } = await import("../../dataset/collect.js");
    console.log(`\n📦 Collecting expert demonstrations: ${START_ENVS.join(", ")} × seeds 0–3 × 2 episodes → ${dataset}`);
    const r = collectDataset({ envIds: START_ENVS, seeds: [0, 1, 2, 3], episodes: 2, out: dataset });
    console.log(`   ${r.manifest.counts.episodes} episodes, ${r.manifest.counts.steps} steps in ${r.seconds.toFixed(1)} s`);
  } else console.log(`\n📦 Reusing the dataset in ${dataset}`);

  // 3. The pipeline, sized for a laptop CPU.
  process.env.GRIDTUNE_MAX_TOKENS ??= "384";
  const { finetune } = await import("../../pipeline/finetune.js");
  const progress = progressBars(opts.progress !== false);
  const interrupt = interruptSignal(() => progress.finish());
  try {
    const info = await finetune(
      {
        datasetPath: dataset,
        teacherModel: useGroq ? "groq/llama-3.3-70b-versatile" : localId,
        assessorModel: useGroq ? "groq/llama-3.3-70b-versatile" : localId,
        studentModel: localId,
        outputDir: join(dir, "saved_llm_models"),
        samplesPerCategory: 2,
        maxBootstrappedDemos: 1,
        numTrials: 2,
        numCandidates: 2,
        minibatchSize: 10,
        maxEval: 6,
        concurrency: 2,
        seed: opts.seed,
      },
      { signal: interrupt.signal, progress },
    );
    progress.finish();
    const model = info.files.program;
    console.log("\nNext:");
    if (model) {
      console.log(`  gridtune evaluate --model-path ${model} --env MiniGrid-Empty-5x5-v0 --episodes 3   # the agent acting`);
      console.log(`  gridtune play --model-path ${model} --env BabyAI-GoToObj-v0 --seed 1               # play alongside it`);
    }
    console.log(`  gridtune serve --runs ${join(dir, "saved_llm_models")}                                  # the dashboard`);
    console.log("  gridtune finetune --help                                                   # the full pipeline (Groq, Ollama, …)");
  } finally {
    progress.finish();
    interrupt.dispose();
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
