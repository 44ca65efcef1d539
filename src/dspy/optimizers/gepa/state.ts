/**
 * The run state of a GEPA optimization (gepa 0.1.4 `core/state.py`, the `instance` frontier): every
 * candidate, its parents and per-example validation scores, the per-example Pareto front, the
 * round-robin pointer of each candidate, the metric-call count and the iteration trace.
 *
 * Validation ids are valset indices. Score maps keep insertion order (Python dicts do); front sets
 * are {@link PyIntSet}s so they iterate as CPython's sets do.
 */
import { PyIntSet } from "./py-int-set.js";

/** A candidate: component (predictor) name → instruction text. */
export type Candidate = Record<string, string>;

/** One entry of gepa's `full_program_trace` (what an iteration did). */
export type IterationTrace = Record<string, unknown> & { i: number };

export class GEPAState {
  programCandidates: Candidate[];
  parentProgramForCandidate: (number | null)[][];
  progCandidateValSubscores: Map<number, number>[];
  paretoFrontValset: Map<number, number>;
  programAtParetoFrontValset: Map<number, PyIntSet>;
  listOfNamedPredictors: string[];
  namedPredictorIdToUpdateNext: number[];
  i = -1;
  numFullDsEvals = 0;
  totalNumEvals = 0;
  numMetricCallsByDiscovery: number[];
  fullProgramTrace: IterationTrace[] = [];

  constructor(seed: Candidate, seedScores: Map<number, number>) {
    this.programCandidates = [{ ...seed }];
    this.parentProgramForCandidate = [[null]];
    this.progCandidateValSubscores = [new Map(seedScores)];
    this.paretoFrontValset = new Map(seedScores);
    this.programAtParetoFrontValset = new Map([...seedScores.keys()].map((id) => [id, new PyIntSet([0])]));
    this.listOfNamedPredictors = Object.keys(seed);
    this.namedPredictorIdToUpdateNext = [0];
    this.numMetricCallsByDiscovery = [0];
  }

  /** `(average, count)` of a candidate's validation scores (−∞ when it has none). */
  averageValScore(idx: number): number {
    const scores = this.progCandidateValSubscores[idx]!;
    if (scores.size === 0) return Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (const s of scores.values()) sum += s;
    return sum / scores.size;
  }

  /** `program_full_scores_val_set` / `per_program_tracked_scores`. */
  get programFullScores(): number[] {
    return this.progCandidateValSubscores.map((_, i) => this.averageValScore(i));
  }

  /** `get_pareto_front_mapping()` for the instance frontier: copies of the front sets. */
  paretoFrontMapping(): Map<number, PyIntSet> {
    return new Map([...this.programAtParetoFrontValset].map(([id, s]) => [id, s.copy()]));
  }

  /** FullEvaluationPolicy.get_best_program: the highest average (first wins; more coverage breaks ties). */
  bestProgramIdx(): number {
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    let bestCoverage = -1;
    this.progCandidateValSubscores.forEach((scores, idx) => {
      const avg = this.averageValScore(idx);
      if (avg > bestScore || (avg === bestScore && scores.size > bestCoverage)) {
        best = idx;
        bestScore = avg;
        bestCoverage = scores.size;
      }
    });
    return best;
  }

  /** Adds an evaluated candidate and updates the front; returns its index. */
  addProgram(parents: number[], candidate: Candidate, valScores: Map<number, number>, discoveryCalls: number): number {
    const idx = this.programCandidates.length;
    this.programCandidates.push({ ...candidate });
    this.numMetricCallsByDiscovery.push(discoveryCalls);
    const next = parents.length ? Math.max(...parents.map((p) => this.namedPredictorIdToUpdateNext[p]!)) : 0;
    this.namedPredictorIdToUpdateNext.push(next);
    this.parentProgramForCandidate.push([...parents]);
    this.progCandidateValSubscores.push(new Map(valScores));
    for (const [id, score] of valScores) {
      const prev = this.paretoFrontValset.get(id) ?? Number.NEGATIVE_INFINITY;
      if (score > prev) {
        this.paretoFrontValset.set(id, score);
        this.programAtParetoFrontValset.set(id, new PyIntSet([idx]));
      } else if (score === prev) {
        let front = this.programAtParetoFrontValset.get(id);
        if (!front) this.programAtParetoFrontValset.set(id, (front = new PyIntSet()));
        front.add(idx);
      }
    }
    return idx;
  }

  toJSON(): GEPAStateJSON {
    return {
      programCandidates: this.programCandidates,
      parentProgramForCandidate: this.parentProgramForCandidate,
      progCandidateValSubscores: this.progCandidateValSubscores.map((m) => [...m]),
      paretoFrontValset: [...this.paretoFrontValset],
      programAtParetoFrontValset: [...this.programAtParetoFrontValset].map(([id, s]) => [id, s.toJSON()]),
      listOfNamedPredictors: this.listOfNamedPredictors,
      namedPredictorIdToUpdateNext: this.namedPredictorIdToUpdateNext,
      i: this.i,
      numFullDsEvals: this.numFullDsEvals,
      totalNumEvals: this.totalNumEvals,
      numMetricCallsByDiscovery: this.numMetricCallsByDiscovery,
      fullProgramTrace: this.fullProgramTrace,
    };
  }

  static fromJSON(j: GEPAStateJSON): GEPAState {
    const s = new GEPAState(j.programCandidates[0]!, new Map());
    s.programCandidates = j.programCandidates;
    s.parentProgramForCandidate = j.parentProgramForCandidate;
    s.progCandidateValSubscores = j.progCandidateValSubscores.map((e) => new Map(e));
    s.paretoFrontValset = new Map(j.paretoFrontValset);
    s.programAtParetoFrontValset = new Map(j.programAtParetoFrontValset.map(([id, t]) => [id, PyIntSet.fromJSON(t)]));
    s.listOfNamedPredictors = j.listOfNamedPredictors;
    s.namedPredictorIdToUpdateNext = j.namedPredictorIdToUpdateNext;
    s.i = j.i;
    s.numFullDsEvals = j.numFullDsEvals;
    s.totalNumEvals = j.totalNumEvals;
    s.numMetricCallsByDiscovery = j.numMetricCallsByDiscovery;
    s.fullProgramTrace = j.fullProgramTrace;
    return s;
  }
}

/** {@link GEPAState} as JSON (maps as entry lists, sets as their CPython tables). */
export interface GEPAStateJSON {
  programCandidates: Candidate[];
  parentProgramForCandidate: (number | null)[][];
  progCandidateValSubscores: [number, number][][];
  paretoFrontValset: [number, number][];
  programAtParetoFrontValset: [number, (number | null)[]][];
  listOfNamedPredictors: string[];
  namedPredictorIdToUpdateNext: number[];
  i: number;
  numFullDsEvals: number;
  totalNumEvals: number;
  numMetricCallsByDiscovery: number[];
  fullProgramTrace: IterationTrace[];
}
