/**
 * Pareto-front candidate selection (gepa 0.1.4 `gepa_utils.py`): drop candidates dominated on the
 * per-example fronts, then draw a parent with probability proportional to the number of examples it
 * is best on — the list is built in CPython's set order, so the same `rng.choice` picks the same one.
 */
import type { PyRandom } from "../py-random.js";
import { PyIntSet } from "./py-int-set.js";
import type { GEPAState } from "./state.js";

type Fronts = Map<number, PyIntSet>;

function isDominated(y: number, programs: Set<number>, fronts: Fronts): boolean {
  for (const front of fronts.values()) {
    if (!front.has(y)) continue;
    let found = false;
    for (const other of front) {
      if (programs.has(other)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

/** `remove_dominated_programs`: the fronts restricted to non-dominated candidates. */
export function removeDominatedPrograms(fronts: Fronts, scores: readonly number[]): Fronts {
  const freq = new Map<number, number>();
  for (const front of fronts.values()) for (const p of front) freq.set(p, (freq.get(p) ?? 0) + 1);
  const programs = [...freq.keys()].sort((a, b) => (scores[a]! < scores[b]! ? -1 : scores[a]! > scores[b]! ? 1 : 0));
  const dominated = new Set<number>();
  let found = true;
  while (found) {
    found = false;
    for (const y of programs) {
      if (dominated.has(y)) continue;
      const others = new Set(programs.filter((p) => p !== y && !dominated.has(p)));
      if (isDominated(y, others, fronts)) {
        dominated.add(y);
        found = true;
        break;
      }
    }
  }
  const dominators = new Set(programs.filter((p) => !dominated.has(p)));
  const out: Fronts = new Map();
  for (const [id, front] of fronts) {
    const s = new PyIntSet();
    for (const p of front) if (dominators.has(p)) s.add(p);
    out.set(id, s);
  }
  return out;
}

/** `find_dominator_programs`: the non-dominated candidates, in CPython's set order. */
export function findDominatorPrograms(fronts: Fronts, scores: readonly number[]): number[] {
  const reduced = removeDominatedPrograms(fronts, scores);
  const all: number[] = [];
  for (const front of reduced.values()) all.push(...front);
  return new PyIntSet(all).toArray();
}

/** `select_program_candidate_from_pareto_front`. */
export function selectFromParetoFront(fronts: Fronts, scores: readonly number[], rng: PyRandom): number {
  const reduced = removeDominatedPrograms(fronts, scores);
  const freq = new Map<number, number>();
  for (const front of reduced.values()) for (const p of front) freq.set(p, (freq.get(p) ?? 0) + 1);
  const sampling: number[] = [];
  for (const [p, n] of freq) for (let k = 0; k < n; k++) sampling.push(p);
  if (sampling.length === 0) throw new Error("GEPA: the Pareto front is empty");
  return rng.choice(sampling);
}

/** How a parent is chosen each iteration: from the Pareto front (default) or the best average. */
export type CandidateSelectionStrategy = "pareto" | "current_best";

/** `ParetoCandidateSelector` / `CurrentBestCandidateSelector`. */
export function selectCandidate(strategy: CandidateSelectionStrategy, state: GEPAState, rng: PyRandom): number {
  const scores = state.programFullScores;
  if (strategy === "current_best") return scores.indexOf(Math.max(...scores));
  return selectFromParetoFront(state.paretoFrontMapping(), scores, rng);
}

/** `RoundRobinReflectionComponentSelector` (or `all`): the components to rewrite for this parent. */
export function selectComponents(mode: "round_robin" | "all", state: GEPAState, parentIdx: number): string[] {
  if (mode === "all") return Object.keys(state.programCandidates[parentIdx]!);
  const pid = state.namedPredictorIdToUpdateNext[parentIdx]!;
  state.namedPredictorIdToUpdateNext[parentIdx] = (pid + 1) % state.listOfNamedPredictors.length;
  return [state.listOfNamedPredictors[pid]!];
}
