/**
 * The exact planner: one forward search from the current state that finds the fewest steps to
 * success d* and every state on some shortest path, so that the optimal set of each of those states
 * is known without searching again.
 *
 * It is A* with a consistent heuristic (plain breadth-first search when the heuristic is 0) that
 * expands every state with g + h ≤ d* − 1 … i.e. every state that could lie on a shortest path. Each
 * expanded state keeps its seven outgoing edges. Then, layer by layer from the end, a state is marked
 * *optimal* when it has a success edge and g = d* − 1, or an edge to an optimal state one layer deeper.
 * For an optimal state s, d(s) = d* − g(s), and the optimal set is {a : next(s, a) is optimal one
 * layer deeper, or a succeeds and d(s) = 1} — exactly {a : d(next(s, a)) = d(s) − 1}.
 *
 * Tie-break (documented in the dataset format): the chosen action is the first optimal one in the
 * order forward, left, right, pickup, drop, toggle, done.
 */
import type { ActionIndex } from "../minigrid/constants.js";
import type { PlanningModel } from "./model.js";
import { StringTable, type StateTable } from "./state-table.js";
import { NO_INTERACTION, subgoalText } from "./subgoal.js";

/** The preference order among optimal actions. */
export const TIE_BREAK: readonly ActionIndex[] = [2, 0, 1, 3, 4, 5, 6];

const SUCCESS = -2;
const DEAD = -3;
const UNSEEN = -1;

/** The expert's exact search visited more states than its budget allows. */
export class SearchBudgetError extends Error {
  constructor(readonly nodes: number) {
    super(`the exact search passed its budget of ${nodes} states`);
    this.name = "SearchBudgetError";
  }
}

export interface SearchOptions {
  /** The most actions the episode still allows (max_steps − step_count). */
  horizon: number;
  /** Give up (SearchBudgetError) after this many distinct states. */
  maxNodes?: number;
  /**
   * Heuristic weight (default 1: exact). Above 1 the search is weighted A*: faster, and the plan is a
   * set of equally long paths that need not be shortest (approximate planning).
   */
  weight?: number;
}

/** Growable Int32 storage. */
class IntVec {
  data: Int32Array;
  length = 0;
  constructor(cap = 1024) {
    this.data = new Int32Array(cap);
  }
  reserve(n: number): void {
    if (n <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < n) cap *= 2;
    const d = new Int32Array(cap);
    d.set(this.data.subarray(0, this.length));
    this.data = d;
  }
}

/** A finished search: which states lie on shortest paths, and what to do there. */
export class Plan<S = unknown> {
  private readonly chosenCache = new Map<number, ActionIndex>();
  private readonly subgoalCache = new Map<number, number>();

  constructor(
    /** Fewest steps to success from the root, or null when success is out of reach within the horizon. */
    readonly dStar: number | null,
    private readonly table: StateTable<S>,
    private readonly g: Int32Array,
    private readonly edges: Int32Array,
    private readonly info: Int32Array,
    private readonly optimal: Uint8Array,
    /** Number of distinct states the search generated. */
    readonly states: number,
  ) {}

  /** The node of a state, when the search saw it. */
  node(s: S): number | undefined {
    const id = this.table.find(s);
    return id < 0 ? undefined : id;
  }

  /** Whether the node at `depth` steps from the root lies on a shortest path. */
  isOptimalAt(node: number, depth: number): boolean {
    return this.dStar !== null && this.optimal[node] === 1 && this.g[node] === depth;
  }

  /** d(s) of an optimal node. */
  distance(node: number): number {
    return this.dStar! - this.g[node]!;
  }

  /** {a : d(next(s, a)) = d(s) − 1}, ascending. */
  optimalActions(node: number): ActionIndex[] {
    const out: ActionIndex[] = [];
    for (let a = 0; a < 7; a++) if (this.isOptimalEdge(node, a)) out.push(a as ActionIndex);
    return out;
  }

  private isOptimalEdge(node: number, a: number): boolean {
    const t = this.edges[node * 7 + a]!;
    const gn = this.g[node]!;
    if (t === SUCCESS) return gn + 1 === this.dStar;
    return t >= 0 && this.optimal[t] === 1 && this.g[t] === gn + 1;
  }

  /** The tie-broken optimal action. */
  chosen(node: number): ActionIndex {
    const c = this.chosenCache.get(node);
    if (c !== undefined) return c;
    for (const a of TIE_BREAK) {
      if (this.isOptimalEdge(node, a)) {
        this.chosenCache.set(node, a);
        return a;
      }
    }
    throw new Error(`node ${node} is not on a shortest path`);
  }

  /** The node the chosen action leads to (null at the final, successful action). */
  private chosenNext(node: number): number | null {
    const t = this.edges[node * 7 + this.chosen(node)]!;
    return t >= 0 ? t : null;
  }

  /** The first interaction along the chosen path, as text (see subgoal.ts). */
  subgoal(node: number): string {
    return subgoalText(this.subgoalCodeOf(node));
  }

  private subgoalCodeOf(node: number): number {
    const path: number[] = [];
    let n: number | null = node;
    let code = NO_INTERACTION;
    while (n !== null) {
      const cached = this.subgoalCache.get(n);
      if (cached !== undefined) {
        code = cached;
        break;
      }
      path.push(n);
      const own = this.info[n * 7 + this.chosen(n)]!;
      if (own !== NO_INTERACTION) {
        code = own;
        break;
      }
      n = this.chosenNext(n);
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const p = path[i]!;
      const own = this.info[p * 7 + this.chosen(p)]!;
      if (own !== NO_INTERACTION) code = own;
      this.subgoalCache.set(p, code);
    }
    return code;
  }

  /** Where action a leads from a node (a node id, or null when it ends the episode or was never generated). */
  successor(node: number, a: ActionIndex): number | null {
    const t = this.edges[node * 7 + a]!;
    return t >= 0 ? t : null;
  }
}

/** Search from the model's root; see the file comment. */
export function search<S>(model: PlanningModel<S>, opts: SearchOptions): Plan<S> {
  const maxNodes = opts.maxNodes ?? 2_000_000;
  const weight = opts.weight ?? 1;
  const horizon = opts.horizon;
  // No f above this can lead to success within the horizon.
  const fMax = horizon * weight;
  const table: StateTable<S> = model.createTable?.() ?? new StringTable((s: S) => model.key(s));
  const g = new IntVec();
  const h = new IntVec();
  const expanded = new IntVec();
  const edges = new IntVec(7 * 1024);
  const info = new IntVec(7 * 1024);
  // Buckets by f = g + h; entries are node ids (stale ones skipped on pop).
  const buckets: number[][] = [];

  const addNode = (s: S, gv: number): number => {
    if (table.size >= maxNodes) throw new SearchBudgetError(maxNodes);
    const hv = model.heuristic(s);
    const id = table.add(s);
    g.reserve(id + 1);
    h.reserve(id + 1);
    expanded.reserve(id + 1);
    edges.reserve(7 * (id + 1));
    info.reserve(7 * (id + 1));
    g.data[id] = gv;
    h.data[id] = Math.min(weight * hv, 0x3fffffff);
    expanded.data[id] = 0;
    edges.data.fill(UNSEEN, 7 * id, 7 * id + 7);
    info.data.fill(NO_INTERACTION, 7 * id, 7 * id + 7);
    g.length = h.length = expanded.length = id + 1;
    edges.length = info.length = 7 * (id + 1);
    push(id);
    return id;
  };
  let currentF = 0;
  const push = (id: number): void => {
    // A consistent heuristic never lowers f; the max is a guard, not a correction.
    const f = Math.max(currentF, g.data[id]! + h.data[id]!);
    if (f > fMax) return; // success is out of reach within the episode
    (buckets[f] ??= []).push(id);
  };

  const root = model.root();
  addNode(root, 0);
  let best = Infinity; // d*, once a success is found

  for (let f = 0; f < buckets.length && f <= best && f <= fMax; f++) {
    currentF = f;
    const bucket = buckets[f];
    if (!bucket) continue;
    for (let bi = 0; bi < bucket.length; bi++) {
      const id = bucket[bi]!;
      const gv = g.data[id]!;
      if (expanded.data[id] || Math.max(f, gv + h.data[id]!) !== f) continue; // stale entry
      if (gv >= best || gv >= horizon) continue; // cannot lie on a shortest path
      expanded.data[id] = 1;
      const s = table.get(id);
      const out = model.expand(s);
      for (let a = 0; a < 7; a++) {
        const t = out[a]!;
        info.data[id * 7 + a] = t.interaction;
        if (t.terminated) {
          edges.data[id * 7 + a] = t.success ? SUCCESS : DEAD;
          if (t.success && gv + 1 < best) best = gv + 1;
          continue;
        }
        if (t.next === s) {
          edges.data[id * 7 + a] = id; // the action changed nothing
          continue;
        }
        let nid = table.find(t.next!);
        if (nid < 0) {
          nid = addNode(t.next!, gv + 1);
        } else if (!expanded.data[nid] && gv + 1 < g.data[nid]!) {
          g.data[nid] = gv + 1;
          push(nid);
        }
        edges.data[id * 7 + a] = nid;
      }
      // Keep the state only while it may still be expanded.
      table.release(id);
      // Weighted A* stops at its first success: its plan is approximate anyway.
      if (weight > 1 && best < Infinity) break;
    }
    if (weight > 1 && best < Infinity) break;
    buckets[f] = [];
  }

  const n = table.size;
  const optimal = new Uint8Array(n);
  if (best === Infinity) return new Plan(null, table, g.data, edges.data, info.data, optimal, n);
  // Mark, deepest layer first.
  const byLayer: number[][] = [];
  for (let id = 0; id < n; id++) if (expanded.data[id]) (byLayer[g.data[id]!] ??= []).push(id);
  for (let layer = best - 1; layer >= 0; layer--) {
    for (const id of byLayer[layer] ?? []) {
      for (let a = 0; a < 7; a++) {
        const t = edges.data[id * 7 + a]!;
        if ((t === SUCCESS && layer === best - 1) || (t >= 0 && optimal[t] === 1 && g.data[t] === layer + 1)) {
          optimal[id] = 1;
          break;
        }
      }
    }
  }
  return new Plan(best, table, g.data, edges.data, info.data, optimal, n);
}
