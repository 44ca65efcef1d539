/**
 * GEPA on a learnable world, against MIPROv2 light at an equal metric-call budget, and GEPA's dry-run
 * estimate, budget and resume.
 *
 * The world (../arith-world.test-util.ts's questions): the task model answers `a + b` right when
 * `(7a + 3b) mod 4 < t`, t = 1, +1 with a demo, +2 when the instruction says "carry the tens". Only
 * the feedback knows that rule ("Hint: carry the tens"); MIPROv2's proposer does not read feedback.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { ChatMessage } from "../../../lm/types.js";
import { Evaluate, type Metric } from "../../evaluate.js";
import { FakeLM } from "../../testing/fake-lm.js";
import { QA, dataset, promptLM } from "../arith-world.test-util.js";
import { MIPROv2 } from "../miprov2.js";
import type { GEPAFeedbackMetric } from "./adapter.js";
import { GEPA } from "./gepa.js";

const HINT = "carry the tens";

function worldTaskLM(): FakeLM {
  return new FakeLM({
    model: "fake/task",
    respond: (messages: ChatMessage[]) => {
      const last = messages[messages.length - 1]?.content ?? "";
      const m = /\[\[ ## question ## \]\]\nWhat is (\d+) \+ (\d+)\?/.exec(last);
      if (!m) return undefined;
      const a = Number(m[1]);
      const b = Number(m[2]);
      const demos = (messages.length - 2) / 2;
      const t = 1 + (demos >= 1 ? 1 : 0) + (messages[0]!.content.includes(HINT) ? 2 : 0);
      return { answer: String((7 * a + 3 * b) % 4 < t ? a + b : a + b + 1) };
    },
  });
}

/** A reflection model that follows the hints it reads. */
function worldReflectionLM(): FakeLM {
  return new FakeLM({
    model: "fake/reflect",
    respond: (messages) => {
      const prompt = messages[messages.length - 1]!.content;
      const current = prompt.split("```\n").slice(1).join("```\n").split("\n```")[0]!;
      const hint = /Hint: ([^.]+)\./.exec(prompt);
      const next = hint && !current.includes(hint[1]!) ? `${current} Remember to ${hint[1]}.` : `${current} Be precise.`;
      return `\`\`\`\n${next}\n\`\`\``;
    },
  });
}

function counted<M extends (...args: never[]) => unknown>(metric: M): { metric: M; calls: () => number } {
  let n = 0;
  return { metric: ((...args: never[]) => (n++, metric(...args))) as M, calls: () => n };
}

const exact = (gold: { get(k: string): unknown }, pred: { get(k: string): unknown }) => gold.get("answer") === pred.get("answer");
const feedback: GEPAFeedbackMetric = (gold, pred) =>
  exact(gold, pred) ? { score: 1, feedback: "Correct." } : { score: 0, feedback: `Wrong: the sum is ${String(gold.get("answer"))}, not ${String(pred.get("answer"))}. Hint: ${HINT}.` };

const trainset = dataset(40);
const valset = dataset(60, 1000);

async function valScore(program: QA): Promise<number> {
  const r = await new Evaluate({ devset: valset, metric: exact as unknown as Metric, numThreads: 8 }).run({ call: (i, o) => program.call(i, { ...o, lm: worldTaskLM() }) });
  return r.score;
}

test("GEPA with feedback beats MIPROv2 light at an equal metric-call budget", async (t) => {
  const mipMetric = counted(((g, p) => exact(g, p)) as Metric);
  const mipro = await new MIPROv2({ metric: mipMetric.metric, promptModel: promptLM(), taskModel: worldTaskLM(), auto: "light", seed: 9 }).compile(new QA(), { trainset, valset });
  const miproCalls = mipMetric.calls();
  const miproScore = await valScore(mipro.program);

  const gepaMetric = counted(feedback);
  // The same budget, with the feedback calls counted in it.
  const gepa = new GEPA({ metric: gepaMetric.metric, reflectionLM: worldReflectionLM(), maxMetricCalls: miproCalls, countFeedbackMetricCalls: true, seed: 0 });
  const optimized = await gepa.compile(new QA(), { trainset, valset, lm: worldTaskLM() });
  const gepaCalls = gepaMetric.calls();
  const gepaScore = await valScore(optimized);
  const figures = { miproLight: { metricCalls: miproCalls, valScore: miproScore }, gepa: { metricCalls: gepaCalls, valScore: gepaScore, instruction: optimized.predictor.signature.instructions } };
  t.diagnostic(JSON.stringify(figures));
  // GEPA stops at the first iteration boundary past the budget (as gepa does): at most one iteration over.
  assert.ok(gepaCalls <= miproCalls + 3 * 3 + valset.length, `GEPA made ${gepaCalls} metric calls, MIPROv2 ${miproCalls}`);
  assert.equal(gepaCalls, optimized.detailedResults.totalMetricCalls);
  assert.ok(gepaScore > miproScore, JSON.stringify(figures));
  assert.match(optimized.predictor.signature.instructions, /carry the tens/);
});

for (const countFeedbackMetricCalls of [false, true]) {
  test(`GEPA's dry-run estimate is within 10% of the LM calls made (feedback calls ${countFeedbackMetricCalls ? "" : "not "}in the budget)`, async () => {
    const task = worldTaskLM();
    const reflection = worldReflectionLM();
    const gepa = new GEPA({ metric: feedback, reflectionLM: reflection, maxMetricCalls: 400, seed: 0, countFeedbackMetricCalls });
    const estimate = gepa.estimateCalls(new QA(), { trainset, valset: valset.slice(0, 20) });
    await gepa.compile(new QA(), { trainset, valset: valset.slice(0, 20), lm: task });
    const made = task.callCount + reflection.callCount;
    assert.ok(Math.abs(estimate.total - made) <= 0.1 * made, `estimate ${estimate.total}, made ${made}`);
  });
}

test("GEPA stops at a call budget with the best program so far", async () => {
  const task = worldTaskLM();
  const gepa = new GEPA({ metric: feedback, reflectionLM: worldReflectionLM(), maxMetricCalls: 400, seed: 0, budget: { maxCalls: 100 } });
  const out = await gepa.compile(new QA(), { trainset, valset: valset.slice(0, 20), lm: task });
  assert.equal(out.detailedResults.stoppedBy, "budget");
  assert.ok(out.detailedResults.spent.calls <= 100);
  assert.ok(out.detailedResults.candidates.length >= 1);
});

test("a GEPA run killed mid-way resumes from its checkpoint to the uninterrupted result", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gepa-resume-"));
  try {
    const run = (path: string | undefined, signal?: AbortSignal) =>
      new GEPA({ metric: feedback, reflectionLM: worldReflectionLM(), maxMetricCalls: 200, seed: 2, ...(path ? { checkpointPath: path, resume: true } : {}) }).compile(new QA(), {
        trainset,
        valset: valset.slice(0, 20),
        lm: worldTaskLM(),
        ...(signal ? { signal } : {}),
      });
    const whole = await run(undefined);
    const path = join(dir, "gepa.json");
    const controller = new AbortController();
    let iterations = 0;
    const killed = new GEPA({
      metric: feedback,
      reflectionLM: worldReflectionLM(),
      maxMetricCalls: 200,
      seed: 2,
      checkpointPath: path,
      resume: true,
      onIteration: () => {
        if (++iterations === 4) controller.abort(new Error("killed"));
      },
    }).compile(new QA(), { trainset, valset: valset.slice(0, 20), lm: worldTaskLM(), signal: controller.signal });
    await assert.rejects(killed, /killed/);
    const resumed = await run(path);
    assert.equal(resumed.detailedResults.resumed, true);
    const strip = (d: typeof whole.detailedResults) => ({ ...d, spent: null, resumed: null, resumedIterations: null, reflections: d.reflections.length });
    assert.deepEqual(strip(resumed.detailedResults), strip(whole.detailedResults));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});


