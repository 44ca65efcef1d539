/**
 * An independent brute-force oracle for the expert's tests: it shares no code with search.ts or the
 * planning models. It explores EVERY state reachable from an env's current state (each one a cloned
 * env stepped through the real `step()`), then computes d(s) — the fewest steps to a transition with
 * reward > 0 — backwards over the whole graph. Small instances only.
 */
import type { ActionIndex } from "../minigrid/constants.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import { cloneEnv } from "./env-model.js";

/** A BabyAI sequence's progress, all the way down its parts ("" for anything else). */
function sequenceProgress(instr: unknown): string {
  const i = instr as { aDone?: unknown; bDone?: unknown; instrA?: unknown; instrB?: unknown } | undefined;
  if (!i || !("aDone" in i)) return "";
  return `|${String(i.aDone)},${String(i.bDone)}${sequenceProgress(i.instrA)}${sequenceProgress(i.instrB)}`;
}

/**
 * Everything about a state that the env's rules can see (objects by encoding and position), and a
 * BabyAI sequence's progress: its verifier remembers which parts are done.
 */
export function bruteKey(env: MiniGridEnv): string {
  const c = env.carrying;
  const progress = sequenceProgress((env as { instrs?: unknown }).instrs);
  return `${env.agentPos[0]},${env.agentPos[1]},${env.agentDir}|${c ? `${c.type}/${c.color}` : "-"}|${Array.from(env.grid.encode()).join("")}${progress}`;
}

export interface BruteForce {
  /** d(s) of a state (Infinity when success is unreachable), or undefined when never reached. */
  distance(env: MiniGridEnv): number | undefined;
  /** {a : d(next(s, a)) = d(s) − 1}, with a success counting as d = 0. */
  optimalSet(env: MiniGridEnv): ActionIndex[];
  states: number;
}

export function bruteForce(start: MiniGridEnv, maxStates = 200_000): BruteForce {
  const ids = new Map<string, number>();
  const edges: number[][] = []; // per state: 7 targets; −2 success, −3 dead end
  const queue: MiniGridEnv[] = [];
  const add = (e: MiniGridEnv): number => {
    const k = bruteKey(e);
    let id = ids.get(k);
    if (id === undefined) {
      id = edges.length;
      if (id >= maxStates) throw new Error(`brute force passed ${maxStates} states`);
      ids.set(k, id);
      edges.push([]);
      queue.push(e);
    }
    return id;
  };
  add(cloneEnv(start));
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]!;
    const id = ids.get(bruteKey(s))!;
    for (let a = 0; a < 7; a++) {
      const c = cloneEnv(s);
      c.maxSteps = Number.MAX_SAFE_INTEGER; // the horizon is not this oracle's concern
      const r = c.step(a as ActionIndex);
      edges[id]![a] = r.terminated ? (r.reward > 0 ? -2 : -3) : add(c);
    }
    queue[q] = null as unknown as MiniGridEnv;
  }
  // Backwards: d = 1 for states with a success edge, then predecessors.
  const n = edges.length;
  const preds: number[][] = Array.from({ length: n }, () => []);
  const d = new Array<number>(n).fill(Infinity);
  const frontier: number[] = [];
  for (let s = 0; s < n; s++) {
    for (const t of edges[s]!) {
      if (t >= 0) preds[t]!.push(s);
      if (t === -2 && d[s] === Infinity) {
        d[s] = 1;
        frontier.push(s);
      }
    }
  }
  for (let i = 0; i < frontier.length; i++) {
    const t = frontier[i]!;
    for (const s of preds[t]!) {
      if (d[s] === Infinity) {
        d[s] = d[t]! + 1;
        frontier.push(s);
      }
    }
  }
  const idOf = (env: MiniGridEnv) => ids.get(bruteKey(env));
  return {
    states: n,
    distance: (env) => {
      const id = idOf(env);
      return id === undefined ? undefined : d[id];
    },
    optimalSet: (env) => {
      const id = idOf(env);
      if (id === undefined) throw new Error("state never reached by the brute force");
      const ds = d[id]!;
      const out: ActionIndex[] = [];
      for (let a = 0; a < 7; a++) {
        const t = edges[id]![a]!;
        const dn = t === -2 ? 0 : t === -3 ? Infinity : d[t]!;
        if (ds < Infinity && dn === ds - 1) out.push(a as ActionIndex);
      }
      return out;
    },
  };
}
