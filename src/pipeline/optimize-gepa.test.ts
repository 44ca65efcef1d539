import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, DEFAULTS, parseBatchConfig, resolveConfig } from "./config.js";
import { gepaLineage } from "./optimize-gepa.js";
import type { GEPADetailedResults } from "../dspy/optimizers/gepa/index.js";

test("optimizer: miprov2 by default; gepa and reflection_model from YAML; bad values name the key", () => {
  assert.equal(DEFAULTS.optimizer, "miprov2");
  const b = parseBatchConfig(
    `fine_tuning:\n  dataset_path: "d"\n  defaults:\n    optimizer: "gepa"\n    reflection_model: "groq/openai/gpt-oss-120b"\n  models:\n    - name: "a"\n    - name: "b"\n      optimizer: "miprov2"\n`,
    "c.yaml",
  );
  assert.equal(b.entries[0]!.config.optimizer, "gepa");
  assert.equal(b.entries[0]!.config.reflectionModel, "groq/openai/gpt-oss-120b");
  assert.equal(b.entries[1]!.config.optimizer, "miprov2");
  assert.throws(() => parseBatchConfig(`fine_tuning:\n  dataset_path: "d"\n  models:\n    - name: "a"\n      optimizer: "sgd"\n`, "c.yaml"), (e: unknown) => e instanceof ConfigError && /c\.yaml: .*optimizer/.test(e.message));
  assert.throws(() => resolveConfig({ datasetPath: "d", optimizer: "sgd" as never }), (e: unknown) => e instanceof ConfigError && e.keyPath === "optimizer" && /miprov2 or gepa/.test(e.message));
  assert.throws(() => resolveConfig({ datasetPath: "d", reflectionModel: " " }), (e: unknown) => e instanceof ConfigError && e.keyPath === "reflection_model");
});

test("the run record's lineage: parents, scores, instructions and the Pareto front", () => {
  const d = {
    candidates: [{ p: "a" }, { p: "b" }, { p: "c" }],
    parents: [[null], [0], [0, 1]],
    valAggregateScores: [0.25, 0.5, 0.75],
    perValInstanceBestCandidates: { "0": [1, 2], "1": [2] },
    discoveryEvalCounts: [0, 10, 30],
    totalMetricCalls: 40,
    feedbackMetricCalls: 6,
    bestIdx: 2,
  } as unknown as GEPADetailedResults;
  assert.deepEqual(gepaLineage(d), {
    candidates: [
      { idx: 0, parents: [], val_score: 0.25, instructions: { p: "a" }, discovered_at_calls: 0 },
      { idx: 1, parents: [0], val_score: 0.5, instructions: { p: "b" }, discovered_at_calls: 10 },
      { idx: 2, parents: [0, 1], val_score: 0.75, instructions: { p: "c" }, discovered_at_calls: 30 },
    ],
    pareto_front: [1, 2],
    best_idx: 2,
    total_metric_calls: 40,
    feedback_metric_calls: 6,
  });
});
