/**
 * Crossing — rivers of lava (LavaCrossing) or walls (SimpleCrossing) between the agent and the goal.
 *
 * Recipe: walls around; the agent top-left (1, 1) facing right; the goal bottom-right. Every even
 * row and column strictly inside is a candidate river; they are shuffled and the first
 * `numCrossings` become full-length rivers of the obstacle (rows are horizontal rivers, columns
 * vertical ones). A path is then made by shuffling the moves "cross a vertical river" and "cross a
 * horizontal river" and opening one cell per river, at a random place inside the room the path is
 * in, so a way to the goal always exists.
 *
 * Mission: "avoid the lava and get to the green goal square" (lava), "find the opening and get to
 * the green goal square" (walls), "get to the green goal square" (any other obstacle class).
 * Rewards: 1 − 0.9 · (step_count / max_steps) for reaching the goal, 0 otherwise.
 * Termination: the goal is reached, the agent steps into lava, or max_steps (4·size²) runs out.
 * The size must be odd. Registered: MiniGrid-LavaCrossingS9N{1,2,3}-v0,
 * MiniGrid-LavaCrossingS11N5-v0, MiniGrid-SimpleCrossingS9N{1,2,3}-v0 and
 * MiniGrid-SimpleCrossingS11N5-v0.
 */
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.js";
import { family } from "../registration.js";
import { Goal, Lava, Wall, type Point, type WorldObj } from "../world-object.js";

/** An obstacle: "lava", "wall" (any case), or a WorldObj class built with no arguments. */
export type ObstacleType = "lava" | "wall" | (new () => WorldObj);

/** The obstacle class an `obstacleType` option names (Python's `_resolve_obstacle_type`). */
export function obstacleClass(type: ObstacleType): new () => WorldObj {
  if (typeof type !== "string") return type;
  switch (type.toLowerCase()) {
    case "lava":
      return Lava;
    case "wall":
      return Wall;
    default:
      throw new RangeError(`unknown obstacleType '${type}', expected one of "lava", "wall"`);
  }
}

/** The mission for an obstacle class: lava and walls have their own, anything else the plain one. */
export function obstacleMission(cls: new () => WorldObj): string {
  if (cls === Lava) return "avoid the lava and get to the green goal square";
  if (cls === Wall) return "find the opening and get to the green goal square";
  return "get to the green goal square";
}

export interface CrossingOptions extends MiniGridOptions {
  size?: number;
  numCrossings?: number;
  obstacleType?: ObstacleType;
}

type Direction = "vertical" | "horizontal";

export class CrossingEnv extends MiniGridEnv {
  readonly numCrossings: number;
  readonly obstacleType: new () => WorldObj;
  goalPosition: Point | null = null;

  constructor({ size = 9, numCrossings = 1, obstacleType = "lava", maxSteps, ...rest }: CrossingOptions = {}) {
    if (size % 2 !== 1) throw new RangeError(`a Crossing grid needs an odd size, got ${size}`);
    super({ ...rest, gridSize: size, seeThroughWalls: false, maxSteps: maxSteps ?? 4 * size * size });
    this.numCrossings = numCrossings;
    this.obstacleType = obstacleClass(obstacleType);
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);
    this.agentPos = [1, 1];
    this.agentDir = 0;
    this.putObj(new Goal(), width - 2, height - 2);
    this.goalPosition = [width - 2, height - 2];

    // Candidate rivers, shuffled; the first numCrossings are kept.
    let rivers: [Direction, number][] = [];
    for (let i = 2; i < height - 2; i += 2) rivers.push(["vertical", i]);
    for (let j = 2; j < width - 2; j += 2) rivers.push(["horizontal", j]);
    this.npRandom.shuffle(rivers);
    rivers = rivers.slice(0, this.numCrossings);
    const riversV = rivers.filter(([d]) => d === "vertical").map(([, p]) => p).sort((a, b) => a - b);
    const riversH = rivers.filter(([d]) => d === "horizontal").map(([, p]) => p).sort((a, b) => a - b);
    for (let i = 1; i < width - 1; i++) for (const j of riversH) this.putObj(new this.obstacleType(), i, j);
    for (const i of riversV) for (let j = 1; j < height - 1; j++) this.putObj(new this.obstacleType(), i, j);

    // A random order of crossings: each vertical river is crossed by a horizontal move and vice versa.
    const path: Direction[] = [
      ...riversV.map((): Direction => "horizontal"),
      ...riversH.map((): Direction => "vertical"),
    ];
    this.npRandom.shuffle(path);

    // Open one cell of each river, inside the room the path has reached.
    const limitsV = [0, ...riversV, height - 1];
    const limitsH = [0, ...riversH, width - 1];
    let roomI = 0;
    let roomJ = 0;
    for (const direction of path) {
      let i: number;
      let j: number;
      if (direction === "horizontal") {
        i = limitsV[roomI + 1]!;
        j = this.npRandom.choice(range(limitsH[roomJ]! + 1, limitsH[roomJ + 1]!));
        roomI++;
      } else {
        i = this.npRandom.choice(range(limitsV[roomI]! + 1, limitsV[roomI + 1]!));
        j = limitsH[roomJ + 1]!;
        roomJ++;
      }
      this.grid.set(i, j, null);
    }

    this.mission = obstacleMission(this.obstacleType);
  }
}

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let k = lo; k < hi; k++) out.push(k);
  return out;
}

export const CROSSING_ENVS = family("Crossing", CrossingEnv, {
  "MiniGrid-LavaCrossingS9N1-v0": { size: 9, numCrossings: 1 },
  "MiniGrid-LavaCrossingS9N2-v0": { size: 9, numCrossings: 2 },
  "MiniGrid-LavaCrossingS9N3-v0": { size: 9, numCrossings: 3 },
  "MiniGrid-LavaCrossingS11N5-v0": { size: 11, numCrossings: 5 },
  "MiniGrid-SimpleCrossingS9N1-v0": { size: 9, numCrossings: 1, obstacleType: "wall" },
  "MiniGrid-SimpleCrossingS9N2-v0": { size: 9, numCrossings: 2, obstacleType: "wall" },
  "MiniGrid-SimpleCrossingS9N3-v0": { size: 9, numCrossings: 3, obstacleType: "wall" },
  "MiniGrid-SimpleCrossingS11N5-v0": { size: 11, numCrossings: 5, obstacleType: "wall" },
});
