/**
 * Conformance: seeded GEPA runs replayed against runs of Python DSPy 3.3.1 + gepa 0.1.4 recorded with
 * the same deterministic LMs (fixtures/README.md) — the same reflection prompts byte for byte, parents,
 * minibatches, decisions, candidates, scores, metric calls and final instructions.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../../testing/paths.js";
import type { Module } from "../../module.js";
import { GEPA } from "./gepa.js";
import { QA, Solver, feedbackMetric, fixtureDataset, fixtureReflectionLM, fixtureTaskLM, plainMetric } from "./conformance.test-util.js";

const fixtureDir = join(repoRoot, "src", "dspy", "optimizers", "gepa", "fixtures");

interface Fixture {
  name: string;
  seed: number;
  useMerge: boolean;
  maxMetricCalls: number;
  auto: "light" | null;
  reflectionMinibatchSize: number;
  ntrain: number;
  nval: number;
  program: "QA" | "Solver";
  metric: "feedback_metric" | "plain_metric";
  events: Record<string, unknown>[];
  reflection: { prompt: string; reply: string }[];
  taskCalls: number;
  candidates: Record<string, string>[];
  parents: (number | null)[][];
  valAggregateScores: number[];
  valSubscores: Record<string, number>[];
  discoveryEvalCounts: number[];
  totalMetricCalls: number;
  numFullValEvals: number;
  bestIdx: number;
  finalInstructions: Record<string, string>;
}

for (const file of ["qa-feedback.json", "solver-merge.json", "qa-auto-light.json", "qa-many-merge.json"]) {
  test(`GEPA replays the Python run ${file}`, async () => {
    const f = JSON.parse(readFileSync(join(fixtureDir, file), "utf8")) as Fixture;
    const mode = f.name === "qa-many" ? "many" : "default";
    const task = fixtureTaskLM(mode);
    const reflection = fixtureReflectionLM(mode);
    const program: Module = f.program === "QA" ? new QA() : new Solver();
    const gepa = new GEPA({
      metric: f.metric === "feedback_metric" ? feedbackMetric : plainMetric,
      reflectionLM: reflection,
      ...(f.auto ? { auto: f.auto } : { maxMetricCalls: f.maxMetricCalls }),
      reflectionMinibatchSize: f.reflectionMinibatchSize,
      useMerge: f.useMerge,
      seed: f.seed,
      numThreads: 1,
    });
    const out = await gepa.compile(program, { trainset: fixtureDataset(f.ntrain, 0), valset: fixtureDataset(f.nval, 100), lm: task });
    const d = out.detailedResults;
    assert.equal(gepa.maxMetricCallsFor(program, f.ntrain, f.nval), f.maxMetricCalls, "budget");
    assert.deepEqual(
      reflection.calls.map((c) => c.messages[c.messages.length - 1]!.content),
      f.reflection.map((r) => r.prompt),
      "reflection prompts",
    );
    assert.deepEqual(reflection.calls.map((c) => c.reply), f.reflection.map((r) => r.reply));
    assert.deepEqual(d.events, f.events);
    assert.deepEqual(d.candidates, f.candidates);
    assert.deepEqual(d.parents, f.parents);
    assert.deepEqual(d.valAggregateScores, f.valAggregateScores);
    assert.deepEqual(d.valSubscores, f.valSubscores);
    assert.deepEqual(d.discoveryEvalCounts, f.discoveryEvalCounts);
    assert.equal(d.totalMetricCalls, f.totalMetricCalls);
    assert.equal(d.numFullValEvals, f.numFullValEvals);
    assert.equal(d.bestIdx, f.bestIdx);
    assert.deepEqual(Object.fromEntries(out.namedPredictors().map(([n, p]) => [n, p.signature.instructions])), f.finalInstructions);
    assert.equal(task.callCount, f.taskCalls, "task LM calls");
  });
}
