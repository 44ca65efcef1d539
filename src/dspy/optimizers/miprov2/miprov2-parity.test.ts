/**
 * MIPROv2 against DSPy 3.3.1's logic: the grounded proposer describes the program inside every
 * proposal (grounded_proposer.py L191-225, L394-410), the run and the dry run share one draw plan,
 * the result carries DSPy's trial logs and candidate programs, and the trial counter never passes
 * the total.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../../testing/paths.js";
import { Predict } from "../../predict.js";
import type { FakeLMCall } from "../../testing/fake-lm.js";
import { QA, dataset, exactMatch, promptLM, taskLM } from "../arith-world.test-util.js";
import { TIPS } from "../grounded-proposer.js";
import { MIPROv2, type MIPROv2Checkpoint, type MIPROv2Options, drawPlan } from "../miprov2.js";

const trainset = dataset(40);
const valset = dataset(100, 1000);

function mipro(extra: Partial<MIPROv2Options> = {}) {
  const task = taskLM();
  const proposer = promptLM();
  const optimizer = new MIPROv2({ metric: exactMatch, promptModel: proposer, taskModel: task, auto: "light", seed: 9, ...extra });
  return { optimizer, task, proposer };
}

/** The value of input field `name` in a ChatAdapter user message. */
function field(call: FakeLMCall, name: string): string {
  const user = call.messages[call.messages.length - 1]!.content;
  const m = new RegExp(`\\[\\[ ## ${name} ## \\]\\]\\n([\\s\\S]*?)(?=\\n\\n\\[\\[ ## |\\n\\nRespond with)`).exec(user);
  assert.ok(m, `no ${name} in ${user.slice(0, 200)}`);
  return m[1]!;
}

const isDescribeProgram = (c: FakeLMCall) => c.messages[0]!.content.includes("Please describe what type of task");
const isDescribeModule = (c: FakeLMCall) => c.messages[0]!.content.includes("Please describe the purpose of one of the specified module");
const isGenerate = (c: FakeLMCall) => c.messages[0]!.content.includes("generate a new instruction");

test("every proposal describes the program and its module with its own task demos, rollout id and temperature (DSPy's GroundedProposer)", async () => {
  const { optimizer, proposer } = mipro({ initTemperature: 0.7 });
  const { report } = await optimizer.compile(new QA(), { trainset, valset });
  const plan = drawPlan(report.settings, valset.length, true);
  const calls = proposer.calls;
  // light, one predictor: 3 proposals (demo sets 0, 1, 2), each DescribeProgram + DescribeModule +
  // the generator; plus the dataset summary (1 + 3 "COMPLETE" batches + the summarizer) = 14, DSPy's count.
  assert.equal(calls.filter(isDescribeProgram).length, 3);
  assert.equal(calls.filter(isDescribeModule).length, 3);
  assert.equal(calls.filter(isGenerate).length, 3);
  assert.equal(calls.length, 14);
  assert.equal(report.calls.byRole["prompt"]!.calls, 14);

  for (const [i, p] of plan.proposals.entries()) {
    const mine = calls.filter((c) => c.options.rolloutId === p.rolloutId);
    const describe = mine.find(isDescribeProgram);
    const module = mine.find(isDescribeModule);
    const generate = mine.find(isGenerate);
    assert.ok(describe && module && generate, `proposal ${i}: its three calls share its rollout id ${p.rolloutId}`);
    for (const c of [describe, module, generate]) assert.equal(c.options.temperature, 0.7);
    // The program example is this proposal's task demos (DSPy: `program_example=task_demos`).
    const demos = field(generate, "task_demos");
    assert.equal(field(describe, "program_example"), demos);
    assert.equal(field(module, "program_example"), demos);
    assert.equal(field(module, "program_description"), "It answers arithmetic questions.");
    assert.equal(field(module, "module"), "Predict(question) -> answer");
    assert.equal(field(generate, "module_description"), "Produces the sum.");
    if (p.demoSet === 0) assert.equal(demos, "No task demos provided.");
    else assert.match(demos, /^Question: What is \d+ \+ \d+\?\nAnswer: \d+/);
    // The tip drawn for this proposal (none drops the field).
    const tip = TIPS[p.tipKey!]!;
    const user = generate.messages[generate.messages.length - 1]!.content;
    if (tip) assert.equal(field(generate, "tip"), tip);
    else assert.ok(!user.includes("[[ ## tip ## ]]"));
  }
  // Not one description for all (gridtune's old way, with demo set 1's demos): set 0 describes with none.
  const examples = plan.proposals.map((p) => field(calls.find((c) => c.options.rolloutId === p.rolloutId && isDescribeProgram(c))!, "program_example"));
  assert.equal(new Set(examples).size, 2);
  // Candidate 0 is still the original instruction.
  assert.equal(report.instructionCandidates[0]![0], new QA().predictor.signature.instructions);
});

test("the dry run's draw plan is the run's: valset, rollout ids, and the RNG the search starts from", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mipro-plan-"));
  try {
    for (const extra of [{}, { seed: 4 }, { maxBootstrappedDemos: 0, maxLabeledDemos: 0 }, { tipAwareProposer: false, seed: 2 }] as Partial<MIPROv2Options>[]) {
      const path = join(dir, `run-${JSON.stringify(extra).replace(/\W/g, "")}.json`);
      let atSearch: MIPROv2Checkpoint | null = null;
      const { optimizer, proposer } = mipro({
        ...extra,
        checkpointPath: path,
        progress: (e) => {
          if (e.phase === "search" && !atSearch) atSearch = JSON.parse(readFileSync(path, "utf8")) as MIPROv2Checkpoint;
        },
      });
      const { report } = await optimizer.compile(new QA(), { trainset, valset });
      const plan = drawPlan(report.settings, valset.length, extra.tipAwareProposer ?? true);
      const saved = atSearch as MIPROv2Checkpoint | null;
      assert.ok(saved, "a checkpoint was written when the search started");
      assert.deepEqual(saved.valIndices, plan.valIndices, "the valset subsample");
      const generateRollouts = proposer.calls.filter(isGenerate).map((c) => c.options.rolloutId);
      assert.deepEqual(generateRollouts.sort(), plan.proposals.map((p) => p.rolloutId).sort(), "the proposals' rollout ids");
      // The first search trial was checkpointed after its minibatch draw; the baseline draws nothing,
      // so the state after the baseline is the state the plan says the search starts from.
      assert.equal(saved.search.trials.length, 1, JSON.stringify(saved.search.trials.map((t) => t.kind)));
      assert.deepEqual(saved.rng, plan.rngAtSearchStart.getState(), "the shared RNG at the start of the search");
      // And the demo sets' sizes are what the plan drew (bootstrapping can fall short, never exceed).
      if (!report.settings.zeroshot) {
        for (const d of plan.demoSets) if (d.kind === "shuffled") assert.ok(report.demoSetSizes[0]![d.index]! <= Math.max(d.size, report.settings.maxLabeledDemos));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the result carries DSPy's trial logs, candidate programs and minibatch candidate programs", async () => {
  const { optimizer } = mipro();
  const { program, report, candidatePrograms, mbCandidatePrograms } = await optimizer.compile(new QA(), { trainset, valset });
  assert.equal(report.trialLogs.length, report.trials.length);
  let soFar = 0;
  for (const [i, log] of report.trialLogs.entries()) {
    const t = report.trials[i]!;
    soFar += t.batchSize;
    assert.equal(log.trial, t.number);
    assert.equal(log.score, t.score);
    assert.equal(log.totalEvalCallsSoFar, soFar);
    assert.deepEqual(log.instructions, [t.params?.["0_predictor_instruction"] ?? 0]);
    assert.deepEqual(log.demoSets, [t.params?.["0_predictor_demos"] ?? 0]);
  }
  assert.equal(report.trialLogs[0]!.totalEvalCallsSoFar, 100, "the baseline counts the full valset, as DSPy's does");
  // candidate_programs: the full evaluations (baseline included), best first; mb_candidate_programs: the rest.
  const full = report.trials.filter((t) => t.kind !== "minibatch");
  assert.equal(candidatePrograms.length, full.length);
  assert.equal(mbCandidatePrograms.length, report.trials.length - full.length);
  for (const list of [candidatePrograms, mbCandidatePrograms]) {
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1]!.score >= list[i]!.score);
  }
  assert.ok(candidatePrograms.every((c) => c.fullEval) && mbCandidatePrograms.every((c) => !c.fullEval));
  assert.equal(candidatePrograms[0]!.score, report.bestScore);
  // Each candidate is the program of its combination.
  for (const c of [...candidatePrograms, ...mbCandidatePrograms]) {
    const p = c.program.predictor;
    if (!c.params) assert.equal(p.signature.instructions, new QA().predictor.signature.instructions);
    else {
      assert.equal(p.signature.instructions, report.instructionCandidates[0]![c.params["0_predictor_instruction"]!]);
      assert.equal(p.demos.length, report.demoSetSizes[0]![c.params["0_predictor_demos"]!]);
    }
  }
  assert.equal(program.predictor.signature.instructions, candidatePrograms[0]!.program.predictor.signature.instructions);
});

test("the trial counter never passes the total, with or without minibatches", async () => {
  for (const extra of [{}, { auto: null, numCandidates: 3, numTrials: 4, minibatch: false }] as Partial<MIPROv2Options>[]) {
    const lines: string[] = [];
    const { optimizer } = mipro({ ...extra, log: (l) => lines.push(l) });
    const { report } = await optimizer.compile(new QA(), { trainset, valset: extra.minibatch === false ? valset.slice(0, 30) : valset });
    const counters = lines.map((l) => /^Trial (\d+) \/ (\d+):/.exec(l)).filter((m): m is RegExpExecArray => m !== null);
    assert.equal(counters.length, report.trials.length);
    for (const m of counters) assert.ok(Number(m[1]) <= Number(m[2]), m[0]);
    assert.equal(Number(counters[counters.length - 1]![1]), Number(counters[0]![2]), "the last trial is the total");
  }
});

test("compile does not run the dry-run estimate unless a budget is set; the report computes it when read", async () => {
  const lines: string[] = [];
  const { optimizer } = mipro({ log: (l) => lines.push(l) });
  const { report } = await optimizer.compile(new QA(), { trainset, valset });
  assert.ok(!lines.some((l) => l.includes("LM calls (DSPy's own estimate")), "no estimate logged");
  assert.equal(report.estimate.lmCalls.prompt, report.calls.byRole["prompt"]!.calls, "the prompt-model estimate is exact");
  assert.equal(report.estimate.lmCalls.describe, 6);
  const budgeted: string[] = [];
  await mipro({ budget: { maxCalls: 200 }, log: (l) => budgeted.push(l) }).optimizer.compile(new QA(), { trainset, valset });
  assert.ok(budgeted.some((l) => l.includes("budget: at most 200 calls")));
});

test("the proposer's prompts are DSPy 3.3.1's, byte for byte (a recording from Python, ./fixtures)", async () => {
  const fixture = JSON.parse(readFileSync(join(repoRoot, "src/dspy/optimizers/miprov2/fixtures/grounded-proposer.dspy-3.3.1.json"), "utf8")) as {
    inputs: { trainset: Record<string, unknown>[]; demoCandidates: unknown[][]; rngAfterStep1: unknown };
    calls: { messages: FakeLMCall["messages"]; temperature: number | null; rolloutId: number | null }[];
    instructionCandidates: string[][];
  };
  const dir = mkdtempSync(join(tmpdir(), "mipro-fixture-"));
  try {
    const path = join(dir, "run.json");
    let afterStep1: MIPROv2Checkpoint | null = null;
    const { optimizer, proposer } = mipro({
      checkpointPath: path,
      progress: (e) => {
        if (e.phase === "bootstrap" && e.done === e.total) afterStep1 = JSON.parse(readFileSync(path, "utf8")) as MIPROv2Checkpoint;
      },
    });
    const { report } = await optimizer.compile(new Predict("question -> answer"), { trainset, valset });
    // The recording's inputs are this run's step-1 outputs.
    const saved = afterStep1 as MIPROv2Checkpoint | null;
    assert.deepEqual(trainset.map((e) => e.toDict()), fixture.inputs.trainset);
    assert.deepEqual(saved!.demoSets[0], fixture.inputs.demoCandidates);
    assert.deepEqual(saved!.rng, fixture.inputs.rngAfterStep1);
    // Every prompt-model call, as Python DSPy made it (the order differs: gridtune runs them concurrently).
    const mine = proposer.calls.map((c) => ({ messages: c.messages, temperature: c.options.temperature ?? null, rolloutId: c.options.rolloutId ?? null }));
    const order = (cs: typeof mine) => [...cs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    assert.equal(mine.length, fixture.calls.length);
    assert.deepEqual(order(mine), order(fixture.calls));
    assert.deepEqual(report.instructionCandidates, fixture.instructionCandidates);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
