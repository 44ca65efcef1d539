/**
 * A YAML batch in the original schema (`fine_tuning: {dataset_path, approach, output_dir, defaults,
 * models: [...]}`): every model entry is a run; one failure does not stop the others; a summary table
 * ends the batch. The whole file is validated (with key paths) before the first run starts.
 */
import { UserError } from "../util/errors.js";
import { describeError } from "../util/errors.js";
import { loadBatchConfig, resolveConfig, type FinetuneConfig } from "./config.js";
import { finetune, type FinetuneHooks, type FinetuneResult } from "./finetune.js";
import { table } from "./report.js";

/** One model of a batch: its name, whether it completed, its accuracy, files, error, time, calls and cost. */
export interface BatchRunResult {
  name: string;
  status: "completed" | "failed";
  accuracy: number | null;
  program: string | null;
  info: string | null;
  error: string | null;
  seconds: number;
  calls: number;
  cost_usd: number;
}

/** What {@link runBatch} returns: the batch file and one result per model. */
export interface BatchResult {
  file: string;
  runs: BatchRunResult[];
  succeeded: number;
}

/** Runs every entry of a batch file; `overrides` (from the command line) win over the file. */
export async function runBatch(file: string, overrides: Partial<FinetuneConfig>, hooks: FinetuneHooks = {}): Promise<BatchResult> {
  const log = hooks.log ?? ((l: string) => console.log(l));
  const batch = loadBatchConfig(file);
  const datasetPath = overrides.datasetPath ?? batch.datasetPath;
  if (!datasetPath) throw new UserError(`${file}: fine_tuning.dataset_path: missing; set it in the file or pass --dataset-path`);
  const configs = batch.entries.map((e) => ({ ...e, full: resolveConfig({ ...e.config, ...overrides, datasetPath }, e.path) }));
  log("🎯 Starting DSPy Teacher-Student Fine-tuning Pipeline");
  log(`📁 Dataset: ${datasetPath}`);
  log(`💾 Output Directory: ${configs[0]!.full.outputDir}`);
  log(`🔧 Found ${configs.length} model configurations`);
  const runs: BatchRunResult[] = [];
  for (const [i, e] of configs.entries()) {
    if (hooks.signal?.aborted) break;
    log(`\n${"=".repeat(60)}`);
    log(`[${i + 1}/${configs.length}] FINE-TUNING: ${e.name}`);
    log("=".repeat(60));
    const t0 = performance.now();
    try {
      const r: FinetuneResult = await finetune({ ...e.full, name: e.name }, hooks);
      runs.push({
        name: e.name,
        status: "completed",
        accuracy: e.full.dryRun ? null : r.results.accuracy,
        program: r.files.program,
        info: r.files.info,
        error: null,
        seconds: (performance.now() - t0) / 1000,
        calls: e.full.dryRun ? (r.estimate?.total_calls ?? 0) : r.usage.total.calls,
        cost_usd: e.full.dryRun ? (r.estimate?.total_cost_usd ?? 0) : r.usage.total.cost_usd,
      });
      log(`✅ Successfully fine-tuned: ${e.name}`);
    } catch (err) {
      if (hooks.signal?.aborted) throw err;
      const message = describeError(err).message;
      runs.push({ name: e.name, status: "failed", accuracy: null, program: null, info: null, error: message, seconds: (performance.now() - t0) / 1000, calls: 0, cost_usd: 0 });
      log(`❌ Fine-tuning failed for ${e.name}: ${message}`);
    }
  }
  const succeeded = runs.filter((r) => r.status === "completed").length;
  log(`\n🎉 Pipeline completed: ${succeeded}/${configs.length} models fine-tuned successfully`);
  log(
    table(
      ["model", "status", "accuracy", "calls", "cost", "time", "output / error"],
      runs.map((r) => [r.name, r.status, r.accuracy === null ? "-" : r.accuracy.toFixed(3), r.calls, `$${r.cost_usd.toFixed(4)}`, `${r.seconds.toFixed(1)}s`, r.program ?? r.info ?? r.error ?? ""]),
    ),
  );
  return { file, runs, succeeded };
}
