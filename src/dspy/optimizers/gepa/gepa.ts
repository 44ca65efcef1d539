/**
 * GEPA (DSPy 3.3.1 `dspy.GEPA` on the gepa 0.1.4 engine it pins): reflective prompt evolution.
 *
 * Each iteration picks a parent from the per-example Pareto front of the validation scores, draws an
 * epoch-shuffled minibatch of the trainset (3 by default), runs the parent on it with traces, skips
 * it when every score is perfect, and asks the reflection LM — with gepa's prompt, byte for byte — to
 * rewrite one component (round robin over predictors) from the predictor's inputs, outputs and the
 * metric's textual feedback. The child runs on the same minibatch; a strictly higher sum earns it a
 * full validation and a place in the pool. After an iteration that found a program, a merge of two
 * non-dominated relatives may be tried first (`useMerge`, up to `maxMergeInvocations`). The result
 * is the candidate with the best validation average.
 *
 * Seeded runs replay gepa's exactly: one Python-exact `random.Random(seed)` draws, in gepa's order,
 * the parents, the minibatch shuffles and the merges (lists built in CPython's set order, see
 * ./py-int-set.ts), and a second one (DSPy's adapter) picks the trace step reflected on.
 *
 * Beyond DSPy, as MIPROv2 has them: a dry-run estimate ({@link GEPA.estimateCalls}), an LM call /
 * dollar budget that stops the search with the best program so far, and checkpoints (the whole state
 * with both RNGs, written atomically at the start of every iteration) that `resume` continues from.
 *
 * Checked against Python runs (./fixtures/README.md). Where this differs from DSPy + gepa:
 * - only DSPy's configuration of gepa: the `instance` frontier, one proposal per iteration, full
 *   validation of accepted candidates, no evaluation cache, instruction components only (no
 *   `dspy.Flex` code, no custom instruction proposer), format failures not reflected on;
 * - a program that throws scores `failureScore` and is not reflected on (DSPy's adapter drops the
 *   example from the minibatch, leaving gepa shorter score lists);
 * - a merge whose parents both changed several components with equal scores takes them in key order
 *   (gepa iterates a Python set of names, in hash-seeded order);
 * - resume: gepa re-seeds its RNG when it loads a run directory, so a resumed Python run draws other
 *   parents and minibatches; here the checkpoint keeps both RNGs, the sampler and the merge
 *   bookkeeping, so a resumed run ends as the uninterrupted one;
 * - `countFeedbackMetricCalls` (off by default, on in the pipeline) counts the feedback metric calls
 *   against `maxMetricCalls`.
 *
 * ```ts
 * const optimized = await new GEPA({ metric, reflectionLM, auto: "light", seed: 0 })
 *   .compile(program, { trainset, valset, lm });
 * optimized.detailedResults.valAggregateScores;
 * ```
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { LM } from "../../../lm/types.js";
import type { PriceTable } from "../../../lm/prices.js";
import { writeJsonAtomic } from "../../../util/atomic-write.js";
import type { Example } from "../../example.js";
import type { CallOptions, Module } from "../../module.js";
import { type Budget, BudgetExceededError, Meter, type MeterTotals } from "../lm-wrappers.js";
import { PyRandom, type PyRandomState } from "../py-random.js";
import { type EvaluationBatch, type GEPAFeedbackMetric, GEPAStopped, buildProgram, evaluateBatch, makeReflectiveDataset } from "./adapter.js";
import { type GEPAAutoMode, type GEPACallEstimate, checkBudgetOptions, estimateGepaCalls, resolveMaxMetricCalls } from "./budget.js";
import { type MergeState, emptyMergeState, planMerge } from "./merge.js";
import { type CandidateSelectionStrategy, selectCandidate, selectComponents } from "./pareto.js";
import { extractInstruction, reflectionPrompt } from "./reflection.js";
import { EpochShuffledBatchSampler, type SamplerState } from "./sampler.js";
import { type Candidate, GEPAState, type GEPAStateJSON } from "./state.js";

/** Options of {@link GEPA} (DSPy's names in camelCase). */
export interface GEPAOptions {
  /** The feedback metric `(gold, pred, trace, predName, predTrace) → number | {score, feedback}`. */
  metric: GEPAFeedbackMetric;
  /** The LM that reads the feedback and rewrites instructions (required). */
  reflectionLM: LM;
  /** Budget preset (DSPy's `auto_budget`); exactly one of auto, maxMetricCalls, maxFullEvals. */
  auto?: GEPAAutoMode | null;
  /** Most metric calls (program runs) of the search. */
  maxMetricCalls?: number | null;
  /** Most full evaluations of train + val. */
  maxFullEvals?: number | null;
  /** Examples per reflection minibatch (default 3). */
  reflectionMinibatchSize?: number;
  /** Parent selection: `pareto` (default) or `current_best`. */
  candidateSelectionStrategy?: CandidateSelectionStrategy;
  /** Components rewritten per iteration: `round_robin` (default) or `all`. */
  componentSelector?: "round_robin" | "all";
  /** Skip minibatches the parent already scores perfectly on (default true). */
  skipPerfectScore?: boolean;
  /** Try merges of Pareto relatives (default true, as DSPy). */
  useMerge?: boolean;
  /** Most merges tested (default 5). */
  maxMergeInvocations?: number;
  /** Score of a failed example (default 0). */
  failureScore?: number;
  /** A perfect score (default 1). */
  perfectScore?: number;
  /** Seed of both RNGs (default 0). */
  seed?: number;
  /** Examples evaluated at once (default 8). */
  numThreads?: number;
  /**
   * Count the metric calls made for reflection feedback against `maxMetricCalls` (beyond DSPy, whose
   * budget counts program runs only; default false).
   */
  countFeedbackMetricCalls?: boolean;
  /** LM calls / dollars the run may spend (beyond DSPy); the search stops with the best so far. */
  budget?: Budget;
  /** Prices for `budget.maxCostUsd`. */
  prices?: Readonly<PriceTable>;
  /** Write the run state here (atomically) at the start of every iteration. */
  checkpointPath?: string;
  /** Continue from `checkpointPath` when it exists. */
  resume?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Called after every iteration (for a live run record). */
  onIteration?: (results: GEPADetailedResults) => void;
}

/** Options of {@link GEPA.compile}. */
export interface GEPACompileOptions {
  trainset: readonly Example[];
  /** Tracks the Pareto front (default: the trainset). */
  valset?: readonly Example[];
  /** The task LM for predictors without their own. */
  lm?: LM;
  /** Extra call options (adapter, role) for every program run. */
  callOptions?: Omit<CallOptions, "lm" | "trace" | "signal">;
  signal?: AbortSignal;
}

/** One iteration event (the shape of the conformance fixtures' `events`). */
export type GEPAEvent =
  | { type: "valset"; iteration: number; idx: number; average: number }
  | { type: "select"; iteration: number; parent: number }
  | { type: "minibatch"; iteration: number; ids: number[] }
  | { type: "skip"; iteration: number; reason: "all_scores_perfect" | "no_trajectories" }
  | { type: "accept"; iteration: number; idx: number; parents: number[]; score: number }
  | { type: "reject"; iteration: number; old: number; new: number }
  | { type: "merge"; iteration: number; parents: number[]; candidate: Candidate }
  | { type: "merge_reject"; iteration: number; parents: number[] };

/** One reflection call: the prompt sent, the reply, the instruction read from it. */
export interface GEPAReflection {
  iteration: number;
  component: string;
  prompt: string;
  reply: string;
  instruction: string;
}

/** DSPy's `DspyGEPAResult` (what `detailed_results` holds), plus gridtune's run facts. */
export interface GEPADetailedResults {
  /** Every candidate: predictor name → instruction. */
  candidates: Candidate[];
  /** Each candidate's parents (`[null]` for the seed; two for a merge). */
  parents: (number | null)[][];
  valAggregateScores: number[];
  /** Per candidate: validation index → score. */
  valSubscores: Record<string, number>[];
  /** Per validation index: the candidates best on it (the Pareto front). */
  perValInstanceBestCandidates: Record<string, number[]>;
  /** Metric calls spent when each candidate was found. */
  discoveryEvalCounts: number[];
  totalMetricCalls: number;
  numFullValEvals: number;
  seed: number;
  bestIdx: number;
  /** The iteration events (selected parents, minibatches, decisions). */
  events: GEPAEvent[];
  reflections: GEPAReflection[];
  /** Feedback metric calls (made for reflection; GEPA's own count leaves them out unless `countFeedbackMetricCalls`). */
  feedbackMetricCalls: number;
  /** LM calls and cost through the meter. */
  spent: MeterTotals;
  stoppedBy: "completed" | "budget";
  resumed: boolean;
  /** Iterations finished before this process continued from a checkpoint (0 without a resume). */
  resumedIterations: number;
}

/** The optimized program, with DSPy's `detailed_results`. */
export type GEPAResult<P extends Module> = P & { detailedResults: GEPADetailedResults };

const CHECKPOINT_FORMAT = "gridtune/gepa-checkpoint";
const CHECKPOINT_VERSION = 1;

interface GEPACheckpoint {
  format: string;
  version: number;
  fingerprint: string;
  state: GEPAStateJSON;
  rng: PyRandomState;
  adapterRng: PyRandomState;
  sampler: SamplerState;
  merge: MergeState;
  events: GEPAEvent[];
  reflections: GEPAReflection[];
  feedbackMetricCalls: number;
  spent: MeterTotals;
}

/** A checkpoint that does not belong to this run (different configuration, program or data). */
export class GEPACheckpointMismatchError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`GEPA checkpoint ${path}: ${reason}`);
    this.name = "GEPACheckpointMismatchError";
  }
}

/**
 * DSPy's GEPA optimizer: evolves each predictor's instruction by reflecting on traces with textual
 * feedback, keeping a Pareto front of candidates over the validation set.
 */
export class GEPA {
  constructor(readonly options: GEPAOptions) {
    if (!options.reflectionLM) {
      throw new Error("GEPA requires a reflection language model (reflectionLM); it reads the feedback and proposes new instructions.");
    }
    if (typeof options.metric !== "function") throw new Error("GEPA requires a metric (gold, pred, trace, predName, predTrace) → score | {score, feedback}.");
    checkBudgetOptions(options);
    const mb = options.reflectionMinibatchSize ?? 3;
    if (!(Number.isInteger(mb) && mb > 0)) throw new Error(`GEPA: reflectionMinibatchSize must be a positive integer, got ${mb}`);
  }

  /** The metric-call budget this configuration gives `program` on this data. */
  maxMetricCallsFor(program: Module, trainsetSize: number, valsetSize?: number): number {
    return resolveMaxMetricCalls(this.options, program.namedPredictors().length, trainsetSize, valsetSize);
  }

  /** A dry run: the LM calls a run will make, counted without calling any LM. */
  estimateCalls(program: Module, data: { trainset: readonly Example[] | number; valset?: readonly Example[] | number }, options: { callsPerProgramRun?: number; acceptRate?: number } = {}): GEPACallEstimate {
    const size = (d: readonly Example[] | number | undefined) => (d === undefined ? undefined : typeof d === "number" ? d : d.length);
    const t = size(data.trainset)!;
    const v = size(data.valset);
    return estimateGepaCalls({
      maxMetricCalls: this.maxMetricCallsFor(program, t, v),
      trainsetSize: t,
      valsetSize: v ?? t,
      minibatchSize: this.options.reflectionMinibatchSize ?? 3,
      predictors: program.namedPredictors().length,
      ...(options.callsPerProgramRun !== undefined ? { callsPerProgramRun: options.callsPerProgramRun } : {}),
      ...(options.acceptRate !== undefined ? { acceptRate: options.acceptRate } : {}),
      ...(this.options.budget?.maxCalls !== undefined ? { budgetMaxCalls: this.options.budget.maxCalls } : {}),
      ...(this.options.countFeedbackMetricCalls ? { countFeedbackMetricCalls: true } : {}),
    });
  }

  /** Runs the search; returns the best candidate's program with `detailedResults`. */
  async compile<P extends Module>(student: P, options: GEPACompileOptions): Promise<GEPAResult<P>> {
    if (!options.trainset || options.trainset.length === 0) throw new Error("GEPA: the trainset must be provided and non-empty");
    return new GEPARun(this.options, student, options).run();
  }
}

class GEPARun<P extends Module> {
  private readonly o: Required<Pick<GEPAOptions, "reflectionMinibatchSize" | "candidateSelectionStrategy" | "componentSelector" | "skipPerfectScore" | "useMerge" | "maxMergeInvocations" | "failureScore" | "perfectScore" | "seed" | "numThreads">>;
  private readonly trainset: readonly Example[];
  private readonly valset: readonly Example[];
  private readonly maxMetricCalls: number;
  private rng: PyRandom;
  private adapterRng: PyRandom;
  private sampler: EpochShuffledBatchSampler;
  private merge: MergeState = emptyMergeState();
  private readonly meter: Meter;
  private readonly taskLM: LM | undefined;
  private readonly reflectionLM: LM;
  private events: GEPAEvent[] = [];
  private reflections: GEPAReflection[] = [];
  private feedbackMetricCalls = 0;
  private stoppedBy: "completed" | "budget" = "completed";
  private resumed = false;
  private resumedIterations = 0;
  private readonly fingerprint: string;
  private readonly controller = new AbortController();

  constructor(
    private readonly go: GEPAOptions,
    private readonly student: P,
    private readonly co: GEPACompileOptions,
  ) {
    this.o = {
      reflectionMinibatchSize: go.reflectionMinibatchSize ?? 3,
      candidateSelectionStrategy: go.candidateSelectionStrategy ?? "pareto",
      componentSelector: go.componentSelector ?? "round_robin",
      skipPerfectScore: go.skipPerfectScore ?? true,
      useMerge: go.useMerge ?? true,
      maxMergeInvocations: go.maxMergeInvocations ?? 5,
      failureScore: go.failureScore ?? 0,
      perfectScore: go.perfectScore ?? 1,
      seed: go.seed ?? 0,
      numThreads: go.numThreads ?? 8,
    };
    this.trainset = co.trainset;
    this.valset = co.valset ?? co.trainset;
    this.maxMetricCalls = resolveMaxMetricCalls(go, student.namedPredictors().length, co.trainset.length, co.valset?.length);
    this.rng = new PyRandom(this.o.seed);
    this.adapterRng = new PyRandom(this.o.seed);
    this.sampler = new EpochShuffledBatchSampler(this.o.reflectionMinibatchSize, this.rng);
    this.meter = new Meter(go.budget ?? {}, go.prices);
    this.taskLM = co.lm ? this.meter.wrap(co.lm, "task") : undefined;
    this.reflectionLM = this.meter.wrap(go.reflectionLM, "reflection");
    this.fingerprint = createHash("sha256")
      .update(
        JSON.stringify({
          // Concurrency does not change the result, so a resume may use another.
          o: { ...this.o, numThreads: null },
          max: this.maxMetricCalls,
          seed: student.namedPredictors().map(([n, p]) => [n, p.signature.instructions, p.signature.signature]),
          train: this.trainset.map((e) => e.toDict()),
          val: this.valset.map((e) => e.toDict()),
        }),
      )
      .digest("hex");
    const signal = co.signal;
    if (signal) {
      if (signal.aborted) this.controller.abort(signal.reason);
      else signal.addEventListener("abort", () => this.controller.abort(signal.reason), { once: true });
    }
  }

  private log(line: string): void {
    this.go.log?.(line);
  }

  private program(candidate: Candidate): Module {
    const program = buildProgram(this.student, candidate);
    for (const p of program.predictors()) if (p.lm) p.lm = this.meter.wrap(p.lm, "task");
    return program;
  }

  private evaluate(candidate: Candidate, ids: readonly number[], from: readonly Example[], captureTraces: boolean): Promise<EvaluationBatch> {
    const callOptions: CallOptions = { ...(this.co.callOptions ?? {}), signal: this.anySignal() };
    if (this.taskLM) callOptions.lm = this.taskLM;
    return evaluateBatch(
      this.program(candidate),
      ids.map((i) => from[i]!),
      { metric: this.go.metric, captureTraces, numThreads: this.o.numThreads, failureScore: this.o.failureScore, callOptions },
    );
  }

  private anySignal(): AbortSignal {
    return AbortSignal.any([this.controller.signal, this.meter.signal]);
  }

  private throwIfStopped(): void {
    if (this.controller.signal.aborted) throw this.controller.signal.reason ?? new Error("GEPA: aborted");
  }

  private async reflect(iteration: number, candidate: Candidate, dataset: Record<string, import("./reflection.js").ReflectiveExample[]>, components: readonly string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const name of components) {
      const records = dataset[name];
      if (!records) throw new Error(`GEPA: no reflective records for ${name}`);
      const prompt = reflectionPrompt(candidate[name]!, records as unknown as Record<string, unknown>[]);
      const result = await this.reflectionLM.chat([{ role: "user", content: prompt }], { role: "proposer", signal: this.anySignal() });
      const instruction = extractInstruction(result.text);
      this.reflections.push({ iteration, component: name, prompt, reply: result.text, instruction });
      out[name] = instruction;
    }
    return out;
  }

  async run(): Promise<GEPAResult<P>> {
    const path = this.go.checkpointPath;
    let state: GEPAState | undefined;
    if (this.go.resume && path && existsSync(path)) state = this.loadCheckpoint(path);
    const seed: Candidate = Object.fromEntries(this.student.namedPredictors().map(([n, p]) => [n, p.signature.instructions]));
    try {
      if (!state) {
        this.throwIfStopped();
        const ids = this.valset.map((_, i) => i);
        const base = await this.evaluate(seed, ids, this.valset, false);
        state = new GEPAState(seed, new Map(ids.map((id, k) => [id, base.scores[k]!])));
        state.numFullDsEvals = 1;
        state.totalNumEvals = ids.length;
        this.events.push({ type: "valset", iteration: 0, idx: 0, average: state.averageValScore(0) });
        this.log(`GEPA: base program valset score ${state.averageValScore(0)} over ${ids.length} examples; budget ${this.maxMetricCalls} metric calls`);
      }
      this.merge.lastIterFoundNewProgram = false;
      while (state.totalNumEvals < this.maxMetricCalls) {
        this.throwIfStopped();
        if (path) this.saveCheckpoint(path, state);
        const before = this.snapshot(state);
        try {
          await this.iteration(state);
        } catch (error) {
          if (this.controller.signal.aborted) throw this.controller.signal.reason ?? error;
          if (!this.isBudgetStop(error)) throw error;
          this.restore(state, before);
          this.stoppedBy = "budget";
          this.log(`GEPA: ${this.meter.signal.reason instanceof Error ? this.meter.signal.reason.message : "budget used up"}; stopping with the best program so far`);
          break;
        }
        this.go.onIteration?.(this.results(state));
      }
    } catch (error) {
      if (this.controller.signal.aborted) throw this.controller.signal.reason ?? error;
      if (!this.isBudgetStop(error) || !state) throw error;
      this.stoppedBy = "budget";
    }
    if (path) this.saveCheckpoint(path, state);
    const results = this.results(state);
    const best = buildProgram(this.student, state.programCandidates[results.bestIdx]!) as GEPAResult<P>;
    best.detailedResults = results;
    this.log(`GEPA: best candidate ${results.bestIdx} (valset ${results.valAggregateScores[results.bestIdx]}), ${results.totalMetricCalls} metric calls`);
    return best;
  }

  private isBudgetStop(error: unknown): boolean {
    if (this.controller.signal.aborted) return false;
    return error instanceof BudgetExceededError || (error instanceof GEPAStopped && this.meter.signal.aborted) || (this.meter.signal.aborted && (error as Error)?.name === "AbortError");
  }

  /** What an interrupted iteration must not leave behind. */
  private snapshot(state: GEPAState) {
    return {
      state: JSON.stringify(state.toJSON()),
      rng: this.rng.getState(),
      adapterRng: this.adapterRng.getState(),
      sampler: this.sampler.getState(),
      merge: JSON.stringify(this.merge),
      events: this.events.length,
      reflections: this.reflections.length,
    };
  }

  private restore(state: GEPAState, s: ReturnType<GEPARun<P>["snapshot"]>): void {
    Object.assign(state, GEPAState.fromJSON(JSON.parse(s.state) as GEPAStateJSON));
    this.rng.setState(s.rng);
    this.adapterRng.setState(s.adapterRng);
    this.sampler.setState(s.sampler);
    this.merge = JSON.parse(s.merge) as MergeState;
    this.events.length = s.events;
    this.reflections.length = s.reflections;
  }

  private async addProgram(state: GEPAState, candidate: Candidate, parents: number[]): Promise<number> {
    const ids = this.valset.map((_, i) => i);
    const evaluation = await this.evaluate(candidate, ids, this.valset, true);
    const discovery = state.totalNumEvals;
    state.totalNumEvals += ids.length;
    state.numFullDsEvals++;
    const idx = state.addProgram(parents, candidate, new Map(ids.map((id, k) => [id, evaluation.scores[k]!])), discovery);
    const t = state.fullProgramTrace[state.fullProgramTrace.length - 1]!;
    t.new_program_idx = idx;
    this.events.push({ type: "valset", iteration: state.i + 1, idx, average: state.averageValScore(idx) });
    this.log(`GEPA iteration ${state.i + 1}: candidate ${idx} (parents ${parents.join(", ")}) valset score ${state.averageValScore(idx)}`);
    return idx;
  }

  private async iteration(state: GEPAState): Promise<void> {
    state.i += 1;
    state.fullProgramTrace.push({ i: state.i });
    const iteration = state.i + 1;
    const trace = state.fullProgramTrace[state.fullProgramTrace.length - 1]!;

    if (this.o.useMerge) {
      if (this.merge.mergesDue > 0 && this.merge.lastIterFoundNewProgram) {
        const plan = planMerge(state, this.rng, this.merge);
        this.merge.lastIterFoundNewProgram = false;
        if (plan) {
          this.log(`GEPA iteration ${iteration}: merging ${plan.id1} and ${plan.id2} via ancestor ${plan.ancestor}`);
          const s1 = plan.subsampleIds.map((k) => state.progCandidateValSubscores[plan.id1]!.get(k)!);
          const s2 = plan.subsampleIds.map((k) => state.progCandidateValSubscores[plan.id2]!.get(k)!);
          const evaluation = await this.evaluate(plan.candidate, plan.subsampleIds, this.valset, false);
          state.totalNumEvals += plan.subsampleIds.length;
          trace.id1_subsample_scores = s1;
          trace.id2_subsample_scores = s2;
          trace.new_program_subsample_scores = evaluation.scores;
          this.events.push({ type: "merge", iteration, parents: [plan.id1, plan.id2], candidate: plan.candidate });
          const newSum = sum(evaluation.scores);
          if (newSum >= Math.max(sum(s1), sum(s2))) {
            const idx = await this.addProgram(state, plan.candidate, [plan.id1, plan.id2]);
            this.merge.mergesDue -= 1;
            this.merge.totalMergesTested += 1;
            this.events.push({ type: "accept", iteration, idx, parents: [plan.id1, plan.id2], score: newSum });
          } else {
            this.events.push({ type: "merge_reject", iteration, parents: [plan.id1, plan.id2] });
            this.log(`GEPA iteration ${iteration}: merged subsample score ${newSum} is worse than both parents, skipping`);
          }
          return;
        }
      }
      this.merge.lastIterFoundNewProgram = false;
    }

    // Reflective mutation.
    const parentIdx = selectCandidate(this.o.candidateSelectionStrategy, state, this.rng);
    const mbIds = this.sampler.nextMinibatchIds(this.trainset.length, state.i);
    this.events.push({ type: "select", iteration, parent: parentIdx }, { type: "minibatch", iteration, ids: mbIds });
    const parent = state.programCandidates[parentIdx]!;
    const parentEval = await this.evaluate(parent, mbIds, this.trainset, true);
    state.totalNumEvals += mbIds.length;
    trace.selected_program_candidate = parentIdx;
    trace.subsample_ids = mbIds;
    if (this.o.skipPerfectScore && parentEval.scores.every((s) => s >= this.o.perfectScore)) {
      this.events.push({ type: "skip", iteration, reason: "all_scores_perfect" });
      return;
    }
    const components = selectComponents(this.o.componentSelector, state, parentIdx);
    let newTexts: Record<string, string>;
    try {
      const program = this.program(parent);
      const { dataset, feedbackCalls } = await makeReflectiveDataset(program, parentEval, components, this.adapterRng, this.go.metric);
      this.feedbackMetricCalls += feedbackCalls;
      if (this.go.countFeedbackMetricCalls) state.totalNumEvals += feedbackCalls;
      try {
        newTexts = await this.reflect(iteration, parent, dataset, components);
      } catch (error) {
        if (this.isStopping(error)) throw error;
        // gepa retries a failed reflection once, per task, then gives up on the iteration.
        this.log(`GEPA iteration ${iteration}: reflection failed (${(error as Error).message}); retrying once`);
        newTexts = await this.reflect(iteration, parent, dataset, components);
      }
    } catch (error) {
      if (this.isStopping(error)) throw error;
      this.log(`GEPA iteration ${iteration}: no proposal (${(error as Error).message})`);
      return;
    }
    const child: Candidate = { ...parent, ...newTexts };
    const childEval = await this.evaluate(child, mbIds, this.trainset, true);
    state.totalNumEvals += mbIds.length;
    trace.subsample_scores = parentEval.scores;
    trace.new_subsample_scores = childEval.scores;
    const oldSum = sum(parentEval.scores);
    const newSum = sum(childEval.scores);
    if (newSum > oldSum) {
      const idx = await this.addProgram(state, child, [parentIdx]);
      this.events.push({ type: "accept", iteration, idx, parents: [parentIdx], score: newSum });
      if (this.o.useMerge) {
        this.merge.lastIterFoundNewProgram = true;
        if (this.merge.totalMergesTested < this.o.maxMergeInvocations) this.merge.mergesDue += 1;
      }
    } else {
      this.events.push({ type: "reject", iteration, old: oldSum, new: newSum });
      this.log(`GEPA iteration ${iteration}: new subsample score ${newSum} is not better than old score ${oldSum}, skipping`);
    }
  }

  private isStopping(error: unknown): boolean {
    return this.controller.signal.aborted || this.meter.signal.aborted || error instanceof BudgetExceededError || error instanceof GEPAStopped;
  }

  private results(state: GEPAState): GEPADetailedResults {
    const front: Record<string, number[]> = {};
    for (const [id, s] of state.programAtParetoFrontValset) front[String(id)] = s.toArray();
    return {
      candidates: state.programCandidates.map((c) => ({ ...c })),
      parents: state.parentProgramForCandidate.map((p) => [...p]),
      valAggregateScores: state.programFullScores,
      valSubscores: state.progCandidateValSubscores.map((m) => Object.fromEntries([...m].map(([k, v]) => [String(k), v]))),
      perValInstanceBestCandidates: front,
      discoveryEvalCounts: [...state.numMetricCallsByDiscovery],
      totalMetricCalls: state.totalNumEvals,
      numFullValEvals: state.numFullDsEvals,
      seed: this.o.seed,
      bestIdx: bestIdxOf(state.programFullScores),
      events: [...this.events],
      reflections: [...this.reflections],
      feedbackMetricCalls: this.feedbackMetricCalls,
      spent: structuredClone(this.meter.totals),
      stoppedBy: this.stoppedBy,
      resumed: this.resumed,
      resumedIterations: this.resumedIterations,
    };
  }

  private saveCheckpoint(path: string, state: GEPAState): void {
    const c: GEPACheckpoint = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      fingerprint: this.fingerprint,
      state: state.toJSON(),
      rng: this.rng.getState(),
      adapterRng: this.adapterRng.getState(),
      sampler: this.sampler.getState(),
      merge: this.merge,
      events: this.events,
      reflections: this.reflections,
      feedbackMetricCalls: this.feedbackMetricCalls,
      spent: this.meter.totals,
    };
    writeJsonAtomic(path, c);
  }

  private loadCheckpoint(path: string): GEPAState {
    let c: GEPACheckpoint;
    try {
      c = JSON.parse(readFileSync(path, "utf8")) as GEPACheckpoint;
    } catch (e) {
      throw new GEPACheckpointMismatchError(path, `cannot read the checkpoint (${(e as Error).message})`);
    }
    if (c.format !== CHECKPOINT_FORMAT || c.version !== CHECKPOINT_VERSION) throw new GEPACheckpointMismatchError(path, `not a GEPA checkpoint of version ${CHECKPOINT_VERSION}`);
    if (c.fingerprint !== this.fingerprint) throw new GEPACheckpointMismatchError(path, "the checkpoint was written for a different configuration, program or data");
    this.rng.setState(c.rng);
    this.adapterRng.setState(c.adapterRng);
    this.sampler.setState(c.sampler);
    this.merge = c.merge;
    this.events = c.events;
    this.reflections = c.reflections;
    this.feedbackMetricCalls = c.feedbackMetricCalls;
    this.meter.totals = c.spent;
    this.resumed = true;
    this.resumedIterations = c.state.i + 1;
    this.log(`GEPA: resuming from ${path} at iteration ${c.state.i + 1} (${c.state.totalNumEvals} metric calls spent)`);
    return GEPAState.fromJSON(c.state);
  }
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** DSPy's `best_idx`: the first candidate with the highest validation average. */
function bestIdxOf(scores: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}
