/**
 * BootstrapFinetune (dspy/teleprompt/bootstrap_finetune.py, bootstrap_trace.py, clients/openai.py):
 * distils a teacher program into the student's model weights.
 *
 * 1. The teacher (default: the student itself; a list is allowed) runs over the trainset with traces,
 *    `numThreads` at a time. Runs that throw are dropped; with a metric, a run is kept when
 *    `metric(example, prediction) > 0` (DSPy keeps any truthy score, so its −1 format penalty slips
 *    through; without a metric every run that finished is kept).
 * 2. Every predictor call in a kept trace becomes one chat-format training record, exactly as DSPy
 *    builds it: `ChatAdapter.formatFinetuneData(teacherPredictor.signature, demos, inputs, outputs)` —
 *    system message, demo turns (unless `excludeDemos`), the user turn with the output reminder, and
 *    the assistant turn `[[ ## field ## ]] … [[ ## completed ## ]]`. With `multitask` (default) every
 *    call trains every predictor's LM; otherwise predictor i learns from the i-th call of each trace.
 *    Records are shuffled with Python's `Random(0)` and written as JSONL (one file per student LM).
 * 3. For a student LM on a provider with a fine-tuning API (`openai/…`, `openai-compatible/…`), the
 *    file is uploaded, a job is started and polled until it ends. Success points the student's
 *    predictors at the fine-tuned model; a failed or cancelled job throws
 *    {@link FinetuneJobError} — never a silent fallback to the base model.
 * 4. For other students (Ollama, llama.cpp, …) the JSONL and {@link localFinetuneRecipe} are the
 *    output (`report.local`); the student is returned unchanged.
 *
 * Every student predictor needs its own LM (`student.setLM(lm)`), as in DSPy.
 *
 * ```ts
 * student.setLM(lm("openai/gpt-4o-mini-2024-07-18", { role: "student" }));
 * const { program, report } = await new BootstrapFinetune({ metric }).compile(student, { trainset, teacher });
 * ```
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type LMConfig, loadLMConfig } from "../../lm/config.js";
import { ManagedLM, lm as makeManagedLM } from "../../lm/lm.js";
import { FinetuneJobError, runFinetuneJob } from "../../lm/finetune-job.js";
import type { LMRuntime } from "../../lm/runtime.js";
import type { ChatMessage, LM } from "../../lm/types.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import type { ProgressCallback } from "../../util/progress.js";
import { ChatAdapter } from "../adapters/chat.js";
import { Evaluate, type Metric } from "../evaluate.js";
import type { Example, Prediction } from "../example.js";
import type { CallOptions, Inputs, Module, TraceEntry } from "../module.js";
import { assertSameStructure, sleep, throwIfStopped } from "./program-tools.js";
import { unwrapLM } from "./lm-wrappers.js";
import { PyRandom } from "./py-random.js";

/** One training record: OpenAI's chat fine-tuning format. */
export interface ChatTrainingRecord {
  messages: ChatMessage[];
}

/**
 * Options of {@link BootstrapFinetune}: the metric that keeps teacher runs, the job's hyperparameters,
 * where the data goes, API or local mode, polling.
 */
export interface BootstrapFinetuneOptions {
  /** Keeps a teacher run when `metric(example, prediction) > 0`. Without one, every finished run is kept. */
  metric?: Metric;
  /** Train every predictor's LM on every call of the trace (default true). */
  multitask?: boolean;
  /** Hyperparameters for the job (`{n_epochs: 3, batch_size: 1, learning_rate_multiplier: 2}`). */
  trainKwargs?: Record<string, unknown>;
  /** Formats the records (default ChatAdapter; only the chat format is supported, as in DSPy). */
  adapter?: ChatAdapter;
  /** Leave demos out of the records, and clear the student's demos (default false). */
  excludeDemos?: boolean;
  /** Teacher runs at once (default 8). */
  numThreads?: number;
  /** Where the JSONL files go (default `<GRIDTUNE_CACHE_DIR>/finetune`). */
  dataDir?: string;
  /** "auto" (default): the API for openai/ and openai-compatible/ students, data only otherwise. */
  mode?: "auto" | "api" | "local";
  /** The run's LM runtime: its configuration, fine-tuning jobs and the fine-tuned model's LM. */
  runtime?: LMRuntime;
  /** Base URLs and keys (default the runtime's, else `loadLMConfig()`). */
  lmConfig?: LMConfig;
  /** Overrides the fine-tuning endpoint (default: the student LM's server). */
  baseUrl?: string;
  /** Overrides the key (default OPENAI_API_KEY, or OPENAI_COMPATIBLE_API_KEY for openai-compatible/). */
  apiKey?: string;
  /** Between job polls (default 20 s, as DSPy). */
  pollIntervalMs?: number;
  /** Give up waiting after this long (the job keeps running at the provider). */
  maxWaitMs?: number;
  /** The job's model-name suffix. */
  suffix?: string;
  /**
   * Builds the LM for a fine-tuned model id (`openai/ft:…`). Default: `lm(id)` with the base LM's
   * server, config, usage tracker, limiter and cache (when the base is a `ManagedLM`).
   */
  makeLM?: (modelId: string, base: LM) => LM;
  /** `{phase: "traces"}` per teacher run, `{phase: "finetune"}` per job status. */
  progress?: ProgressCallback;
  log?: (line: string) => void;
}

/**
 * What {@link BootstrapFinetune.compile} runs on: the training set, the teacher program(s), the LM and a
 * signal.
 */
export interface BootstrapFinetuneCompileOptions {
  trainset: readonly Example[];
  /** The teacher program(s); default the student. */
  teacher?: Module | readonly Module[];
  /** The LM for teacher predictors without their own. */
  lm?: LM;
  signal?: AbortSignal;
}

/**
 * One fine-tuning job started through a provider's API: its base model, predictors, data, ids, status and
 * the fine-tuned model.
 */
export interface FinetuneJobRecord {
  baseModel: string;
  /** The predictors this job trains (indices into `student.predictors()`). */
  predictors: number[];
  dataPath: string;
  records: number;
  fileId: string;
  jobId: string;
  status: string;
  fineTunedModel: string;
}

/**
 * The training data written for a student no API can fine-tune, with a recipe to train and serve it
 * locally.
 */
export interface LocalFinetuneOutput {
  baseModel: string;
  predictors: number[];
  dataPath: string;
  records: number;
  /** How to train and serve this model from the JSONL (see {@link localFinetuneRecipe}). */
  recipe: string;
}

/** What one {@link BootstrapFinetune} compile did: teacher runs, API jobs and local outputs. */
export interface BootstrapFinetuneReport {
  /** Teacher runs over the trainset (all teachers), runs that finished, runs kept. */
  traces: { runs: number; finished: number; kept: number };
  jobs: FinetuneJobRecord[];
  local: LocalFinetuneOutput[];
}

/** The program {@link BootstrapFinetune} returns (its predictors on the fine-tuned LMs) and its report. */
export interface BootstrapFinetuneResult<P extends Module> {
  program: P;
  report: BootstrapFinetuneReport;
}

export { FinetuneJobError };

/** One teacher run, with its trace. */
export interface TraceRecord {
  exampleIndex: number;
  example: Example;
  prediction: Prediction;
  trace: TraceEntry[];
  score: number | null;
}

/**
 * DSPy's `bootstrap_trace_data`: runs `program` on every example (concurrently) and keeps each run's
 * trace. Runs that throw are left out; the metric (if any) is called without a trace.
 */
export async function bootstrapTraceData(
  program: Module,
  dataset: readonly Example[],
  options: { metric?: Metric; numThreads?: number; lm?: LM; signal?: AbortSignal; progress?: ProgressCallback } = {},
): Promise<TraceRecord[]> {
  const traces = new WeakMap<Prediction, TraceEntry[]>();
  const traced = {
    async call(inputs: Inputs, callOptions: CallOptions = {}) {
      const trace: TraceEntry[] = [];
      const prediction = await program.call(inputs, { ...callOptions, trace });
      traces.set(prediction, trace);
      return prediction;
    },
  };
  const metric = options.metric;
  const evaluation = new Evaluate({
    devset: dataset,
    metric: (example, prediction) => (metric ? metric(example, prediction) : true),
    numThreads: options.numThreads ?? 8,
    maxErrors: dataset.length * 10,
    ...(options.progress ? { progress: (e) => options.progress!({ ...e, phase: "traces" }) } : {}),
    callOptions: { ...(options.lm ? { lm: options.lm } : {}), ...(options.signal ? { signal: options.signal } : {}) },
  });
  let result;
  try {
    result = await evaluation.run(traced);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw error;
  }
  const out: TraceRecord[] = [];
  for (const r of result.results) {
    const trace = traces.get(r.prediction);
    if (r.error !== undefined || !trace) continue;
    out.push({ exampleIndex: r.index, example: r.example, prediction: r.prediction, trace, score: metric ? r.score : null });
  }
  return out;
}

/** DSPy's `build_call_data_from_trace`: the training record for step `i` of a trace. */
export function buildCallData(trace: readonly TraceEntry[], i: number, adapter: ChatAdapter, excludeDemos: boolean): ChatTrainingRecord {
  const { predictor, inputs, prediction } = trace[i]!;
  return adapter.formatFinetuneData(predictor.signature, excludeDemos ? [] : predictor.demos, inputs, prediction.toDict());
}

/** Records as JSONL, one compact JSON object a line (what DSPy's orjson writes). */
export function toJsonl(records: readonly ChatTrainingRecord[]): string {
  return records.map((r) => JSON.stringify(r) + "\n").join("");
}

/** How to fine-tune a local student from the JSONL (DSPy's LocalProvider defaults), and serve it. */
export function localFinetuneRecipe(dataPath: string, baseModel: string): string {
  return [
    `Fine-tune ${baseModel} locally on ${dataPath} (OpenAI chat format, one {"messages": [...]} per line):`,
    "  1. Get the base model's Hugging Face weights (not the GGUF), e.g. meta-llama/Llama-3.1-8B-Instruct.",
    "  2. Supervised fine-tuning with TRL, DSPy's LocalProvider settings: 5 epochs, batch size 1, gradient",
    "     accumulation 8, learning rate 1e-5, packing, bf16, loss on assistant tokens only; optional LoRA",
    "     r=32, alpha=64, dropout=0.05:",
    `       trl sft --model_name_or_path <hf-model> --dataset_name json --data_files ${dataPath} \\`,
    "         --num_train_epochs 5 --per_device_train_batch_size 1 --gradient_accumulation_steps 8 \\",
    "         --learning_rate 1e-5 --packing --bf16 --assistant_only_loss \\",
    "         --use_peft --lora_r 32 --lora_alpha 64 --lora_dropout 0.05 --output_dir ft-out",
    "  3. Merge the LoRA adapter into the weights (peft's merge_and_unload) and convert to GGUF:",
    "       python llama.cpp/convert_hf_to_gguf.py ft-merged --outfile student-ft.gguf --outtype q8_0",
    "  4. Serve it: `llamacpp/./student-ft.gguf`, or for Ollama write a Modelfile with `FROM ./student-ft.gguf`",
    "     (and the base model's TEMPLATE), run `ollama create student-ft -f Modelfile`, and use `ollama/student-ft`.",
    "  5. Point the student at it: `student.setLM(lm(\"ollama/student-ft\"))`.",
  ].join("\n");
}

function stripProviderPrefix(lm: LM): string {
  const base = unwrapLM(lm);
  if (base instanceof ManagedLM) return base.spec.model;
  const prefix = `${base.provider}/`;
  return base.model.startsWith(prefix) ? base.model.slice(prefix.length) : base.model;
}

/**
 * DSPy's BootstrapFinetune: teacher traces become chat JSONL, and the student's LM is fine-tuned on it
 * through the provider's API (OpenAI or OpenAI-compatible), or the data and a local recipe are written.
 */
export class BootstrapFinetune {
  constructor(private readonly options: BootstrapFinetuneOptions = {}) {}

  async compile<P extends Module>(student: P, options: BootstrapFinetuneCompileOptions): Promise<BootstrapFinetuneResult<P>> {
    const o = this.options;
    const signal = options.signal;
    const predictors = student.predictors();
    predictors.forEach((p, i) => {
      if (!p.lm) {
        throw new Error(
          `Predictor ${i} does not have an LM assigned. Please ensure the module's predictors have their LM set before fine-tuning. You can set it using: student.setLM(lm)`,
        );
      }
    });
    const adapter = o.adapter ?? new ChatAdapter();
    if (!(adapter instanceof ChatAdapter) || adapter.name !== "ChatAdapter") {
      throw new Error(`BootstrapFinetune builds chat-format records with ChatAdapter; ${adapter.name} has no fine-tuning format.`);
    }

    // 1. Teacher traces.
    const teachers = options.teacher === undefined ? [student] : Array.isArray(options.teacher) ? [...options.teacher] : [options.teacher as Module];
    for (const t of teachers) {
      if (t === student) continue;
      assertSameStructure(student, t, false);
    }
    const traceData: TraceRecord[] = [];
    for (const t of teachers) {
      throwIfStopped(signal);
      traceData.push(
        ...(await bootstrapTraceData(t, options.trainset, {
          ...(o.metric ? { metric: o.metric } : {}),
          numThreads: o.numThreads ?? 8,
          ...(options.lm ? { lm: options.lm } : {}),
          ...(signal ? { signal } : {}),
          ...(o.progress ? { progress: o.progress } : {}),
        })),
      );
    }
    const kept = o.metric ? traceData.filter((d) => (d.score ?? 0) > 0) : traceData;
    const report: BootstrapFinetuneReport = {
      traces: { runs: teachers.length * options.trainset.length, finished: traceData.length, kept: kept.length },
      jobs: [],
      local: [],
    };
    o.log?.(`Collected ${traceData.length} teacher runs; ${kept.length} kept for fine-tuning.`);

    // 2. Records, one dataset per (LM, predictor index | all).
    const multitask = o.multitask ?? true;
    const excludeDemos = o.excludeDemos ?? false;
    const jobs = new Map<string, { lm: LM; predictors: number[]; records: ChatTrainingRecord[] }>();
    const lmIds = new Map<LM, number>();
    predictors.forEach((p, i) => {
      const lm = p.lm!;
      if (!lmIds.has(lm)) lmIds.set(lm, lmIds.size);
      const key = `${lmIds.get(lm)}:${multitask ? "all" : i}`;
      const job = jobs.get(key);
      if (job) {
        job.predictors.push(i);
        return;
      }
      const records: ChatTrainingRecord[] = [];
      for (const item of kept) {
        item.trace.forEach((_, j) => {
          if (multitask || j === i) records.push(buildCallData(item.trace, j, adapter, excludeDemos));
        });
      }
      new PyRandom(0).shuffle(records);
      jobs.set(key, { lm, predictors: [i], records });
    });

    const config = o.lmConfig ?? o.runtime?.config ?? loadLMConfig();
    const dataDir = o.dataDir ?? join(config.cacheDir, "finetune");
    const written = [...jobs.values()].map((job) => {
      if (job.records.length === 0) {
        throw new FinetuneJobError(
          `no training records for ${job.lm.model}: none of the ${traceData.length} teacher runs${o.metric ? " scored above 0" : " finished"}; check the teacher and the metric`,
        );
      }
      const text = toJsonl(job.records);
      const path = join(dataDir, `${createHash("sha256").update(text).digest("hex").slice(0, 32)}.jsonl`);
      writeFileAtomic(path, text);
      o.log?.(`Wrote ${job.records.length} training records for ${job.lm.model} to ${path}`);
      return { ...job, path };
    });

    // 3./4. Train through the API, or hand over the data.
    const mode = o.mode ?? "auto";
    const useApi = (lm: LM) => mode === "api" || (mode === "auto" && ["openai", "openai-compatible"].includes(unwrapLM(lm).provider));
    const controller = new AbortController();
    const jobSignal = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    const tunedLMs: { lm: LM; predictors: number[] }[] = [];
    const results = await Promise.allSettled(
      written.map(async (job) => {
        if (!useApi(job.lm)) {
          const out: LocalFinetuneOutput = {
            baseModel: job.lm.model,
            predictors: job.predictors,
            dataPath: job.path,
            records: job.records.length,
            recipe: localFinetuneRecipe(job.path, job.lm.model),
          };
          report.local.push(out);
          o.log?.(`${job.lm.model} has no fine-tuning API here; the data and a recipe are in the report.\n${out.recipe}`);
          return;
        }
        try {
          const record = await this.runJob(job.lm, job.path, job.records.length, job.predictors, config, jobSignal);
          report.jobs.push(record);
          const tuned = (o.makeLM ?? defaultMakeLM(config, o.runtime))(`${unwrapLM(job.lm).provider}/${record.fineTunedModel}`, job.lm);
          tunedLMs.push({ lm: tuned, predictors: job.predictors });
        } catch (error) {
          controller.abort(error);
          throw error;
        }
      }),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) throw signal?.aborted ? signal.reason : failure.reason;
    // Every job succeeded: only now does the student change.
    for (const { lm, predictors: indices } of tunedLMs) {
      for (const i of indices) {
        predictors[i]!.lm = lm;
        if (excludeDemos) predictors[i]!.demos = [];
      }
    }
    if (tunedLMs.length > 0) student.compiled = true;
    return { program: student, report };
  }

  /** Uploads the data, starts the job, polls it (through the LM layer); returns the record of a succeeded job or throws. */
  private async runJob(base: LM, dataPath: string, records: number, predictorIndices: number[], config: LMConfig, signal: AbortSignal): Promise<FinetuneJobRecord> {
    const o = this.options;
    const inner = unwrapLM(base);
    const model = stripProviderPrefix(base);
    const onStatus = (status: string) => {
      o.log?.(`[fine-tuning ${model}] ${status}`);
      o.progress?.({ phase: "finetune", done: 0, total: 1, detail: `${model}: ${status}` });
    };
    const options = {
      ...(o.baseUrl !== undefined ? { baseUrl: o.baseUrl } : {}),
      ...(o.apiKey !== undefined ? { apiKey: o.apiKey } : {}),
      ...(o.trainKwargs ? { trainKwargs: o.trainKwargs } : {}),
      ...(o.suffix ? { suffix: o.suffix } : {}),
      ...(o.pollIntervalMs !== undefined ? { pollIntervalMs: o.pollIntervalMs } : {}),
      ...(o.maxWaitMs !== undefined ? { maxWaitMs: o.maxWaitMs } : {}),
      signal,
      onStatus,
    };
    const target = inner instanceof ManagedLM ? inner : { provider: inner.provider, model: inner.model };
    const job =
      o.runtime && inner instanceof ManagedLM && o.lmConfig === undefined
        ? await o.runtime.finetune(inner, dataPath, options)
        : await runFinetuneJob(target, dataPath, { config, ...options });
    return { baseModel: inner.model, predictors: predictorIndices, dataPath, records, fileId: job.fileId, jobId: job.jobId, status: job.status, fineTunedModel: job.fineTunedModel };
  }
}

/** `runtime.lm(id)` (or `lm(id)`) on the base LM's server, with its usage tracker, limiter and cache. */
function defaultMakeLM(config: LMConfig, runtime: LMRuntime | undefined): (modelId: string, base: LM) => LM {
  return (modelId, base) => {
    const inner = unwrapLM(base);
    if (!(inner instanceof ManagedLM)) {
      throw new FinetuneJobError(`the fine-tuned model ${modelId} is ready, but ${inner.model} is not an lm() LM: pass makeLM to build its LM`);
    }
    if (runtime) return runtime.lm(modelId, { role: "student", ...(inner.spec.baseUrl ? { baseUrl: inner.spec.baseUrl } : {}) });
    return makeManagedLM(modelId, {
      ...(inner.spec.baseUrl ? { baseUrl: inner.spec.baseUrl } : {}),
      config,
      usage: inner.usage,
      limiter: inner.limiter,
      cache: inner.cache ?? false,
      role: "student",
    });
  };
}
