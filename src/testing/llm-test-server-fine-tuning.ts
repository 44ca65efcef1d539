/** The {@link LLMTestServer}'s OpenAI fine-tuning subset: uploaded files and jobs as the API shows them, a job's life over its polls, its events. */
import { now } from "./llm-test-server-http.js";
import { countTestTokens } from "./llm-test-server-replies.js";
import type { TestFile, TestFineTuningJob } from "./llm-test-server-types.js";

/** The failure message of a job that fails when `fail` is set without one. */
export const DEFAULT_JOB_FAILURE = "training failed: the training file has invalid examples";

/** OpenAI's error message for a `fine-tune` upload that is not JSONL of `{messages}`; undefined when it is. */
export function fineTuneFileError(content: string): string | undefined {
  const bad = content
    .split("\n")
    .filter((l) => l.trim() !== "")
    .findIndex((l) => {
      try {
        const v = JSON.parse(l) as { messages?: unknown };
        return !Array.isArray(v.messages);
      } catch {
        return true;
      }
    });
  return bad >= 0 ? `Invalid file format: line ${bad + 1} is not a JSON object with "messages"` : undefined;
}

/** A new job (validating its files) from a `POST /v1/fine_tuning/jobs` body already checked for `model` and `training_file`. */
export function newJob(id: string, b: Record<string, unknown>, model: string, training: string, willFail: string | undefined): TestFineTuningJob {
  const method = b.method as { supervised?: { hyperparameters?: Record<string, unknown> } } | undefined;
  return {
    id,
    object: "fine_tuning.job",
    model,
    created_at: now(),
    finished_at: null,
    fine_tuned_model: null,
    organization_id: "org-test",
    result_files: [],
    status: "validating_files",
    trained_tokens: null,
    training_file: training,
    validation_file: typeof b.validation_file === "string" ? b.validation_file : null,
    hyperparameters: (b.hyperparameters as Record<string, unknown>) ?? method?.supervised?.hyperparameters ?? { n_epochs: "auto" },
    error: null,
    seed: typeof b.seed === "number" ? b.seed : 42,
    suffix: typeof b.suffix === "string" ? b.suffix : null,
    polls: 0,
    willFail: willFail ?? false,
  };
}

/**
 * One poll of a job: it runs until poll `until`, then succeeds as an `ft:` model (returned, for the
 * server to know; tokens counted in `trainingContent`) or fails as set; a finished job stays.
 */
export function pollJob(job: TestFineTuningJob, until: number, trainingContent: string): string | undefined {
  if (job.status === "succeeded" || job.status === "failed" || job.status === "cancelled") return undefined;
  job.polls++;
  if (job.polls < until) {
    job.status = job.polls === 1 && until > 2 ? "queued" : "running";
    return undefined;
  }
  job.finished_at = now();
  if (job.willFail) {
    job.status = "failed";
    job.error = { code: "invalid_training_file", message: job.willFail, param: "training_file" };
    return undefined;
  }
  job.status = "succeeded";
  job.fine_tuned_model = `ft:${job.model}:gridtune:${job.suffix ?? "custom"}:${job.id.replace(/\D/g, "")}`;
  job.trained_tokens = countTestTokens(trainingContent);
  job.result_files = [];
  return job.fine_tuned_model;
}

/** A file as the API shows it (without its content). */
export function publicFile(f: TestFile) {
  const { content: _content, ...rest } = f;
  return rest;
}

/** A job as the API shows it (without the test-only fields). */
export function publicJob(j: TestFineTuningJob) {
  const { polls: _p, willFail: _w, ...rest } = j;
  return rest;
}

/** A job's events, newest first. */
export function jobEvents(job: TestFineTuningJob) {
  const events = [{ object: "fine_tuning.job.event", id: `ftevent-${job.id}-0`, created_at: job.created_at, level: "info", message: "Validating training file", data: {}, type: "message" }];
  if (job.status === "succeeded") events.push({ ...events[0]!, id: `ftevent-${job.id}-1`, message: "The job has successfully completed" });
  if (job.status === "failed") events.push({ ...events[0]!, id: `ftevent-${job.id}-1`, level: "error", message: job.error?.message ?? "failed" });
  return events.reverse();
}
