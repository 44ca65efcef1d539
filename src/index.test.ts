/** The package entry point: the names the library API promises, the renamed clashes, and `collect`. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as gridtune from "./index.js";
import { evaluate as dspyEvaluate } from "./dspy/evaluate.js";
import { evaluate as pipelineEvaluate } from "./pipeline/evaluate-model.js";
import { toExample as dspyToExample } from "./dspy/example.js";
import { toExample as pipelineToExample } from "./pipeline/data.js";
import type { ProgressEvent } from "./util/progress.js";
import { tempDir } from "./testing/temp-dir.js";

test("the entry point exports what the library API promises", () => {
  const promised = [
    // envs and wrappers
    "makeEnv", "listEnvIds", "MiniGridEnv", "HintWrapper", "rollout", "Expert",
    // datasets, sampling and splits
    "collect", "collectDataset", "loadDataset", "sampleDataset", "splitByEpisode", "splitEpisodes", "sampleWithoutReplacement",
    // encodings
    "encode",
    // LMs
    "lm", "configureLM", "SOURCE_DEFAULTS",
    // programs and optimizers
    "Signature", "InputField", "OutputField", "Predict", "ChainOfThought", "Module", "Evaluate", "evaluateProgram",
    "LabeledFewShot", "BootstrapFewShot", "MIPROv2", "BootstrapFinetune",
    // agent, metrics, pipeline
    "MinigridAgent", "Judge", "exactMetric", "optimalMetric", "aiFeedbackMetric", "finetune", "evaluate", "runBatch",
    // what the CLI's other commands run
    "startDashboard", "renderImageFile", "resolveEnvs", "parseSeeds", "parseBudget",
  ];
  const g = gridtune as Record<string, unknown>;
  assert.deepEqual(promised.filter((n) => g[n] === undefined), []);
});

test("names that clash across layers are exported under distinct names", () => {
  assert.equal(gridtune.evaluate, pipelineEvaluate, "`evaluate` is the pipeline's (a saved agent)");
  assert.equal(gridtune.evaluateProgram, dspyEvaluate, "`evaluateProgram` is DSPy's");
  assert.equal(gridtune.toExample, dspyToExample);
  assert.equal(gridtune.stepToExample, pipelineToExample);
  assert.equal(typeof gridtune.FINETUNE_DEFAULTS.teacherModel, "string");
});

test("configureLM has the original tool's defaults", () => {
  const opts = { apiKey: "not-a-key", cache: false as const };
  assert.equal(gridtune.configureLM({ source: "local", ...opts }).model, "ollama/llama3.1:latest");
  assert.equal(gridtune.configureLM({ source: "groq", ...opts }).model, "groq/llama-3.3-70b-versatile");
  assert.equal(gridtune.configureLM({ source: "openai", ...opts }).model, "openai/gpt-4o-mini");
  assert.equal(gridtune.configureLM({ source: "local", model: "llama3.2:3b", ...opts }).model, "ollama/llama3.2:3b");
  assert.equal(gridtune.lm("groq/llama-3.3-70b-versatile", opts).provider, "groq");
});

test("collect: progress per episode, and a signal stops it with nothing left behind", async (t) => {
  const root = tempDir("collect", t);
  const events: ProgressEvent[] = [];
  const r = await gridtune.collect({ envIds: ["MiniGrid-Empty-5x5-v0"], seeds: [0, 1], episodes: 2, out: join(root, "a") }, { progress: (e) => events.push(e) });
  assert.equal(r.manifest.counts.episodes, 4);
  assert.deepEqual(events.map((e) => e.done), [0, 1, 2, 3, 4]);
  assert.ok(events.every((e) => e.phase === "collect" && e.total === 4));

  // Aborted from the progress callback after the second episode.
  const controller = new AbortController();
  const stop = new Error("stop");
  await assert.rejects(
    gridtune.collect(
      { envIds: ["MiniGrid-Empty-5x5-v0"], seeds: [0, 1], episodes: 2, out: join(root, "b") },
      { signal: controller.signal, progress: (e) => e.done === 2 && controller.abort(stop) },
    ),
    (e) => e === stop,
  );
  // Aborted before it starts.
  await assert.rejects(gridtune.collect({ envIds: ["MiniGrid-Empty-5x5-v0"], seeds: [0], episodes: 1, out: join(root, "c") }, { signal: AbortSignal.abort(stop) }), (e) => e === stop);
  assert.deepEqual(readdirSync(root), ["a"], "no partial dataset or temporary directory");
  assert.ok(!existsSync(join(root, "b")));
});
