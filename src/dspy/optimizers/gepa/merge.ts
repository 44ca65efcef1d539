/**
 * Merge (gepa 0.1.4 `proposer/merge.py`): after an iteration that found a new program, take two
 * non-dominated candidates with a common ancestor, build a child that keeps, per component, the text
 * that changed from the ancestor (the better parent's when both changed), and score it on 5 validation
 * examples chosen where the parents differ. The engine accepts it when its sum is at least the better
 * parent's on those examples.
 */
import type { PyRandom } from "../py-random.js";
import { findDominatorPrograms } from "./pareto.js";
import { PyIntSet } from "./py-int-set.js";
import type { Candidate, GEPAState } from "./state.js";

/** Merge bookkeeping a checkpoint keeps (gepa keeps it in the proposer, not the state). */
export interface MergeState {
  mergesDue: number;
  totalMergesTested: number;
  lastIterFoundNewProgram: boolean;
  /** (id1, id2, ancestor) triplets tried. */
  ancestorLog: [number, number, number][];
  /** (id1, id2, components' sources) descriptions tried. */
  descriptions: [number, number, number[]][];
}

export function emptyMergeState(): MergeState {
  return { mergesDue: 0, totalMergesTested: 0, lastIterFoundNewProgram: false, ancestorLog: [], descriptions: [] };
}

/** Python's `random.choices(population, weights, k=1)[0]` (bisect_right over cumulative weights). */
function weightedChoice<T>(rng: PyRandom, population: readonly T[], weights: readonly number[]): T {
  const cum: number[] = [];
  let acc = 0;
  for (const w of weights) cum.push((acc += w));
  const total = cum[cum.length - 1]! + 0.0;
  if (total <= 0) throw new Error("Total of weights must be greater than zero");
  if (!Number.isFinite(total)) throw new Error("Total of weights must be finite");
  const x = rng.random() * total;
  let lo = 0;
  let hi = population.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < cum[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return population[lo]!;
}

/** Python's `random.choices(population, k)` without weights. */
function choicesUniform<T>(rng: PyRandom, population: readonly T[], k: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < k; i++) out.push(population[Math.floor(rng.random() * population.length)]!);
  return out;
}

function hasDesirablePredictors(cands: readonly Candidate[], ancestor: number, id1: number, id2: number): boolean {
  for (const name of Object.keys(cands[ancestor]!)) {
    const a = cands[ancestor]![name];
    const p1 = cands[id1]![name];
    const p2 = cands[id2]![name];
    if ((a === p1 || a === p2) && p1 !== p2) return true;
  }
  return false;
}

function logHas(log: readonly [number, number, number][], t: [number, number, number]): boolean {
  return log.some((e) => e[0] === t[0] && e[1] === t[1] && e[2] === t[2]);
}

function findCommonAncestorPair(
  rng: PyRandom,
  parents: readonly (readonly (number | null)[])[],
  programIndexes: readonly number[],
  ms: MergeState,
  agg: readonly number[],
  cands: readonly Candidate[],
  maxAttempts = 10,
): [number, number, number] | null {
  const ancestorsOf = (node: number, found: PyIntSet): PyIntSet => {
    for (const p of parents[node]!) {
      if (p !== null && !found.has(p)) {
        found.add(p);
        ancestorsOf(p, found);
      }
    }
    return found;
  };
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    if (programIndexes.length < 2) return null;
    let [i, j] = rng.sample([...programIndexes], 2) as [number, number];
    if (i === j) continue;
    if (j < i) [i, j] = [j, i];
    const ai = new PyIntSet(ancestorsOf(i, new PyIntSet()).toArray());
    const aj = new PyIntSet(ancestorsOf(j, new PyIntSet()).toArray());
    if (ai.has(j) || aj.has(i)) continue;
    const common = ai.intersection(aj);
    const filtered: number[] = [];
    for (const anc of common) {
      if (logHas(ms.ancestorLog, [i, j, anc])) continue;
      if (agg[anc]! > agg[i]! || agg[anc]! > agg[j]!) continue;
      if (!hasDesirablePredictors(cands, anc, i, j)) continue;
      filtered.push(anc);
    }
    if (filtered.length) {
      const anc = weightedChoice(rng, filtered, filtered.map((a) => agg[a]!));
      return [i, j, anc];
    }
  }
  return null;
}

/** `sample_and_attempt_merge_programs_by_common_predictors`: the merged candidate and its sources. */
function attemptMerge(
  agg: readonly number[],
  rng: PyRandom,
  mergeCandidates: readonly number[],
  ms: MergeState,
  cands: readonly Candidate[],
  parents: readonly (readonly (number | null)[])[],
  hasOverlap: (a: number, b: number) => boolean,
  maxAttempts = 10,
): [Candidate, number, number, number] | null {
  if (mergeCandidates.length < 2 || parents.length < 3) return null;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const ids = findCommonAncestorPair(rng, parents, mergeCandidates, ms, agg, cands, maxAttempts);
    if (!ids) continue;
    const [id1, id2, anc] = ids;
    if (logHas(ms.ancestorLog, ids)) continue;
    const merged: Candidate = { ...cands[anc]! };
    const desc: number[] = [];
    // gepa iterates a Python set of names here (hash-seeded order); names are taken in key order,
    // which only matters when several components changed in both parents with equal scores.
    for (const name of Object.keys(cands[anc]!)) {
      const a = cands[anc]![name];
      const p1 = cands[id1]![name]!;
      const p2 = cands[id2]![name]!;
      if ((a === p1 || a === p2) && p1 !== p2) {
        const src = a === p1 ? id2 : id1;
        merged[name] = cands[src]![name]!;
        desc.push(src);
      } else if (a !== p1 && a !== p2) {
        const src = agg[id1]! > agg[id2]! ? id1 : agg[id2]! > agg[id1]! ? id2 : rng.choice([id1, id2]);
        merged[name] = cands[src]![name]!;
        desc.push(src);
      } else {
        merged[name] = p1;
        desc.push(id1);
      }
    }
    if (ms.descriptions.some((d) => d[0] === id1 && d[1] === id2 && d[2].length === desc.length && d[2].every((x, k) => x === desc[k]))) continue;
    if (!hasOverlap(id1, id2)) continue;
    ms.descriptions.push([id1, id2, desc]);
    return [merged, id1, id2, anc];
  }
  return null;
}

/** `select_eval_subsample_for_merged_program`: up to 5 ids, spread over "1 better", "2 better", "tied". */
export function mergeSubsample(rng: PyRandom, s1: Map<number, number>, s2: Map<number, number>, n = 5): number[] {
  const keys1 = new PyIntSet(s1.keys());
  const keys2 = new PyIntSet(s2.keys());
  const common = keys1.intersection(keys2).toArray();
  const p1 = common.filter((id) => s1.get(id)! > s2.get(id)!);
  const p2 = common.filter((id) => s2.get(id)! > s1.get(id)!);
  const p3 = common.filter((id) => !p1.includes(id) && !p2.includes(id));
  const each = Math.max(1, Math.ceil(n / 3));
  const selected: number[] = [];
  for (const bucket of [p1, p2, p3]) {
    if (selected.length >= n) break;
    const available = bucket.filter((id) => !selected.includes(id));
    const take = Math.min(available.length, each, n - selected.length);
    if (take > 0) selected.push(...rng.sample(available, take));
  }
  const remaining = n - selected.length;
  if (remaining > 0) {
    const unused = common.filter((id) => !selected.includes(id));
    if (unused.length >= remaining) selected.push(...rng.sample(unused, remaining));
    else if (common.length) selected.push(...choicesUniform(rng, common, remaining));
  }
  return selected.slice(0, n);
}

/** A merge to evaluate: the child, its two parents, the ancestor and the subsample. */
export interface MergePlan {
  candidate: Candidate;
  id1: number;
  id2: number;
  ancestor: number;
  subsampleIds: number[];
}

/** MergeProposer.propose up to the evaluation: picks the pair and the subsample (or null). */
export function planMerge(state: GEPAState, rng: PyRandom, ms: MergeState, valOverlapFloor = 5): MergePlan | null {
  const trace = state.fullProgramTrace[state.fullProgramTrace.length - 1]!;
  trace.invoked_merge = true;
  const scores = state.programFullScores;
  const mergeCandidates = findDominatorPrograms(state.paretoFrontMapping(), scores);
  const hasOverlap = (a: number, b: number) =>
    new PyIntSet(state.progCandidateValSubscores[a]!.keys()).intersection(new PyIntSet(state.progCandidateValSubscores[b]!.keys())).size >= valOverlapFloor;
  const out = attemptMerge(scores, rng, mergeCandidates, ms, state.programCandidates, state.parentProgramForCandidate, hasOverlap);
  if (!out) return null;
  const [candidate, id1, id2, ancestor] = out;
  trace.merged = true;
  trace.merged_entities = [id1, id2, ancestor];
  ms.ancestorLog.push([id1, id2, ancestor]);
  const subsampleIds = mergeSubsample(rng, state.progCandidateValSubscores[id1]!, state.progCandidateValSubscores[id2]!);
  if (subsampleIds.length === 0) return null;
  trace.subsample_ids = subsampleIds;
  return { candidate, id1, id2, ancestor, subsampleIds };
}
