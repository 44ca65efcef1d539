/**
 * MIPROv2's steps 1 and 2: bootstrap the demo sets (with the task model), then propose instructions
 * (with the prompt model).
 *
 * Every RNG draw of these steps comes from the draw plan (./draw-plan.ts) and depends on nothing an
 * LM returns: the draws are made first, in DSPy's order, so every set and proposal gets exactly the
 * stream the sequential loop gives it; then they run concurrently (util/ordered-pool) and are
 * committed (and checkpointed) in order, each with the RNG state as of its own draws.
 */
import { runOrderedPool } from "../../../util/ordered-pool.js";
import type { Example } from "../../example.js";
import type { Module } from "../../module.js";
import { BootstrapFewShot } from "../bootstrap-few-shot.js";
import { type ProgramDescription, TIPS, createDatasetSummary, describeProgram, programCodeString, proposeInstruction, taskDemosFor } from "../grounded-proposer.js";
import { LabeledFewShot } from "../labeled-few-shot.js";
import { BudgetExceededError } from "../lm-wrappers.js";
import { exampleFromJSON, exampleToJSON, resetCopyKeepingLMs, throwIfStopped } from "../program-tools.js";
import { PyRandom, type PyRandomState } from "../py-random.js";
import { drawDemoSets, drawProposals, proposalsPerPredictor } from "./draw-plan.js";
import type { MiproRun } from "./run.js";
import { BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT, bootstrapLimits } from "./settings.js";

/** How many independent LM steps (demo sets, proposals) run at once: numThreads, or 1 under a budget (so a budget stops at the very step it stops at sequentially). */
export function stepConcurrency(run: MiproRun<Module>): number {
  const b = run.meter.budget;
  if (b.maxCalls !== undefined || b.maxCostUsd !== undefined) return 1;
  return Math.max(1, Math.floor(run.opt.numThreads));
}

/** Runs the planned jobs in order of commit; on a failure the shared RNG goes back to the last committed state. */
async function runCommitted<T>(
  run: MiproRun<Module>,
  rngBeforeDraws: PyRandomState,
  jobs: { run: () => Promise<T>; rng: PyRandomState }[],
  /** Records the result in the run state; what it returns runs after the checkpoint is written. */
  commit: (value: T, j: number) => () => void,
): Promise<void> {
  let lastRng = rngBeforeDraws;
  try {
    await runOrderedPool(
      jobs.length,
      async (j) => {
        throwIfStopped(run.signal);
        return jobs[j]!.run();
      },
      {
        concurrency: stepConcurrency(run),
        onResult: (value, j) => {
          const afterSave = commit(value, j);
          lastRng = jobs[j]!.rng;
          run.save(lastRng);
          afterSave();
        },
      },
    );
  } catch (error) {
    run.rng = PyRandom.fromState(lastRng);
    throw error;
  }
}

/** Step 1: the demo sets of every predictor (DSPy's `create_n_fewshot_demo_sets`). */
export async function bootstrapDemoSets(run: MiproRun<Module>): Promise<void> {
  const s = run.settings;
  const mo = run.mipro.options;
  const { maxLabeled } = bootstrapLimits(s);
  const total = s.numFewshotCandidates;
  const bootstrap = (size: number, trainset: Example[]) =>
    new BootstrapFewShot({
      metric: mo.metric,
      ...(mo.metricThreshold !== undefined ? { metricThreshold: mo.metricThreshold } : {}),
      teacherSettings: run.teacherSettings,
      maxBootstrappedDemos: size,
      maxLabeledDemos: maxLabeled,
      maxRounds: 1,
      maxErrors: run.opt.maxErrors,
      log: (line) => run.log(line),
    }).compile(run.program, {
      trainset,
      ...(run.teacher ? { teacher: run.teacher } : {}),
      lm: run.taskLM,
      ...(mo.adapter ? { adapter: mo.adapter } : {}),
      signal: run.callSignal,
    });
  const before = run.rng.getState();
  const draws = drawDemoSets(run.rng, s, run.trainset, run.state.demoSets[0]?.length ?? 0);
  const jobs = draws.map((d) => {
    let job: () => Promise<Module>;
    switch (d.kind) {
      case "none":
        job = async () => resetCopyKeepingLMs(run.program);
        break;
      case "labeled":
        job = async () => new LabeledFewShot({ k: maxLabeled }).compile(run.program, { trainset: d.trainset });
        break;
      case "unshuffled":
      case "shuffled":
        job = () => bootstrap(d.size, d.trainset);
        break;
    }
    return { run: job, rng: d.rng };
  });
  await runCommitted(run, before, jobs, (compiled, j) => {
    const k = draws[j]!.index;
    compiled.predictors().forEach((p, i) => run.state.demoSets[i]!.push(p.demos.map(exampleToJSON)));
    return () => run.progress("bootstrap", k + 1, total, `demo set ${k + 1}/${total}: ${compiled.predictors().map((p) => p.demos.length).join("/")} demos`);
  });
}

function proposerContext(run: MiproRun<Module>) {
  const mo = run.mipro.options;
  return {
    lm: run.promptLM,
    ...(mo.adapter ? { adapter: mo.adapter } : {}),
    signal: run.callSignal,
    log: (line: string) => run.log(line),
  };
}

/**
 * Starts the dataset summary (it reads only the trainset, so it can run alongside the
 * bootstrapping); its result lands in the state, which the next checkpoint records.
 */
export function startDatasetSummary(run: MiproRun<Module>): void {
  const st = run.state.proposal;
  if (st.summaryDone || run.summaryTask || !run.opt.dataAware) return;
  // Under a budget the summary keeps its sequential place (after the demo sets).
  if (stepConcurrency(run) === 1 && run.state.phase === "bootstrap") return;
  const task = (async () => {
    throwIfStopped(run.signal);
    try {
      st.datasetSummary = await createDatasetSummary(run.trainset, run.opt.viewDataBatchSize, proposerContext(run));
      run.log(`Dataset summary: ${st.datasetSummary}`);
    } catch (error) {
      if (error instanceof BudgetExceededError || run.signal?.aborted) throw error;
      run.log(`Error getting data summary: ${(error as Error).message}. Running without data aware proposer.`);
      st.datasetSummary = null;
    }
    st.summaryDone = true;
  })();
  task.catch(() => undefined); // awaited (and its error raised) by proposeInstructions
  run.summaryTask = task;
}

/** What one proposal produced: the candidate it adds and the description it was grounded on. */
interface ProposalOutcome {
  /** The new candidate (the original instruction for demo set 0), undefined when every try failed. */
  instruction: string | undefined;
  description: ProgramDescription | null;
}

/**
 * Step 2: instruction candidates per predictor; candidate 0 is the original instruction. As DSPy's
 * GroundedProposer does, each proposal (demo set 0's included, whose result DSPy then overwrites)
 * describes the program and its module with its own task demos, rollout id and temperature.
 */
export async function proposeInstructions(run: MiproRun<Module>): Promise<void> {
  const o = run.opt;
  const mo = run.mipro.options;
  const st = run.state.proposal;
  const predictors = run.program.predictors();
  const sets = run.state.demoSets.map((s) => s.map((set) => set.map(exampleFromJSON)));
  const ctx = proposerContext(run);
  if (!st.summaryDone) {
    throwIfStopped(run.signal);
    if (o.dataAware) startDatasetSummary(run);
    else st.summaryDone = true;
  }
  if (run.summaryTask) {
    await run.summaryTask;
    run.summaryTask = null;
  }
  run.save();

  const programCode = o.programAware ? (mo.programCode ?? programCodeString(run.student)) : null;
  const demoSetCount = sets[0]?.length ?? 0;
  const perPredictor = proposalsPerPredictor(run.settings, demoSetCount);
  const total = predictors.length * perPredictor;
  if (st.instructionCandidates.length === 0) st.instructionCandidates = predictors.map(() => []);
  const before = run.rng.getState();
  const draws = drawProposals(run.rng, run.settings, o.tipAware, demoSetCount, st.done);
  const jobs = draws.map((d) => {
    const predictor = predictors[d.predictor]!;
    const taskDemos = o.fewshotAware ? taskDemosFor(predictor, sets[d.predictor] ?? null, d.demoSet, BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT) : "No task demos provided.";
    const job = async (): Promise<ProposalOutcome> => {
      const description = programCode
        ? await describeProgram(run.program, programCode, taskDemos, { ...ctx, temperature: o.initTemperature, rolloutId: d.rolloutId, predictors: [d.predictor] })
        : null;
      const proposed = await proposeInstruction(
        {
          predictor,
          predictorIndex: d.predictor,
          datasetSummary: o.dataAware ? st.datasetSummary : null,
          programCode,
          description,
          taskDemos,
          tip: d.tipKey ? TIPS[d.tipKey]! : "",
          rolloutId: d.rolloutId,
          temperature: o.initTemperature,
          retries: o.proposalRetries,
        },
        ctx,
      );
      // DSPy overwrites candidate 0 with the original instruction.
      return { instruction: d.demoSet === 0 ? predictor.signature.instructions : proposed, description };
    };
    return { run: job, rng: d.rng };
  });
  await runCommitted(run, before, jobs, ({ instruction, description }: ProposalOutcome, j) => {
    const { predictor: pi, demoSet: si } = draws[j]!;
    if (description) {
      const kept = st.description ?? { program: description.program, modules: predictors.map(() => ({ code: "Not provided", description: "Not provided" })) };
      kept.program = description.program;
      kept.modules[pi] = description.modules[pi]!;
      st.description = kept;
    }
    if (instruction !== undefined) {
      st.instructionCandidates[pi]!.push(instruction);
      if (si > 0) run.log(`Proposed instruction ${st.instructionCandidates[pi]!.length - 1} for predictor ${pi}: ${instruction}`);
    } else {
      st.failed++;
      run.log(`Proposal ${si} for predictor ${pi} skipped after ${1 + o.proposalRetries} failed tries.`);
    }
    st.done++;
    return () => run.progress("propose", st.done, total);
  });
}
