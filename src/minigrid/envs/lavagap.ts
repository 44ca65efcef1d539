/**
 * LavaGap — a vertical strip of lava with a one-cell gap between the agent and the goal.
 *
 * Recipe: walls around; the agent top-left (1, 1) facing right; the goal bottom-right; the gap at
 * a random column in [2, size − 3] and a random row in [1, size − 2]; the strip fills that column
 * between the outer walls except at the gap.
 *
 * Mission: "avoid the lava and get to the green goal square" ("find the opening and get to the
 * green goal square" with another obstacle). Rewards: 1 − 0.9 · (step_count / max_steps) for the
 * goal, 0 otherwise. Termination: the goal is reached, the agent steps into lava, or max_steps
 * (4·size²) runs out. `size` has no default, as in Python. Registered: MiniGrid-LavaGapS{5,6,7}-v0.
 */
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.js";
import { family } from "../registration.js";
import { Goal, Lava, type Point, type WorldObj } from "../world-object.js";
import { obstacleClass, type ObstacleType } from "./crossing.js";

export interface LavaGapOptions extends MiniGridOptions {
  size: number;
  obstacleType?: ObstacleType;
}

export class LavaGapEnv extends MiniGridEnv {
  readonly size: number;
  readonly obstacleType: new () => WorldObj;
  goalPos: Point = [-1, -1];
  gapPos: Point = [-1, -1];

  constructor({ size, obstacleType = "lava", maxSteps, ...rest }: LavaGapOptions) {
    super({ ...rest, width: size, height: size, seeThroughWalls: false, maxSteps: maxSteps ?? 4 * size * size });
    this.size = size;
    this.obstacleType = obstacleClass(obstacleType);
  }

  protected genGrid(width: number, height: number): void {
    if (width < 5 || height < 5) throw new RangeError(`LavaGap needs at least a 5×5 grid, got ${width}×${height}`);
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);
    this.agentPos = [1, 1];
    this.agentDir = 0;
    this.goalPos = [width - 2, height - 2];
    this.putObj(new Goal(), width - 2, height - 2);

    const gapX = this.randInt(2, width - 2);
    const gapY = this.randInt(1, height - 1);
    this.gapPos = [gapX, gapY];
    this.grid.vertWall(gapX, 1, height - 2, () => new this.obstacleType());
    this.grid.set(gapX, gapY, null);

    this.mission =
      this.obstacleType === Lava
        ? "avoid the lava and get to the green goal square"
        : "find the opening and get to the green goal square";
  }
}

export const LAVAGAP_ENVS = family("LavaGap", LavaGapEnv, {
  "MiniGrid-LavaGapS5-v0": { size: 5 },
  "MiniGrid-LavaGapS6-v0": { size: 6 },
  "MiniGrid-LavaGapS7-v0": { size: 7 },
});
