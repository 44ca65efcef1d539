/**
 * Test helpers for the room-grid families: look up a recorded Python episode, and drive the agent
 * with real actions (turns and forward moves only) until it faces a given cell.
 */
import { Actions, DIR_TO_VEC } from "../constants.js";
import type { MiniGridEnv, StepResult } from "../minigrid-env.js";
import type { Point } from "../world-object.js";
import { episodeFromText, readFixtureText, type FixtureEpisode } from "../../testing/reference-fixtures.js";
import { fixturePath } from "../../testing/paths.js";

let fixtureText: string | null = null;

/** The recorded episode for (envId, seed) in minigrid.json (found by its line, not a full parse). */
export function fixtureEpisode(envId: string, seed: number): FixtureEpisode {
  fixtureText ??= readFixtureText(fixturePath("minigrid/minigrid.json.gz"));
  return episodeFromText(fixtureText, envId, seed);
}

/**
 * Turn and move (over empty or overlappable cells) along a shortest path until the agent faces
 * `target`; returns every step's result. Throws if no path exists.
 */
export function walkToFace(env: MiniGridEnv, target: Point): StepResult[] {
  const key = (p: Point): number => p[1] * env.width + p[0];
  const passable = (p: Point): boolean => {
    const c = env.grid.get(p[0], p[1]);
    return c === null || c.canOverlap();
  };
  // BFS over agent cells; a cell is a goal if the target is one of its neighbours.
  const prev = new Map<number, Point | null>([[key(env.agentPos), null]]);
  const queue: Point[] = [env.agentPos];
  let goal: Point | null = null;
  while (queue.length > 0) {
    const p = queue.shift()!;
    if (DIR_TO_VEC.some(([dx, dy]) => p[0] + dx === target[0] && p[1] + dy === target[1])) {
      goal = p;
      break;
    }
    for (const [dx, dy] of DIR_TO_VEC) {
      const q: Point = [p[0] + dx, p[1] + dy];
      if (q[0] < 0 || q[1] < 0 || q[0] >= env.width || q[1] >= env.height) continue;
      if (prev.has(key(q)) || !passable(q)) continue;
      prev.set(key(q), p);
      queue.push(q);
    }
  }
  if (goal === null) throw new Error(`no path to face (${target[0]}, ${target[1]})`);
  const path: Point[] = [];
  for (let p: Point | null = goal; p !== null; p = prev.get(key(p))!) path.unshift(p);
  const results: StepResult[] = [];
  const face = (dx: number, dy: number): void => {
    const want = DIR_TO_VEC.findIndex(([vx, vy]) => vx === dx && vy === dy);
    const turn = (want - env.agentDir + 4) % 4;
    if (turn === 3) results.push(env.step(Actions.left));
    else for (let t = 0; t < turn; t++) results.push(env.step(Actions.right));
  };
  for (let k = 1; k < path.length; k++) {
    face(path[k]![0] - path[k - 1]![0], path[k]![1] - path[k - 1]![1]);
    results.push(env.step(Actions.forward));
  }
  face(target[0] - env.agentPos[0], target[1] - env.agentPos[1]);
  return results;
}
