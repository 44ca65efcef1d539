/**
 * Dynamic-Obstacles is stochastic: after each action the balls move at random (inside the env's
 * `step`, before the agent moves). An exact expert would plan over that distribution; this one
 * replans every step on a frozen snapshot and never loses:
 *
 * - the world is frozen as it is now: walls and the balls' current cells block;
 * - d(pose) = fewest turns and moves to step onto the goal in that frozen world (breadth-first search
 *   over (cell, direction), backwards from the goal);
 * - the optimal set is {a ∈ {left, right, forward} : d(next) = d − 1}; `forward` is only in it when the
 *   cell in front is empty or the goal (the env ends the episode with reward −1 for walking into a
 *   wall or ball, judged before the balls move, so this rule is what keeps the agent alive);
 * - when the balls cut every path, d is taken with the balls removed, still without walking into one:
 *   the agent turns towards the goal and waits for the way to clear.
 *
 * The env's action space is {left, right, forward}; actions 3–6 act as `left` there and are never
 * listed. Records are marked `optimalExact: false`.
 */
import type { ActionIndex } from "../minigrid/constants.js";
import { DIR_TO_VEC } from "../minigrid/constants.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import type { ExpertDecision } from "./model.js";
import { TIE_BREAK } from "./search.js";

const INF = 0x3fffffff;

export function isDynamicObstacles(env: MiniGridEnv, family: string): boolean {
  const n = (s: string) => s.toLowerCase().replace(/[^a-z]/g, "");
  return n(family).startsWith("dynamicobstacles") || n(env.constructor.name).startsWith("dynamicobstacles");
}

export class DynamicObstaclesExpert {
  act(env: MiniGridEnv): ExpertDecision {
    let dist = this.distances(env, true);
    const here = (env.agentPos[1] * env.width + env.agentPos[0]) * 4 + env.agentDir;
    if (dist[here]! >= INF) dist = this.distances(env, false);
    const d = dist[here]!;
    const [fx, fy] = env.frontPos;
    const front = env.grid.get(fx, fy);
    const frontClear = front === null || front.type === "goal";
    const optimal: ActionIndex[] = [];
    if (d < INF) {
      const dir = env.agentDir;
      const cell = env.agentPos[1] * env.width + env.agentPos[0];
      const nextOf: Record<number, number> = {
        0: cell * 4 + ((dir + 3) & 3),
        1: cell * 4 + ((dir + 1) & 3),
        2: (fy * env.width + fx) * 4 + dir,
      };
      for (const a of [0, 1, 2] as const) {
        if (a === 2) {
          if (!frontClear) continue;
          if (front !== null && front.type === "goal" && d === 1) {
            optimal.push(2);
            continue;
          }
        }
        if (dist[nextOf[a]!] === d - 1) optimal.push(a);
      }
    }
    // Waiting is safe: when nothing gets closer, turn (towards the goal when a turn is optimal).
    let action: ActionIndex = 0;
    const pick = TIE_BREAK.find((a) => optimal.includes(a));
    if (pick !== undefined) action = pick;
    return { action, optimalActions: optimal.sort(), optimalExact: false, subgoal: "go to the green goal" };
  }

  /** Distances over poses to stepping onto the goal; balls block when `withBalls`. */
  private distances(env: MiniGridEnv, withBalls: boolean): Int32Array {
    const W = env.width;
    const n = W * env.height;
    const free = new Uint8Array(n);
    const goal = new Uint8Array(n);
    for (let c = 0; c < n; c++) {
      const o = env.grid.cells[c];
      if (o === null || o === undefined) free[c] = 1;
      else if (o.type === "goal") {
        free[c] = 1;
        goal[c] = 1;
      } else if (!withBalls && o.type === "ball") free[c] = 1;
    }
    const dist = new Int32Array(4 * n).fill(INF);
    const queue: number[] = [];
    for (let c = 0; c < n; c++) {
      if (!free[c] || goal[c]) continue;
      for (let d = 0; d < 4; d++) {
        const [dx, dy] = DIR_TO_VEC[d]!;
        const f = c + dy * W + dx;
        if (goal[f]) {
          dist[c * 4 + d] = 1;
          queue.push(c * 4 + d);
        }
      }
    }
    for (let qh = 0; qh < queue.length; qh++) {
      const p = queue[qh]!;
      const c = p >> 2;
      const d = p & 3;
      const nd = dist[p]! + 1;
      const [dx, dy] = DIR_TO_VEC[d]!;
      const back = c - (dy * W + dx);
      const preds = [c * 4 + ((d + 1) & 3), c * 4 + ((d + 3) & 3)];
      if (back >= 0 && back < n && free[back] && !goal[back]) preds.push(back * 4 + d);
      for (const q of preds) {
        if (dist[q]! > nd) {
          dist[q] = nd;
          queue.push(q);
        }
      }
    }
    return dist;
  }
}
