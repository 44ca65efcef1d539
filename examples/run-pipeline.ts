/**
 * The fine-tuning pipeline from code: a config object in, the run record out (the same data as the
 * `_info.json` file next to the saved agent), with your own progress display and clean cancellation;
 * then the saved agent evaluated in closed loop.
 *
 *     node dist/examples/run-pipeline.js [dataset-dir] [output-dir]
 *
 * Without a dataset directory a small one is collected first. Models: with `GRIDTUNE_LOCAL_MODEL` (a
 * .gguf file) every role runs on it in-process; otherwise the original tool's defaults — teacher
 * `llama-3.3-70b-versatile` and assessor `llama-3.3-70b-versatile` (Groq's replacement of the original's decommissioned `deepseek-r1-distill-llama-70b`) on Groq (`GROQ_API_KEY`,
 * `GROQ_BASE_URL`), student `llama3.1:70b` on Ollama (`OLLAMA_HOST`). Ctrl-C stops the run; run it
 * again with the same settings and `resume: true` to continue the optimization.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collect, evaluate, finetune, type FinetuneConfig, type ProgressEvent } from "gridtune";

const work = mkdtempSync(join(tmpdir(), "gridtune-example-"));
let datasetPath = process.argv[2];
if (!datasetPath || !existsSync(datasetPath)) {
  datasetPath = join(work, "dataset");
  await collect({ envIds: ["MiniGrid-Empty-5x5-v0", "BabyAI-GoToObj-v0"], seeds: [0, 1, 2, 3], episodes: 2, out: datasetPath });
}
const outputDir = process.argv[3] ?? join(work, "saved_llm_models");

const gguf = process.env.GRIDTUNE_LOCAL_MODEL;
const local = gguf ? `llamacpp/${gguf}` : undefined;

// Anything left out takes the `gridtune finetune` default (FINETUNE_DEFAULTS).
const config: Partial<FinetuneConfig> = {
  datasetPath,
  outputDir,
  ...(local ? { teacherModel: local, studentModel: local, assessorModel: local } : {}),
  hintType: "action",
  encodingType: "ascii",
  samplesPerCategory: 3,
  numTrials: 2,
  numCandidates: 2,
  minibatchSize: 5,
  maxEval: 6,
  metric: "ai-feedback",
  budget: { costUsd: 0.5 }, // stop optimizing before spending more than $0.50
};

// Your own progress display: a line redrawn in place on a terminal, one line per finished phase in a log.
const progress = (e: ProgressEvent) => {
  const line = `${e.phase}: ${e.done}/${e.total} ${e.detail ?? ""}`;
  if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(70)}${e.done === e.total ? "\n" : ""}`);
  else if (e.done === e.total) console.error(line);
};
const controller = new AbortController();
process.once("SIGINT", () => controller.abort(new Error("interrupted")));

const info = await finetune(config, { signal: controller.signal, progress, log: () => {} });
console.log(`Run ${info.model_name}: ${info.status}`);
console.log(`  teacher ${info.config.teacher_model}, student ${info.config.student_model}`);
console.log(`  test accuracy ${(info.results.accuracy * 100).toFixed(1)}% on ${info.results.n} examples (${info.results.exact} exact, ${info.results.optimal_alternatives} optimal alternatives)`);
console.log(`  LM calls ${info.usage.total.calls}, cost $${info.usage.total.cost_usd.toFixed(4)}`);
console.log(`  agent: ${info.files.program}\n  record: ${info.files.info}`);

// The saved agent acting in an env: success rate and steps against the expert's optimum.
if (info.files.program) {
  const r = await evaluate({ modelPath: info.files.program, envId: "MiniGrid-Empty-5x5-v0", episodes: 2, maxSteps: 20 }, { signal: controller.signal, log: () => {} });
  const c = r.closed_loop!;
  console.log(`Closed loop on ${c.env_id}: success ${(c.success_rate * 100).toFixed(0)}%, mean steps ${c.mean_steps.toFixed(1)} (expert ${c.mean_expert_steps?.toFixed(1) ?? "n/a"})`);
}
