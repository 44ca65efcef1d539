/**
 * One MIPROv2 compile: the data split, the metered LMs, the run state and its checkpoint, the three
 * steps in order (./steps.ts, ./search.ts) and the result.
 */
import { existsSync } from "node:fs";
import type { LM } from "../../../lm/types.js";
import { Evaluate } from "../../evaluate.js";
import type { Example } from "../../example.js";
import type { Module } from "../../module.js";
import type { TeacherSettings } from "../bootstrap-few-shot.js";
import { BudgetExceededError, Meter, unwrapLM } from "../lm-wrappers.js";
import { exampleFromJSON, throwIfStopped } from "../program-tools.js";
import { PyRandom, type PyRandomState } from "../py-random.js";
import { type CategoricalSpace, TPESampler } from "../tpe.js";
import { type MIPROv2Checkpoint, checkpointFingerprint, freshCheckpoint, readCheckpoint, writeCheckpoint } from "./checkpoint.js";
import { drawValsetSubsample } from "./draw-plan.js";
import type { CallEstimate } from "./estimate.js";
import type { MIPROv2 } from "./index.js";
import { type MIPROv2CandidateProgram, type MIPROv2Report, type MIPROv2Result, trialLogsOf } from "./report.js";
import { type Params, type SearchContext, comboKey, emptySearchState, runSearch } from "./search.js";
import { type MIPROv2CompileOptions, type MIPROv2Settings, type ResolvedOptions, defaultValsetSize } from "./settings.js";
import { bootstrapDemoSets, proposeInstructions, startDatasetSummary } from "./steps.js";

/** @internal The state of one compile, shared with the steps. */
export class MiproRun<P extends Module> {
  readonly opt: ResolvedOptions;
  readonly settings: MIPROv2Settings;
  readonly trainset: readonly Example[];
  readonly valset: readonly Example[];
  readonly program: P;
  readonly teacher: Module | undefined;
  readonly meter: Meter;
  readonly taskLM: LM;
  readonly promptLM: LM;
  readonly teacherSettings: TeacherSettings;
  readonly signal: AbortSignal | undefined;
  /** Aborts LM calls on the caller's signal or when the budget runs out. */
  readonly callSignal: AbortSignal;
  rng: PyRandom;
  readonly tpe: TPESampler;
  state: MIPROv2Checkpoint;
  /** The dataset summary while it runs alongside the bootstrapping. */
  summaryTask: Promise<void> | null = null;
  private resumed: MIPROv2Report["resumed"] = null;
  private stoppedBy: "completed" | "budget" = "completed";
  private space: CategoricalSpace = {};

  constructor(
    readonly mipro: MIPROv2,
    readonly student: P,
    private readonly options: MIPROv2CompileOptions,
  ) {
    const o = (this.opt = mipro.resolved);
    const mo = mipro.options;
    this.signal = options.signal;
    this.settings = mipro.settingsFor(student, options.trainset.length, options.valset?.length);

    // Data: DSPy's default split, then the preset's valset subsample (which also shuffles it).
    let trainset = [...options.trainset];
    let valset: Example[];
    let valBase = 0;
    if (options.valset) valset = [...options.valset];
    else {
      const cut = trainset.length - defaultValsetSize(trainset.length);
      valset = trainset.slice(cut);
      trainset = trainset.slice(0, cut);
      valBase = cut;
    }
    this.rng = new PyRandom(o.seed);
    const valIndices = drawValsetSubsample(this.rng, valset.length, o.auto);
    this.trainset = trainset;
    this.valset = valIndices.map((i) => valset[i]!);

    // LMs: every call goes through one meter.
    this.meter = new Meter(mo.budget ?? {}, mo.prices);
    this.taskLM = this.meter.wrap(mo.taskModel, "task");
    this.promptLM = this.meter.wrap(mo.promptModel, "prompt");
    this.teacherSettings = { ...(mo.teacherSettings ?? {}) };
    if (this.teacherSettings.lm) this.teacherSettings.lm = this.meter.wrap(this.teacherSettings.lm, "teacher");
    this.callSignal = options.signal ? AbortSignal.any([options.signal, this.meter.signal]) : this.meter.signal;
    this.program = student.deepcopy();
    this.program.compiled = false;
    for (const p of this.program.predictors()) if (p.lm) p.lm = this.meter.wrap(p.lm, "task");
    if (options.teacher) {
      this.teacher = options.teacher.deepcopy();
      for (const p of this.teacher.predictors()) if (p.lm) p.lm = this.meter.wrap(p.lm, "teacher");
    }

    this.tpe = new TPESampler({ seed: o.seed, nStartupTrials: o.nStartupTrials });
    const fingerprint = checkpointFingerprint({
      settings: this.settings,
      resolved: o,
      options: mo,
      student,
      trainset: options.trainset,
      valset: options.valset,
      valBase,
      teacher: options.teacher,
    });
    this.state = freshCheckpoint({
      fingerprint,
      settings: this.settings,
      rng: this.rng.getState(),
      valIndices: valIndices.map((i) => i + valBase),
      search: emptySearchState(this.tpe),
      calls: this.meter.totals,
      predictors: this.program.predictors().length,
    });
    if (mo.resume && mo.checkpointPath && existsSync(mo.checkpointPath)) this.resume(mo.checkpointPath, fingerprint);
  }

  log(line: string): void {
    this.mipro.options.log?.(line);
  }

  progress(phase: string, done: number, total: number, detail?: string): void {
    this.mipro.options.progress?.({ phase, done, total, ...(detail !== undefined ? { detail } : {}) });
  }

  private resume(path: string, fingerprint: string): void {
    const saved = readCheckpoint(path, fingerprint);
    this.state = saved;
    this.rng = PyRandom.fromState(saved.rng);
    this.tpe.setState(saved.search.tpe);
    this.meter.totals = saved.calls;
    this.resumed = { phase: saved.phase, trials: saved.search.trials.length };
    this.log(`Resuming from ${path}: phase ${saved.phase}, ${saved.search.trials.length} trial(s) done, ${saved.calls.calls} LM calls so far.`);
  }

  /**
   * Writes the run state (atomically) — after every finished demo set, proposal and trial. `rng` is
   * the shared RNG's state as of the last *committed* step, when draws for later steps that are still
   * running concurrently were already made (default: the RNG now).
   */
  save(rng?: PyRandomState): void {
    const path = this.mipro.options.checkpointPath;
    this.state.rng = rng ?? this.rng.getState();
    this.state.search.tpe = this.tpe.getState();
    this.state.calls = this.meter.totals;
    const best = this.state.search.best;
    this.state.bestProgram = best ? this.candidate(best.params).dumpState() : null;
    if (path) writeCheckpoint(path, this.state);
  }

  // ---- the run -------------------------------------------------------------------------------

  async execute(): Promise<MIPROv2Result<P>> {
    const o = this.options;
    const data = { trainset: o.trainset, ...(o.valset ? { valset: o.valset } : {}) };
    // The estimate only runs when asked: under a budget (to say where it will stop) or when the report's is read.
    const b = this.mipro.options.budget;
    let estimate: CallEstimate | undefined;
    const estimateOnce = () => (estimate ??= this.mipro.estimateCalls(this.student, data));
    if (b && (b.maxCalls !== undefined || b.maxCostUsd !== undefined)) this.log(estimateOnce().text);
    try {
      // The dataset summary depends on the trainset only: it runs alongside the bootstrapping.
      if (this.state.phase === "bootstrap" || this.state.phase === "propose") startDatasetSummary(this);
      if (this.state.phase === "bootstrap") {
        await bootstrapDemoSets(this);
        this.state.phase = "propose";
        this.save();
      }
      if (this.state.phase === "propose") {
        await proposeInstructions(this);
        this.state.phase = "search";
        this.save();
      }
      this.defineSpace();
      if (this.state.phase === "search") {
        await this.search();
        this.state.phase = "done";
        this.state.stoppedBy = "completed";
        this.save();
      }
    } catch (error) {
      // Let a dataset summary still running settle (its own errors are reported by the step that awaits it).
      if (this.summaryTask) await this.summaryTask.catch(() => undefined);
      if (!(error instanceof BudgetExceededError) || this.signal?.aborted) throw error;
      this.stoppedBy = "budget";
      this.log(`${error.message}; returning the best program so far.`);
    }
    return this.result(estimateOnce);
  }

  // Step 3 --------------------------------------------------------------------------------------

  private defineSpace(): void {
    const space: Record<string, number> = {};
    this.state.proposal.instructionCandidates.forEach((cands, i) => {
      space[`${i}_predictor_instruction`] = cands.length;
      if (!this.settings.zeroshot) space[`${i}_predictor_demos`] = this.state.demoSets[i]!.length;
    });
    this.space = space;
  }

  /** The program for a combination (null: the default program). */
  candidate(params: Params | null): P {
    const c = this.program.deepcopy();
    if (!params) return c;
    const demoSets = this.settings.zeroshot ? null : this.state.demoSets;
    c.predictors().forEach((p, i) => {
      p.signature = p.signature.withInstructions(this.state.proposal.instructionCandidates[i]![params[`${i}_predictor_instruction`]!]!);
      if (demoSets) p.demos = demoSets[i]![params[`${i}_predictor_demos`]!]!.map(exampleFromJSON);
    });
    return c;
  }

  /** Whether a step of about `runs` program runs fits in the budget, at the calls and cost per run seen so far. */
  private fits(runs: number): boolean {
    const t = this.meter.totals;
    const trials = this.state.search.trials.filter((x) => !x.failed);
    const taskRuns = trials.reduce((s, x) => s + x.runs, 0);
    const taskCalls = trials.reduce((s, x) => s + x.calls, 0);
    const perRun = taskRuns > 0 ? taskCalls / taskRuns : this.settings.predictors;
    const calls = Math.ceil(runs * perRun);
    const costPerCall = t.calls > 0 ? t.costUsd / t.calls : 0;
    const b = this.meter.budget;
    if (b.maxCalls !== undefined && t.calls + calls > b.maxCalls) return false;
    if (b.maxCostUsd !== undefined && t.costUsd + calls * costPerCall > b.maxCostUsd) return false;
    return true;
  }

  private async search(): Promise<void> {
    const s = this.settings;
    const mo = this.mipro.options;
    const zeros = Object.fromEntries(Object.keys(this.space).map((k) => [k, 0]));
    const defaultIsCombo0 = s.zeroshot || this.program.predictors().every((p) => p.demos.length === 0);
    const ctx: SearchContext = {
      settings: s,
      space: this.space,
      S: this.state.search,
      tpe: this.tpe,
      rng: this.rng,
      reuse: this.opt.reuseEvaluations,
      defaultKey: defaultIsCombo0 ? comboKey(this.space, zeros) : "default",
      fits: (runs) => this.fits(runs),
      afterStep: (_trial, message) => {
        this.log(message);
        this.save();
        this.progress("search", this.state.search.objectiveDone, s.numTrials, message);
      },
      checkStop: () => throwIfStopped(this.signal),
      budgetExceeded: () => new BudgetExceededError(this.meter.budget, this.meter.totals),
      log: (line) => this.log(line),
    };
    await runSearch(ctx, async ({ params, indices }) => {
      const before = this.meter.totals.calls;
      try {
        const result = await new Evaluate({
          devset: indices.map((i) => this.valset[i]!),
          metric: mo.metric,
          numThreads: this.opt.numThreads,
          maxErrors: this.opt.maxErrors,
          ...(mo.progress ? { progress: mo.progress } : {}),
          callOptions: { lm: this.taskLM, signal: this.callSignal, ...(mo.adapter ? { adapter: mo.adapter } : {}) },
        }).run(this.candidate(params));
        const scores = new Map<number, number>();
        const errors = new Set<number>();
        result.results.forEach((r, j) => {
          scores.set(indices[j]!, r.score);
          if (r.error !== undefined) errors.add(indices[j]!);
        });
        return { scores, errors, calls: this.meter.totals.calls - before };
      } catch (error) {
        if (this.meter.signal.aborted) throw this.meter.signal.reason;
        if (this.signal?.aborted) throw this.signal.reason;
        this.log(`An exception occurred during evaluation: ${(error as Error).message}; scoring 0.`);
        return null;
      }
    });
  }

  // ---- the result ------------------------------------------------------------------------------

  /** A returned program: the original LMs back on its predictors. */
  private released(params: Params | null): P {
    const program = this.candidate(params);
    for (const p of program.predictors()) if (p.lm) p.lm = unwrapLM(p.lm);
    return program;
  }

  private result(estimate: () => CallEstimate): MIPROv2Result<P> {
    const S = this.state.search;
    const best = S.best;
    const baseline = S.trials.find((t) => t.kind === "baseline");
    const trials = S.trials.map((t) => ({ ...t }));
    // The estimate is computed on first read: the dry-run simulation is not worth running for a report nobody asks.
    let cached: CallEstimate | undefined;
    const report: MIPROv2Report = {
      settings: this.settings,
      get estimate() {
        return (cached ??= estimate());
      },
      datasetSummary: this.state.proposal.datasetSummary,
      programDescription: this.state.proposal.description,
      instructionCandidates: this.state.proposal.instructionCandidates.map((c) => [...c]),
      demoSetSizes: this.settings.zeroshot ? [] : this.state.demoSets.map((sets) => sets.map((s) => s.length)),
      trials,
      trialLogs: trialLogsOf(trials, this.settings.predictors, this.settings.zeroshot),
      baselineScore: baseline?.score ?? null,
      bestScore: best?.score ?? null,
      bestParams: best?.params ?? null,
      bestTrial: best?.trial ?? null,
      failedProposals: this.state.proposal.failed,
      calls: structuredClone(this.meter.totals),
      stoppedBy: this.stoppedBy,
      resumed: this.resumed,
    };
    // DSPy's `candidate_programs` / `mb_candidate_programs`: by score, best first (a stable sort, as Python's).
    const scored = (kinds: readonly string[]): MIPROv2CandidateProgram<P>[] =>
      trials
        .filter((t) => kinds.includes(t.kind))
        .sort((a, b) => b.score - a.score)
        .map((t) => ({ score: t.score, trial: t.number, params: t.params, fullEval: t.kind !== "minibatch", program: this.released(t.params) }));
    this.log(`Returning best identified program with score ${report.bestScore}!`);
    return {
      program: this.released(best?.params ?? null),
      report,
      candidatePrograms: scored(["baseline", "full"]),
      mbCandidatePrograms: scored(["minibatch"]),
    };
  }
}
