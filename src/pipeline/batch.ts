/**
 * A YAML batch in the original schema (`fine_tuning: {dataset_path, approach, output_dir, defaults,
 * models: [...]}`): every model entry is a run; one failure does not stop the others; a summary table
 * ends the batch. The whole file is validated (with key paths) before the first run starts.
 */
import { openDataset } from "../dataset/index.js";
import { checkOutputDir } from "./run-files.js";
import { describeError } from "../util/errors.js";
import { loadBatchConfig, resolveConfig, type FinetuneConfig } from "./config.js";
import { finetune, type FinetuneHooks, type FinetuneResult } from "./finetune.js";
import { table } from "./report.js";
import { EXIT_CODES, outcomeLine, RunFailedError } from "./outcome.js";
import { LMRuntime, type PreflightRequest } from "../lm/index.js";
import { roleSpecs } from "./steps/lms.js";
import type { RunStatus } from "./run-info.js";

/** One model of a batch: its name, how its run ended, its accuracy, files, error, time, calls and cost. */
export interface BatchRunResult {
  name: string;
  /** How the entry's run ended (a dry run is `stopped`). */
  status: RunStatus;
  accuracy: number | null;
  program: string | null;
  info: string | null;
  error: string | null;
  seconds: number;
  calls: number;
  cost_usd: number;
}

/** What {@link runBatch} returns: the batch file, one result per model, and the batch's exit code. */
export interface BatchResult {
  file: string;
  runs: BatchRunResult[];
  /** Entries whose run completed (degraded, failed and stopped ones are not). */
  succeeded: number;
  /** Every file the batch wrote, in order. */
  files: string[];
  /** 0 when every entry completed; 1 when one failed; 3 when none failed but one is degraded; 130 when interrupted. */
  exitCode: number;
}

/** Runs every entry of a batch file; `overrides` (from the command line) win over the file. */
export async function runBatch(file: string, overrides: Partial<FinetuneConfig>, hooks: FinetuneHooks = {}): Promise<BatchResult> {
  const log = hooks.log ?? ((l: string) => console.log(l));
  // Everything is checked before the first LM call, and every problem is reported at once: the YAML,
  // each entry's settings, the dataset every entry reads, and the output directory.
  const batch = loadBatchConfig(file, (b, report) => {
    const ds = overrides.datasetPath ?? b.datasetPath;
    const where = overrides.datasetPath !== undefined ? "--dataset-path" : "fine_tuning.dataset_path";
    if (!ds) report("fine_tuning.dataset_path", "missing; set it in the file or pass --dataset-path");
    else {
      try {
        openDataset(ds);
      } catch (e) {
        report(where, `${(e as Error).message}${where === "fine_tuning.dataset_path" ? " (collect it first: gridtune collect … --out " + ds + ", or pass --dataset-path)" : ""}`);
      }
    }
    const out = overrides.outputDir ?? b.outputDir;
    if (out !== undefined && !overrides.dryRun) {
      try {
        checkOutputDir(out);
      } catch (e) {
        report(overrides.outputDir !== undefined ? "--output-dir" : "fine_tuning.output_dir", (e as Error).message.replace(/^--output-dir \S+: /, ""));
      }
    }
  });
  const datasetPath = (overrides.datasetPath ?? batch.datasetPath)!;
  const configs = batch.entries.map((e) => ({ ...e, full: resolveConfig({ ...e.config, ...overrides, datasetPath }, e.path) }));
  // Every entry's models are checked before the first entry runs (each entry checks its own again,
  // sizing an embedded model's context to its prompts): a missing model in entry 5 costs nothing.
  if (hooks.preflight !== false) await preflightBatch(configs, hooks);
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
      const r: FinetuneResult = await finetune({ ...e.full, name: e.name }, { ...hooks, resumeCommand: `gridtune finetune --config ${file} --resume` });
      runs.push({
        name: e.name,
        status: r.status,
        accuracy: e.full.dryRun ? null : r.results.accuracy,
        program: r.files.program,
        info: r.files.info,
        error: r.status === "completed" || e.full.dryRun ? null : (r.outcome_message ?? null),
        seconds: (performance.now() - t0) / 1000,
        calls: e.full.dryRun ? (r.estimate?.total_calls ?? 0) : r.usage.total.calls,
        cost_usd: e.full.dryRun ? (r.estimate?.total_cost_usd ?? 0) : r.usage.total.cost_usd,
      });
      log(r.status === "completed" ? `✅ Fine-tuned: ${e.name}` : r.status === "degraded" ? `⚠️ Degraded: ${e.name}` : `⏹️ ${e.name}: ${r.status}`);
    } catch (err) {
      if (hooks.signal?.aborted) throw err;
      const message = describeError(err).message;
      const info = err instanceof RunFailedError ? err.infoPath : null;
      runs.push({ name: e.name, status: "failed", accuracy: null, program: null, info, error: message, seconds: (performance.now() - t0) / 1000, calls: 0, cost_usd: 0 });
      log(`❌ Fine-tuning failed for ${e.name}: ${message}`);
    }
  }
  const count = (st: RunStatus) => runs.filter((r) => r.status === st).length;
  const succeeded = count("completed");
  const failed = count("failed");
  const degraded = count("degraded");
  const files = runs.flatMap((r) => [r.program, r.info].filter((f): f is string => f !== null));
  log(`\n${"=".repeat(60)}`);
  log(
    table(
      ["model", "status", "accuracy", "calls", "cost", "time", "output / error"],
      runs.map((r) => [r.name, r.status, r.accuracy === null ? "-" : r.accuracy.toFixed(3), r.calls, `$${r.cost_usd.toFixed(4)}`, `${r.seconds.toFixed(1)}s`, r.program ?? r.error ?? r.info ?? ""]),
    ),
  );
  log(files.length ? `📁 Files written (${files.length}):\n${files.map((f) => `  ${f}`).join("\n")}` : "📁 No file written.");
  const total = configs.length;
  const tally = `${succeeded} of ${total} completed, ${degraded} degraded, ${failed} failed${runs.length < total ? `, ${total - runs.length} not run` : ""}`;
  const dry = configs.every((e) => e.full.dryRun);
  const exitCode = failed > 0 ? EXIT_CODES.failed : degraded > 0 ? EXIT_CODES.degraded : runs.length < total ? EXIT_CODES.stopped : 0;
  const status = failed > 0 ? "failed" : degraded > 0 ? "degraded" : runs.length < total || dry ? "stopped" : "completed";
  log("\n" + outcomeLine(status, dry && status === "stopped" ? `batch ${file}: a dry run of ${total} entries; no LM was called` : `batch ${file}: ${tally}`));
  return { file, runs, succeeded, files, exitCode };
}

/** One preflight over the models of every entry (deduplicated by role and model), naming each entry's key. */
async function preflightBatch(configs: { name: string; path: string; full: FinetuneConfig }[], hooks: FinetuneHooks): Promise<void> {
  const runtime = hooks.runtime ?? new LMRuntime({ ...(hooks.log ? { log: hooks.log } : {}) });
  const seen = new Set<string>();
  const requests: PreflightRequest[] = [];
  for (const e of configs) {
    const specs = roleSpecs(e.full);
    const roles = [
      ["teacher", specs.teacher],
      ["student", specs.student],
      ...(specs.assessor ? [["assessor", specs.assessor] as const] : []),
    ] as const;
    for (const [role, spec] of roles) {
      const key = `${role}|${spec.id}|${spec.baseUrl ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      requests.push({ role, lm: runtime.lm(spec.id, { role, ...(spec.baseUrl ? { baseUrl: spec.baseUrl } : {}) }), flag: `${e.path}.${role}_model (entry '${e.name}')` });
    }
  }
  try {
    await runtime.preflight(requests, { ...(hooks.signal ? { signal: hooks.signal } : {}), probe: !configs.every((c) => c.full.dryRun) });
  } finally {
    if (!hooks.runtime) await runtime.dispose();
  }
}
