/**
 * Fine-tuning through a provider's API (OpenAI, or an OpenAI-compatible server with the same
 * endpoints): upload the JSONL, start a job, poll it until it ends. BootstrapFinetune calls this
 * through the LM runtime; the provider SDK stays inside src/lm/.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import OpenAI, { toFile } from "openai";
import type { LMConfig } from "./config.js";
import { MissingCredentialError, redactSecrets } from "./errors.js";
import { ManagedLM } from "./lm.js";
import { fetchWithoutTimeouts } from "./providers/http-fetch.js";
import { sleep } from "./retry.js";

/** Options of one fine-tuning job: endpoint and key overrides, hyperparameters, polling, a log. */
export interface FinetuneJobOptions {
  /** Base URLs and keys. */
  config?: LMConfig;
  /** The fine-tuning endpoint (default: the base LM's server). */
  baseUrl?: string;
  /** The key (default OPENAI_API_KEY, or OPENAI_COMPATIBLE_API_KEY for openai-compatible/). */
  apiKey?: string;
  /** Hyperparameters (`{n_epochs: 3, batch_size: 1, learning_rate_multiplier: 2}`). */
  trainKwargs?: Record<string, unknown>;
  suffix?: string;
  /** Between polls; default 20 s. */
  pollIntervalMs?: number;
  /** Give up waiting after this long (the job keeps running at the provider). */
  maxWaitMs?: number;
  signal?: AbortSignal;
  /** One line per status change. */
  onStatus?: (status: string) => void;
}

/** A job that ended: its ids, status and the fine-tuned model. */
export interface FinetuneJobResult {
  fileId: string;
  jobId: string;
  status: string;
  fineTunedModel: string;
}

/** A fine-tuning job ended without a model (failed or cancelled), or could not be run. */
export class FinetuneJobError extends Error {
  constructor(
    message: string,
    readonly jobId?: string,
    readonly status?: string,
  ) {
    super(redactSecrets(message));
    this.name = "FinetuneJobError";
  }
}

/** Uploads `dataPath`, starts a job on `base`'s model and polls it; returns the succeeded job or throws. */
export async function runFinetuneJob(base: ManagedLM | { provider: string; model: string }, dataPath: string, options: FinetuneJobOptions = {}): Promise<FinetuneJobResult> {
  const spec = base instanceof ManagedLM ? base.spec : undefined;
  const provider = base.provider;
  const model = spec?.model ?? base.model.replace(new RegExp(`^${provider}/`), "");
  const config = options.config;
  const baseURL = options.baseUrl ?? spec?.baseUrl ?? (provider === "openai" ? config?.openaiBaseUrl : undefined);
  if (!baseURL) throw new FinetuneJobError(`no fine-tuning endpoint for ${base.model}: pass baseUrl (the server's /v1 URL)`);
  let apiKey = options.apiKey ?? (provider === "openai" ? config?.openaiApiKey : config?.openaiCompatibleApiKey);
  if (!apiKey) {
    if (provider === "openai") throw new MissingCredentialError(["OPENAI_API_KEY"], [base.model]);
    apiKey = "no-key";
  }
  const client = new OpenAI({ apiKey, baseURL, fetch: fetchWithoutTimeouts });
  const say = (status: string) => options.onStatus?.(status);
  const signal = options.signal;
  const records = readFileSync(dataPath, "utf8").split("\n").filter((l) => l.trim() !== "").length;
  let fileId: string;
  let job: OpenAI.FineTuning.FineTuningJob;
  try {
    say(`uploading ${records} records`);
    const file = await client.files.create({ file: await toFile(readFileSync(dataPath), basename(dataPath)), purpose: "fine-tune" }, { ...(signal ? { signal } : {}) });
    fileId = file.id;
    const trainKwargs = options.trainKwargs;
    job = await client.fineTuning.jobs.create(
      {
        model,
        training_file: fileId,
        ...(trainKwargs && Object.keys(trainKwargs).length > 0
          ? { method: { type: "supervised" as const, supervised: { hyperparameters: trainKwargs as OpenAI.FineTuning.SupervisedHyperparameters } } }
          : {}),
        ...(options.suffix ? { suffix: options.suffix } : {}),
      },
      { ...(signal ? { signal } : {}) },
    );
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new FinetuneJobError(`could not start fine-tuning ${model} at ${baseURL}: ${(error as Error).message}`);
  }
  say(`job ${job.id} started (${job.status})`);
  const started = Date.now();
  const interval = options.pollIntervalMs ?? 20_000;
  while (!["succeeded", "failed", "cancelled"].includes(job.status)) {
    if (options.maxWaitMs !== undefined && Date.now() - started > options.maxWaitMs) {
      throw new FinetuneJobError(`fine-tuning job ${job.id} for ${model} still ${job.status} after ${options.maxWaitMs} ms; it keeps running at the provider`, job.id, job.status);
    }
    await sleep(interval, signal);
    try {
      job = await client.fineTuning.jobs.retrieve(job.id, { ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new FinetuneJobError(`could not poll fine-tuning job ${job.id}: ${(error as Error).message}`, job.id, job.status);
    }
    say(`job ${job.id}: ${job.status}`);
  }
  if (job.status !== "succeeded" || !job.fine_tuned_model) {
    const why = job.error?.message ? `: ${job.error.message}` : "";
    throw new FinetuneJobError(`fine-tuning job ${job.id} for ${model} ${job.status}${why}`, job.id, job.status);
  }
  say(`job ${job.id} succeeded: ${job.fine_tuned_model}`);
  return { fileId, jobId: job.id, status: job.status, fineTunedModel: job.fine_tuned_model };
}
