/** MIPROv2 with in-process FakeLMs (./arith-world.test-util.ts): proposals, search, call counts, budget, checkpoints. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluate } from "../evaluate.js";
import type { ProgressEvent } from "../../util/progress.js";
import { QA, dataset, exactMatch, promptLM, taskLM, type PromptLMOptions } from "./arith-world.test-util.js";
import { AUTO_RUN_SETTINGS, CheckpointMismatchError, MIPROv2, type MIPROv2Checkpoint, type MIPROv2Options } from "./miprov2.js";

const trainset = dataset(40);
const valset = dataset(100, 1000);

function mipro(extra: Partial<MIPROv2Options> = {}, prompt: PromptLMOptions = {}) {
  const task = taskLM();
  const proposer = promptLM(prompt);
  const optimizer = new MIPROv2({ metric: exactMatch, promptModel: proposer, taskModel: task, auto: "light", seed: 9, ...extra });
  return { optimizer, task, proposer, calls: () => task.callCount + proposer.callCount };
}

/** What must be equal between two runs that should be the same run. */
function outcome(report: Awaited<ReturnType<MIPROv2["compile"]>>["report"]) {
  return {
    instructionCandidates: report.instructionCandidates,
    demoSetSizes: report.demoSetSizes,
    trials: report.trials.map((t) => ({ number: t.number, kind: t.kind, params: t.params, score: t.score })),
    bestScore: report.bestScore,
    bestParams: report.bestParams,
  };
}

test("auto presets give DSPy's candidate counts, validation sizes and trial counts", () => {
  const { optimizer } = mipro();
  const s = optimizer.settingsFor(new QA(), 200, 500);
  assert.equal(s.numTrials, 10);
  assert.equal(s.numInstructCandidates, 3);
  assert.equal(s.numFewshotCandidates, 6);
  assert.equal(s.valsetSize, 100);
  assert.equal(s.minibatch, true);
  const trials = (auto: "light" | "medium" | "heavy", predictors: number, zeroshot: boolean) => {
    class Two extends QA {
      second = new (Object.getPrototypeOf(this.predictor).constructor)("question -> answer");
    }
    const program = predictors === 2 ? new Two() : new QA();
    const o = new MIPROv2({ metric: exactMatch, promptModel: taskLM(), taskModel: taskLM(), auto, ...(zeroshot ? { maxBootstrappedDemos: 0, maxLabeledDemos: 0 } : {}) });
    return o.settingsFor(program, 2000, 2000);
  };
  // The table in the reference (mipro_optimizer_v2.py L46-50, L280-317).
  assert.deepEqual([trials("light", 1, false).numTrials, trials("medium", 1, false).numTrials, trials("heavy", 1, false).numTrials], [10, 18, 27]);
  assert.deepEqual([trials("light", 2, false).numTrials, trials("medium", 2, false).numTrials, trials("heavy", 2, false).numTrials], [20, 28, 33]);
  assert.deepEqual([trials("light", 1, true).numTrials, trials("medium", 1, true).numTrials, trials("heavy", 1, true).numTrials], [9, 18, 27]);
  for (const auto of ["light", "medium", "heavy"] as const) {
    const few = trials(auto, 1, false);
    const zero = trials(auto, 1, true);
    assert.equal(few.valsetSize, AUTO_RUN_SETTINGS[auto].valSize);
    assert.equal(few.numFewshotCandidates, AUTO_RUN_SETTINGS[auto].n);
    assert.equal(few.numInstructCandidates, AUTO_RUN_SETTINGS[auto].n / 2);
    assert.equal(zero.numInstructCandidates, AUTO_RUN_SETTINGS[auto].n);
  }
  assert.equal(optimizer.settingsFor(new QA(), 200, 50).minibatch, false); // 50 is not > MIN_MINIBATCH_SIZE
  assert.throws(() => new MIPROv2({ metric: exactMatch, promptModel: taskLM(), taskModel: taskLM(), auto: null }).settingsFor(new QA(), 10, 10), /numCandidates/);
  assert.throws(() => new MIPROv2({ metric: exactMatch, promptModel: taskLM(), taskModel: taskLM(), numTrials: 5 }).settingsFor(new QA(), 10, 10), /cannot be set/);
});

test("MIPROv2 proposes instructions, searches, and returns the best fully evaluated program", async () => {
  const { optimizer, proposer } = mipro();
  const { program, report } = await optimizer.compile(new QA(), { trainset, valset });
  // Proposals: candidate 0 is the original instruction, the others come from the prompt model.
  const [cands] = report.instructionCandidates;
  assert.equal(cands!.length, 3);
  assert.equal(cands![0], new QA().predictor.signature.instructions);
  assert.ok(cands!.some((c) => c.includes("CAREFULLY")), JSON.stringify(cands));
  assert.equal(report.datasetSummary, "Arithmetic questions asking for the sum of two small integers.");
  assert.equal(report.programDescription!.modules[0]!.code, "Predict(question) -> answer");
  assert.ok(proposer.calls.some((c) => c.messages[0]!.content.includes("generate a new instruction")));
  // Demo sets: none, labeled only, then bootstrapped ones.
  assert.equal(report.demoSetSizes[0]!.length, 6);
  assert.equal(report.demoSetSizes[0]![0], 0);
  // Search: baseline, 10 minibatch trials, full evaluations every 5 and at the end.
  assert.equal(report.trials[0]!.kind, "baseline");
  assert.equal(report.trials.filter((t) => t.kind === "minibatch").length, 10);
  assert.deepEqual(
    report.trials.filter((t) => t.kind === "full").map((t) => t.number),
    [7, 13],
  );
  assert.equal(report.baselineScore, 25);
  assert.equal(report.bestScore, 100);
  assert.equal(report.stoppedBy, "completed");
  // The best is a fully evaluated combination, and the returned program is that combination.
  const bestTrial = report.trials.find((t) => t.number === report.bestTrial)!;
  assert.notEqual(bestTrial.kind, "minibatch");
  assert.equal(program.predictor.signature.instructions, cands![report.bestParams!["0_predictor_instruction"]!]);
  assert.equal(program.predictor.demos.length, report.demoSetSizes[0]![report.bestParams!["0_predictor_demos"]!]);
  const again = await evaluate(program, { devset: valset, metric: exactMatch, callOptions: { lm: taskLM() } });
  assert.equal(again.score, report.bestScore);
});

test("a seeded run is reproducible; another seed searches differently", async () => {
  const a = await mipro().optimizer.compile(new QA(), { trainset, valset });
  const b = await mipro().optimizer.compile(new QA(), { trainset, valset });
  assert.deepEqual(outcome(a.report), outcome(b.report));
  assert.deepEqual(a.program.dumpState(), b.program.dumpState());
  const c = await mipro({ seed: 10 }).optimizer.compile(new QA(), { trainset, valset });
  assert.notDeepEqual(outcome(c.report).trials, outcome(a.report).trials);
});

test("light, 1 predictor with demos: no more LM calls than DSPy's formula; the dry run is within 10% of the calls made", async () => {
  const { optimizer, calls } = mipro();
  const estimate = optimizer.estimateCalls(new QA(), { trainset, valset });
  assert.equal(calls(), 0, "the dry run calls no LM");
  const { report } = await optimizer.compile(new QA(), { trainset, valset });
  const actual = calls();
  assert.equal(report.calls.calls, actual, "the meter counts every call");

  // DSPy 3.3.1, teleprompt/mipro_optimizer_v2.py `_estimate_lm_calls` (L353-397):
  //   prompt model = 10 data-summarizer calls + num_instruct_candidates · num_predictors + (num_predictors + 1)   (L367-371)
  //   task model   = minibatch_size · num_trials + len(valset) · (num_trials // minibatch_full_eval_steps + 1)    (L389-390)
  // with light's settings (L46-50, L280-317): n = 6 → 3 instruction candidates; num_trials =
  // int(max(2 · (1·2) · log2 6, 1.5 · 6)) = 10; valset subsampled to 100 > 50 → minibatches of 35, full eval every 5.
  const dspyPrompt = 10 + 3 * 1 + (1 + 1);
  const dspyTask = 35 * 10 + 100 * (Math.floor(10 / 5) + 1);
  const dspyFormula = dspyPrompt + dspyTask; // 665
  assert.equal(dspyFormula, 665);
  assert.deepEqual(report.estimate.dspyFormula, { prompt: dspyPrompt, task: dspyTask, total: dspyFormula });

  assert.ok(actual <= dspyFormula, `made ${actual} LM calls, DSPy's formula says ${dspyFormula}`);
  const error = Math.abs(estimate.lmCalls.total - actual) / actual;
  assert.ok(error <= 0.1, `dry run ${estimate.lmCalls.total} vs ${actual} made (${(100 * error).toFixed(1)}%)`);
  // The prompt-model part of the estimate is exact here.
  assert.equal(estimate.lmCalls.prompt, report.calls.byRole["prompt"]!.calls);
  assert.match(estimate.text, /total: ~\d+ LM calls \(DSPy's own estimate for these settings: 665/);
});

test("the dry run stays within 10% across seeds (within 15% without minibatches or demos)", async () => {
  const cases: [Partial<MIPROv2Options>, number, number, number?][] = [
    // [options, valset size, tolerance, the world's bootstrap success rate when not the default 0.5]
    ...[1, 2, 3, 4, 5].map((seed): [Partial<MIPROv2Options>, number, number] => [{ seed }, 100, 0.1]),
    ...[1, 2].map((seed): [Partial<MIPROv2Options>, number, number] => [{ seed }, 40, 0.15]), // 40 ≤ 50: every trial on the full valset
    ...[1, 2].map((seed): [Partial<MIPROv2Options>, number, number, number] => [{ seed, maxBootstrappedDemos: 0, maxLabeledDemos: 0 }, 100, 0.15, 0.25]),
  ];
  for (const [extra, valSize, tolerance, rate] of cases) {
    const { optimizer, calls } = mipro(extra);
    const val = valset.slice(0, valSize);
    const estimate = optimizer.estimateCalls(new QA(), { trainset, valset: val }, rate ? { bootstrapSuccessRate: rate } : {});
    await optimizer.compile(new QA(), { trainset, valset: val });
    const error = Math.abs(estimate.lmCalls.total - calls()) / calls();
    assert.ok(error <= tolerance, `${JSON.stringify(extra)} val ${valSize}: dry run ${estimate.lmCalls.total} vs ${calls()} made`);
  }
});

test("zero-shot: instructions only, no demo parameter", async () => {
  const { optimizer } = mipro({ maxBootstrappedDemos: 0, maxLabeledDemos: 0 });
  const { program, report } = await optimizer.compile(new QA(), { trainset, valset });
  assert.equal(report.settings.zeroshot, true);
  assert.equal(report.instructionCandidates[0]!.length, 6);
  assert.deepEqual(report.demoSetSizes, []);
  for (const t of report.trials) if (t.params) assert.deepEqual(Object.keys(t.params), ["0_predictor_instruction"]);
  assert.equal(program.predictor.demos.length, 0);
  assert.match(program.predictor.signature.instructions, /CAREFULLY/);
  assert.ok(report.bestScore! > 70, `${report.bestScore}`); // about 75% for the CAREFULLY instruction without demos
});

test("a proposal that fails to parse is retried, then skipped — never fatal", async () => {
  const garbled = mipro({}, { garbleFirstTry: () => true });
  const retried = await garbled.optimizer.compile(new QA(), { trainset, valset });
  assert.equal(retried.report.failedProposals, 0);
  assert.equal(retried.report.instructionCandidates[0]!.length, 3);
  const broken = mipro({}, { alwaysGarble: () => true });
  const skipped = await broken.optimizer.compile(new QA(), { trainset, valset });
  assert.equal(skipped.report.failedProposals, 2);
  assert.deepEqual(skipped.report.instructionCandidates, [[new QA().predictor.signature.instructions]]);
  assert.equal(skipped.report.stoppedBy, "completed");
  assert.ok(skipped.report.bestScore! >= skipped.report.baselineScore!);
});

test("a dataset summary that fails to parse turns the data-aware proposer off instead of failing", async () => {
  const { optimizer, proposer } = mipro({}, { garbleSummary: true });
  const { report } = await optimizer.compile(new QA(), { trainset, valset });
  assert.equal(report.datasetSummary, null);
  assert.equal(report.instructionCandidates[0]!.length, 3);
  const generate = proposer.calls.find((c) => c.messages[0]!.content.includes("generate a new instruction"))!;
  assert.doesNotMatch(generate.messages[0]!.content, /dataset_description/);
});

test("maxBootstrappedDemos 0 with labeled demos works (DSPy crashes in randint(1, 0), stanfordnlp/dspy#9938)", async () => {
  const { optimizer, task } = mipro({ maxBootstrappedDemos: 0, maxLabeledDemos: 2, budget: { maxCalls: 250 } });
  const { report } = await optimizer.compile(new QA(), { trainset, valset });
  assert.deepEqual(report.demoSetSizes, [[0, 2, 2, 2, 2, 2]]);
  assert.equal(report.calls.byRole["task"]!.calls, report.trials.reduce((s, t) => s + t.calls, 0), "no bootstrap runs");
  assert.ok(task.callCount <= 250);
});

test("a call budget stops the search cleanly with the best fully evaluated program so far", async () => {
  const { optimizer, calls } = mipro({ budget: { maxCalls: 300 } });
  const { program, report } = await optimizer.compile(new QA(), { trainset, valset });
  assert.equal(report.stoppedBy, "budget");
  assert.ok(calls() <= 300, `${calls()} calls`);
  assert.ok(report.trials.filter((t) => t.kind === "minibatch").length < 10);
  assert.notEqual(report.bestScore, null);
  assert.notEqual(report.trials.find((t) => t.number === report.bestTrial)!.kind, "minibatch");
  const again = await evaluate(program, { devset: valset, metric: exactMatch, callOptions: { lm: taskLM() } });
  assert.equal(again.score, report.bestScore);
  assert.match(report.estimate.text, /budget: at most 300 calls/);
});

test("a dollar budget stops the search too (priced with the given table)", async () => {
  // 10 prompt tokens a call at $1000 per million: $0.01 per task call.
  const { optimizer, task } = mipro({ budget: { maxCostUsd: 3 }, prices: { "fake/task": { input: 1000, output: 0 } } });
  const { report } = await optimizer.compile(new QA(), { trainset, valset });
  assert.equal(report.stoppedBy, "budget");
  assert.ok(report.calls.costUsd <= 3 + 1e-9, `$${report.calls.costUsd}`);
  assert.ok(task.callCount <= 300);
  assert.notEqual(report.bestScore, null);
});

test("a budget too small for the search returns the student unchanged", async () => {
  const { optimizer, calls } = mipro({ budget: { maxCalls: 5 } });
  const student = new QA();
  const { program, report } = await optimizer.compile(student, { trainset, valset });
  assert.equal(report.stoppedBy, "budget");
  assert.equal(report.bestScore, null);
  assert.ok(calls() <= 5);
  assert.deepEqual(program.dumpState(), student.dumpState());
});

test("every step is checkpointed; a resumed run repeats no finished trial and ends as an uninterrupted run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mipro-ckpt-"));
  try {
    const uninterrupted = await mipro().optimizer.compile(new QA(), { trainset, valset });

    // Kill the run (abort) after its 4th minibatch trial.
    const path = join(dir, "run.json");
    const controller = new AbortController();
    const first = mipro({
      checkpointPath: path,
      progress: (e: ProgressEvent) => {
        if (e.phase === "search" && e.done === 4) controller.abort();
      },
    });
    await assert.rejects(first.optimizer.compile(new QA(), { trainset, valset, signal: controller.signal }), { name: "AbortError" });
    const saved = JSON.parse(readFileSync(path, "utf8")) as MIPROv2Checkpoint;
    assert.equal(saved.phase, "search");
    assert.equal(saved.search.objectiveDone, 4);
    assert.equal(saved.proposal.instructionCandidates[0]!.length, 3);
    assert.equal(saved.demoSets[0]!.length, 6);
    assert.notEqual(saved.bestProgram, null);
    assert.equal(saved.calls.calls, first.calls());

    // Resume with fresh LMs: no bootstrapping or proposing again, the remaining trials only.
    const second = mipro({ checkpointPath: path, resume: true });
    const resumed = await second.optimizer.compile(new QA(), { trainset, valset });
    assert.equal(second.proposer.callCount, 0);
    assert.deepEqual(resumed.report.resumed, { phase: "search", trials: 5 });
    assert.deepEqual(outcome(resumed.report), outcome(uninterrupted.report));
    assert.deepEqual(resumed.program.dumpState(), uninterrupted.program.dumpState());
    const uninterruptedCalls = uninterrupted.report.calls.calls;
    assert.equal(second.calls() + first.calls(), uninterruptedCalls, "no finished work is repeated");
    assert.equal(resumed.report.calls.calls, uninterruptedCalls);

    // Resuming a finished run makes no calls and returns the same program.
    const third = mipro({ checkpointPath: path, resume: true });
    const done = await third.optimizer.compile(new QA(), { trainset, valset });
    assert.equal(third.calls(), 0);
    assert.deepEqual(outcome(done.report), outcome(uninterrupted.report));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a run killed while bootstrapping, proposing, or in the middle of a trial resumes to the same result", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mipro-ckpt-"));
  try {
    const reference = outcome((await mipro().optimizer.compile(new QA(), { trainset, valset })).report);
    for (const [phase, at] of [
      ["bootstrap", 3],
      ["propose", 1],
      ["evaluate", 10], // the 10th example of the 3rd trial's minibatch: the trial is lost, then redone
    ] as const) {
      const path = join(dir, `${phase}.json`);
      const controller = new AbortController();
      let trialsDone = 0;
      const killed = mipro({
        checkpointPath: path,
        progress: (e) => {
          if (e.phase === "search") trialsDone = e.done;
          if (e.phase === phase && e.done === at && (phase !== "evaluate" || trialsDone === 2)) controller.abort();
        },
      });
      await assert.rejects(killed.optimizer.compile(new QA(), { trainset, valset, signal: controller.signal }), { name: "AbortError" });
      const resumed = await mipro({ checkpointPath: path, resume: true }).optimizer.compile(new QA(), { trainset, valset });
      assert.deepEqual(outcome(resumed.report), reference, phase);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a checkpoint from another configuration is refused; without resume a run starts over", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mipro-ckpt-"));
  try {
    const path = join(dir, "run.json");
    await mipro({ checkpointPath: path, budget: { maxCalls: 150 } }).optimizer.compile(new QA(), { trainset, valset });
    assert.ok(existsSync(path));
    await assert.rejects(mipro({ checkpointPath: path, resume: true, seed: 10 }).optimizer.compile(new QA(), { trainset, valset }), CheckpointMismatchError);
    writeFileSync(path, "{ not json");
    await assert.rejects(mipro({ checkpointPath: path, resume: true }).optimizer.compile(new QA(), { trainset, valset }), CheckpointMismatchError);
    const fresh = await mipro({ checkpointPath: path }).optimizer.compile(new QA(), { trainset, valset });
    assert.equal(fresh.report.resumed, null);
    assert.equal((JSON.parse(readFileSync(path, "utf8")) as MIPROv2Checkpoint).phase, "done");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a budget-stopped run resumed with a larger budget finishes as an unlimited run would", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mipro-ckpt-"));
  try {
    const path = join(dir, "run.json");
    const reference = outcome((await mipro().optimizer.compile(new QA(), { trainset, valset })).report);
    const stopped = await mipro({ checkpointPath: path, budget: { maxCalls: 300 } }).optimizer.compile(new QA(), { trainset, valset });
    assert.equal(stopped.report.stoppedBy, "budget");
    const finished = await mipro({ checkpointPath: path, resume: true, budget: { maxCalls: 10_000 } }).optimizer.compile(new QA(), { trainset, valset });
    assert.equal(finished.report.stoppedBy, "completed");
    assert.deepEqual(outcome(finished.report), reference);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("progress reports every phase; an AbortSignal cancels compile", async () => {
  const phases = new Set<string>();
  const { optimizer } = mipro({ progress: (e) => phases.add(e.phase) });
  await optimizer.compile(new QA(), { trainset, valset });
  assert.deepEqual([...phases].sort(), ["bootstrap", "evaluate", "propose", "search"]);

  const controller = new AbortController();
  const slow = new MIPROv2({ metric: exactMatch, promptModel: promptLM(), taskModel: taskLM({ delayMs: 2 }), auto: "light" });
  setTimeout(() => controller.abort(new Error("stop now")), 30);
  await assert.rejects(slow.compile(new QA(), { trainset, valset, signal: controller.signal }), /stop now/);
});

test("the task model's own-LM predictors are metered, and the returned program has the original LM", async () => {
  const own = taskLM();
  const student = new QA();
  student.predictor.lm = own;
  const context = taskLM();
  const { program, report } = await new MIPROv2({ metric: exactMatch, promptModel: promptLM(), taskModel: context, auto: "light", budget: { maxCalls: 400 } }).compile(student, {
    trainset,
    valset,
  });
  assert.equal(context.callCount, 0, "the predictor's own LM wins over the task model");
  assert.ok(own.callCount > 0);
  assert.equal(program.predictor.lm, own);
  assert.equal(report.calls.byRole["task"]!.calls, own.callCount);
  assert.ok(report.calls.calls <= 400);
});

test("the trial log counts to its total: the baseline is trial 1 of numTrials + 1 (no minibatch) and of DSPy's adjusted count (minibatch)", async () => {
  for (const [val, minibatch] of [[dataset(40, 1000), false], [valset, true]] as const) {
    const lines: string[] = [];
    const { optimizer } = mipro({ log: (l) => lines.push(l) });
    await optimizer.compile(new QA(), { trainset, valset: val });
    const counts = lines.flatMap((l) => {
      const m = /Trial (\d+) \/ (\d+)/.exec(l);
      return m ? [[Number(m[1]), Number(m[2])] as const] : [];
    });
    assert.ok(counts.length > 1, `minibatch ${minibatch}: trial lines logged`);
    const total = counts[0]![1];
    assert.ok(counts.every(([n, of]) => of === total && n >= 1 && n <= of), `minibatch ${minibatch}: ${JSON.stringify(counts)}`);
    if (!minibatch) assert.deepEqual(counts.map(([n]) => n), Array.from({ length: total }, (_, i) => i + 1));
  }
});
