/**
 * The start job (what `gridtune start` and `npm start` run): the whole pipeline out of the box, end to
 * end and small.
 *
 * 1. The LM: with a Groq key, teacher and assessor on Groq and the student on the embedded llama.cpp
 *    runtime; without one, all three roles on llama.cpp. The local model is `localModel` (default:
 *    GRIDTUNE_LOCAL_MODEL, a .gguf path or an hf: URI), else a small instruct GGUF downloaded once into
 *    the cache. Offline and without the file it stops at once, before writing anything, and says how to
 *    provide one.
 * 2. A small dataset, collected once by the expert (reused when present).
 * 3. The pipeline ({@link finetune}) sized to finish in minutes on a laptop CPU.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { collect, type CollectResult } from "../dataset/collect.js";
import { MANIFEST_FILE } from "../dataset/record.js";
import { LMRuntime } from "../lm/runtime.js";
import { resolveGgufPath } from "../lm/providers/llamacpp.js";
import { UserError } from "../util/errors.js";
import type { ProgressCallback } from "../util/progress.js";
import type { FinetuneConfig } from "./config.js";
import { finetune, type FinetuneResult } from "./finetune.js";

/** The start job's default local model: Qwen2.5 0.5B Instruct, Q4_K_M (~400 MB), downloaded once. */
export const DEFAULT_LOCAL_MODEL = "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf";

/** The envs of the start job's dataset (× seeds 0–3 × 2 episodes). */
export const START_ENVS: readonly string[] = ["MiniGrid-Empty-5x5-v0", "BabyAI-GoToObj-v0", "MiniGrid-DoorKey-5x5-v0"];

/** The Groq model the start job gives the teacher and the assessor when a Groq key is set. */
const GROQ_MODEL = "groq/llama-3.3-70b-versatile";

/** Options of {@link runStartJob}; every one has a default, so `runStartJob()` is the whole `gridtune start`. */
export interface StartJobOptions {
  /** Where the dataset (`<dir>/dataset`) and the models (`<dir>/saved_llm_models`) go (default "gridtune-start"). */
  dir?: string;
  /** Seed of the run (default 0). */
  seed?: number;
  /**
   * The local model: a .gguf path or an `hf:` URI (default: the GRIDTUNE_LOCAL_MODEL variable, else
   * {@link DEFAULT_LOCAL_MODEL}).
   */
  localModel?: string;
  /** Teacher and assessor on Groq (default: when GROQ_API_KEY is set, from the environment or .env). */
  useGroq?: boolean;
  /** Whether an `hf:` model missing from the cache may be downloaded (default: unless GRIDTUNE_OFFLINE=1). */
  download?: boolean;
  /** Draw the model download's progress bar on stderr (default false). */
  downloadProgress?: boolean;
  /**
   * The reply token cap of every role when GRIDTUNE_MAX_TOKENS is unset (default 384: small replies
   * keep a CPU run short).
   */
  maxTokens?: number;
  /** Pipeline settings over the job's small ones (models, output directory and dataset are the job's unless given). */
  finetune?: Partial<FinetuneConfig>;
}

/** What {@link runStartJob} listens to and reports to. */
export interface StartJobHooks {
  /** Cancels the job: the model download, the collection (nothing half-written) and the pipeline. */
  signal?: AbortSignal;
  /** Phases `collect` (per episode), then the pipeline's (`bootstrap`, `propose`, `search`, `evaluate`, `test`). */
  progress?: ProgressCallback;
  /** The console story, one line at a time (default: console.log). */
  log?: (line: string) => void;
  /**
   * The LM runtime (settings, limits, usage meter); default a new one with the job's token cap,
   * disposed at the end. A given runtime's GRIDTUNE_MAX_TOKENS setting is used as it is.
   */
  runtime?: LMRuntime;
  /** Check every role's model (the local file's context included) before the pipeline; default true. */
  preflight?: boolean;
}

/** What the start job did: where things are, which models played which role, and the run record. */
export interface StartJobResult {
  /** The job's directory (absolute). */
  dir: string;
  /** The dataset directory (`<dir>/dataset`). */
  datasetDir: string;
  /** The collection this job made, or null when it reused the dataset already in `datasetDir`. */
  collected: CollectResult | null;
  /** The local GGUF file the llama.cpp roles run. */
  localModelPath: string;
  /** The model ids of the three roles. */
  models: { teacher: string; student: string; assessor: string };
  /** Where the run's files went (`<dir>/saved_llm_models` unless overridden). */
  outputDir: string;
  /** The saved agent (`<outputDir>/<model_name>.json`), or null when none was saved. */
  programPath: string | null;
  /** The run record (the data of `<model_name>_info.json`). */
  run: FinetuneResult;
}

/**
 * Runs the start job — what `gridtune start` does, without the terminal: resolves (or downloads) the
 * local model, collects a small dataset once, then fine-tunes, evaluates and saves an agent with
 * settings sized for a laptop CPU.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * process.once("SIGINT", () => controller.abort(new Error("interrupted")));
 * const job = await runStartJob(
 *   { dir: "my-first-agent", localModel: "./qwen2.5-0.5b-instruct-q4_k_m.gguf" },
 *   { signal: controller.signal, progress: (e) => console.error(e.phase, e.done, e.total), log: () => {} },
 * );
 * console.log(job.programPath, job.run.scores);
 * ```
 *
 * @throws UserError when the local model is not available (offline, not in the cache), saying how to provide one.
 */
export async function runStartJob(options: StartJobOptions = {}, hooks: StartJobHooks = {}): Promise<StartJobResult> {
  const log = hooks.log ?? ((line: string) => console.log(line));
  const { signal, progress } = hooks;
  signal?.throwIfAborted();
  let runtime = hooks.runtime;
  if (!runtime) {
    runtime = new LMRuntime({ log: (line) => log(`  ↻ ${line}`) });
    // The job's small token cap, unless GRIDTUNE_MAX_TOKENS sets one.
    if (runtime.settings.maxTokens === undefined || options.maxTokens !== undefined) runtime = new LMRuntime({ log: (line) => log(`  ↻ ${line}`), settings: { maxTokens: options.maxTokens ?? 384 } });
  }
  const config = runtime.config;
  const local = options.localModel ?? (runtime.settings.localModel || DEFAULT_LOCAL_MODEL);
  const useGroq = options.useGroq ?? Boolean(config.groqApiKey);
  const download = options.download ?? !runtime.settings.offline;
  log("🚀 gridtune start: a small end-to-end fine-tuning job");
  log(useGroq ? "   GROQ_API_KEY is set: teacher and assessor on Groq, the student on a local llama.cpp model" : "   no API key set: teacher, student and assessor on a local llama.cpp model");

  // 1. The local model first: offline without the file, stop before any other work.
  const modelsDir = join(config.cacheDir, "models");
  let localModelPath: string;
  try {
    localModelPath = await resolveGgufPath(local, { modelsDir, download, progress: options.downloadProgress ?? false, ...(signal ? { signal } : {}) });
  } catch (e) {
    signal?.throwIfAborted();
    throw new UserError(
      `${(e as Error).message}\n` +
        `To run \`npm start\` offline, put a small instruct .gguf model on this machine and point GRIDTUNE_LOCAL_MODEL at it ` +
        `(e.g. GRIDTUNE_LOCAL_MODEL=./qwen2.5-0.5b-instruct-q4_k_m.gguf npm start), or copy it into ${modelsDir}; ` +
        `or set GROQ_API_KEY to use Groq for the teacher and the assessor.`,
    );
  }
  const localId = `llamacpp/${localModelPath}`;
  log(`   local model: ${localModelPath}`);

  // 2. A small dataset, collected once.
  const dir = resolve(options.dir ?? "gridtune-start");
  const datasetDir = join(dir, "dataset");
  let collected: CollectResult | null = null;
  if (!existsSync(join(datasetDir, MANIFEST_FILE))) {
    log(`\n📦 Collecting expert demonstrations: ${START_ENVS.join(", ")} × seeds 0–3 × 2 episodes → ${datasetDir}`);
    collected = await collect({ envIds: [...START_ENVS], seeds: [0, 1, 2, 3], episodes: 2, out: datasetDir }, { signal, progress });
    log(`   ${collected.manifest.counts.episodes} episodes, ${collected.manifest.counts.steps} steps in ${collected.seconds.toFixed(1)} s`);
  } else log(`\n📦 Reusing the dataset in ${datasetDir}`);

  // 3. The pipeline, sized for a laptop CPU.
  const models = { teacher: useGroq ? GROQ_MODEL : localId, student: localId, assessor: useGroq ? GROQ_MODEL : localId };
  const settings: Partial<FinetuneConfig> = {
    datasetPath: datasetDir,
    teacherModel: models.teacher,
    assessorModel: models.assessor,
    studentModel: models.student,
    outputDir: join(dir, "saved_llm_models"),
    samplesPerCategory: 2,
    maxBootstrappedDemos: 1,
    numTrials: 2,
    numCandidates: 2,
    minibatchSize: 10,
    maxEval: 6,
    concurrency: 2,
    seed: options.seed ?? 0,
    ...options.finetune,
  };
  models.teacher = settings.teacherModel ?? models.teacher;
  models.student = settings.studentModel ?? models.student;
  models.assessor = settings.assessorModel ?? models.assessor;
  try {
    const run = await finetune(settings, { signal, progress, log, runtime, ...(hooks.preflight === false ? { preflight: false } : {}) });
    return { dir, datasetDir, collected, localModelPath, models, outputDir: settings.outputDir!, programPath: run.files.program, run };
  } finally {
    if (!hooks.runtime) await runtime.dispose();
  }
}
