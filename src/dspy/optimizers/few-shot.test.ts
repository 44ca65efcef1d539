/** LabeledFewShot and BootstrapFewShot, with the in-process FakeLM. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Example, type Prediction } from "../example.js";
import type { Metric } from "../evaluate.js";
import { type CallOptions, type Inputs, Module } from "../module.js";
import { Predict } from "../predict.js";
import { FakeLM } from "../testing/fake-lm.js";
import { BootstrapFewShot } from "./bootstrap-few-shot.js";
import { LabeledFewShot } from "./labeled-few-shot.js";
import { BudgetExceededError, Meter } from "./lm-wrappers.js";
import { QA, dataset, exactMatch, taskLM } from "./arith-world.test-util.js";

class Simple extends Module {
  predictor = new Predict("input -> output");
  forward(inputs: Inputs, options: CallOptions): Promise<Prediction> {
    return this.predictor.call(inputs, options);
  }
}

const sky = new Example({ input: "What is the color of the sky?", output: "blue" }).withInputs("input");
const simpleMetric: Metric = (ex, pred) => ex.get("output") === pred.get("output");

test("LabeledFewShot samples k demos with Python's Random(0) (the examples DSPy picks)", () => {
  const trainset = dataset(10);
  const compiled = new LabeledFewShot({ k: 3 }).compile(new QA(), { trainset });
  // random.Random(0).sample(range(10), 3) == [6, 9, 0]
  assert.deepEqual(compiled.predictor.demos, [trainset[6], trainset[9], trainset[0]]);
  const firstK = new LabeledFewShot({ k: 3 }).compile(new QA(), { trainset, sample: false });
  assert.deepEqual(firstK.predictor.demos, trainset.slice(0, 3));
  assert.equal(new LabeledFewShot({ k: 3 }).compile(new QA(), { trainset: [] }).predictor.demos.length, 0);
});

test("LabeledFewShot copies the student and keeps its predictors' own LMs", () => {
  const student = new QA();
  const own = new FakeLM();
  student.predictor.lm = own;
  const compiled = new LabeledFewShot({ k: 2 }).compile(student, { trainset: dataset(5) });
  assert.notEqual(compiled, student);
  assert.equal(student.predictor.demos.length, 0);
  assert.equal(compiled.predictor.lm, own);
});

test("BootstrapFewShot with a followExamples teacher LM yields the one correct demo (DSPy's test_bootstrap_effectiveness)", async () => {
  const lm = new FakeLM({ answers: [{ output: "blue" }, { output: "Ring-ding-ding-ding-dingeringeding!" }], followExamples: true });
  const teacher = new Simple();
  const compiled = await new BootstrapFewShot({ metric: simpleMetric, maxBootstrappedDemos: 1, maxLabeledDemos: 1 }).compile(new Simple(), {
    trainset: [sky],
    teacher,
    lm,
  });
  assert.equal(compiled.compiled, true);
  assert.equal(compiled.predictor.demos.length, 1);
  const demo = compiled.predictor.demos[0]!;
  assert.deepEqual(demo.toDict(), { augmented: true, input: sky.get("input"), output: "blue" });
  // The example itself was hidden from the teacher's demos, so the teacher answered from `answers`.
  assert.equal(lm.calls[0]!.messages.length, 2);
  const pred = await compiled.call({ input: sky.get("input") }, { lm });
  assert.equal(pred.get("output"), "blue");
});

test("failed examples become labeled demos; bootstrapped demos come first", async () => {
  // Teacher has no labeled demos (maxLabeledDemos 0 would skip the top-up, so use a compiled teacher).
  const trainset = dataset(12);
  const teacher = new QA();
  teacher.compiled = true; // stays demo-free: LabeledFewShot is not applied to a compiled teacher
  const compiled = await new BootstrapFewShot({ metric: exactMatch, maxBootstrappedDemos: 2, maxLabeledDemos: 5 }).compile(new QA(), {
    trainset,
    teacher,
    lm: taskLM(),
  });
  const demos = compiled.predictor.demos;
  assert.equal(demos.length, 5);
  assert.equal(demos[0]!.get("augmented"), true);
  assert.equal(demos[1]!.get("augmented"), true);
  for (const d of demos.slice(2)) assert.equal(d.get("augmented"), undefined);
  // Bootstrapped demos carry the teacher's (correct) outputs.
  for (const d of demos.slice(0, 2)) {
    const [, a, b] = /What is (\d+) \+ (\d+)\?/.exec(String(d.get("question")))!;
    assert.equal(d.get("answer"), String(Number(a) + Number(b)));
  }
});

test("the teacher's own LM, teacherSettings.lm and the context LM are used in that order", async () => {
  const trainset = [sky];
  const fixed = (output: string) => new FakeLM({ fallback: { output } });
  const ctx = fixed("blue");
  const settingsLM = fixed("blue");
  const bf = new BootstrapFewShot({ metric: simpleMetric, maxBootstrappedDemos: 1, maxLabeledDemos: 0, teacherSettings: { lm: settingsLM } });
  await bf.compile(new Simple(), { trainset, lm: ctx });
  assert.equal(settingsLM.callCount, 1);
  assert.equal(ctx.callCount, 0);
  const teacher = new Simple();
  const own = fixed("blue");
  teacher.predictor.lm = own;
  await bf.compile(new Simple(), { trainset, teacher, lm: ctx });
  assert.equal(own.callCount, 1);
  assert.equal(settingsLM.callCount, 1);
});

test("maxRounds retries a failed example with a fresh rollout at temperature 1.0", async () => {
  const lm = new FakeLM({ answers: [{ output: "green" }, { output: "red" }, { output: "blue" }] });
  const bf = new BootstrapFewShot({ metric: simpleMetric, maxBootstrappedDemos: 1, maxLabeledDemos: 0, maxRounds: 3 });
  const compiled = await bf.compile(new Simple(), { trainset: [sky], lm });
  assert.equal(lm.callCount, 3);
  assert.deepEqual(
    lm.calls.map((c) => [c.options.rolloutId, c.options.temperature]),
    [
      [undefined, undefined],
      [1, 1.0],
      [2, 1.0],
    ],
  );
  assert.equal(compiled.predictor.demos.length, 1);
  assert.deepEqual(bf.stats, { examplesTried: 1, attempts: 3, bootstrapped: 1, errors: 0 });
});

test("metricThreshold: success means metric >= threshold", async () => {
  const lm = new FakeLM({ fallback: { output: "blue" } });
  const score: Metric = () => 0.6;
  const strict = await new BootstrapFewShot({ metric: score, metricThreshold: 0.7, maxBootstrappedDemos: 1, maxLabeledDemos: 0 }).compile(new Simple(), { trainset: [sky], lm });
  assert.equal(strict.predictor.demos.length, 0);
  const lenient = await new BootstrapFewShot({ metric: score, metricThreshold: 0.5, maxBootstrappedDemos: 1, maxLabeledDemos: 0 }).compile(new Simple(), { trainset: [sky], lm });
  assert.equal(lenient.predictor.demos.length, 1);
});

test("errors are tolerated up to maxErrors, then rethrown (DSPy's test_error_handling_during_bootstrap)", async () => {
  class Buggy extends Simple {
    override forward(): Promise<Prediction> {
      throw new Error("Simulated error");
    }
  }
  const lm = new FakeLM({ fallback: { output: "blue" } });
  await assert.rejects(
    new BootstrapFewShot({ metric: simpleMetric, maxBootstrappedDemos: 1, maxLabeledDemos: 1, maxErrors: 1 }).compile(new Simple(), { trainset: [sky], teacher: new Buggy(), lm }),
    /Simulated error/,
  );
  const tolerant = new BootstrapFewShot({ metric: simpleMetric, maxBootstrappedDemos: 1, maxLabeledDemos: 1, maxErrors: 5 });
  const compiled = await tolerant.compile(new Simple(), { trainset: [sky, sky], teacher: new Buggy(), lm });
  assert.equal(tolerant.stats.errors, 2);
  assert.equal(compiled.predictor.demos.length, 1); // a labeled demo
});

test("a budget stop and an abort propagate at once instead of counting as errors", async () => {
  const meter = new Meter({ maxCalls: 1 });
  const lm = meter.wrap(new FakeLM({ fallback: { output: "wrong" } }), "task");
  await assert.rejects(
    new BootstrapFewShot({ metric: simpleMetric, maxBootstrappedDemos: 2, maxLabeledDemos: 0, maxErrors: 100 }).compile(new Simple(), { trainset: [sky, sky, sky], lm }),
    BudgetExceededError,
  );
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    new BootstrapFewShot({ metric: simpleMetric }).compile(new Simple(), { trainset: [sky], lm: new FakeLM({ fallback: { output: "blue" } }), signal: controller.signal }),
    { name: "AbortError" },
  );
});

test("student and teacher must match; a compiled student is refused", async () => {
  class Other extends Module {
    other = new Predict("input -> output");
    forward(inputs: Inputs, options: CallOptions): Promise<Prediction> {
      return this.other.call(inputs, options);
    }
  }
  const lm = new FakeLM({ fallback: { output: "blue" } });
  await assert.rejects(new BootstrapFewShot({ metric: simpleMetric }).compile(new Simple(), { trainset: [sky], teacher: new Other(), lm }), /same program structure/);
  const compiled = new Simple();
  compiled.compiled = true;
  await assert.rejects(new BootstrapFewShot({ metric: simpleMetric }).compile(compiled, { trainset: [sky], lm }), /uncompiled/);
});
