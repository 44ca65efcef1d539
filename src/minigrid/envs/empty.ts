/**
 * Empty — an empty room with the goal in the bottom-right corner.
 *
 * Mission: "get to the green goal square". Reward on reaching the goal; the episode ends there or at
 * max_steps (4·size²). The agent starts at (1, 1) facing right, or anywhere with `agentStartPos: null`.
 * The agent sees through walls. Registered: MiniGrid-Empty-{5x5,6x6,8x8,16x16}-v0 and
 * MiniGrid-Empty-Random-{5x5,6x6}-v0.
 */
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.js";
import { family } from "../registration.js";
import { Goal, type Point } from "../world-object.js";

export interface EmptyOptions extends MiniGridOptions {
  size?: number;
  agentStartPos?: Point | null;
  agentStartDir?: number;
}

export class EmptyEnv extends MiniGridEnv {
  private readonly agentStartPos: Point | null;
  private readonly agentStartDir: number;

  constructor({ size = 8, agentStartPos = [1, 1], agentStartDir = 0, maxSteps, ...rest }: EmptyOptions = {}) {
    super({ ...rest, gridSize: size, seeThroughWalls: true, maxSteps: maxSteps ?? 4 * size * size });
    this.agentStartPos = agentStartPos;
    this.agentStartDir = agentStartDir;
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);
    this.putObj(new Goal(), width - 2, height - 2);
    if (this.agentStartPos !== null) {
      this.agentPos = [...this.agentStartPos];
      this.agentDir = this.agentStartDir;
    } else {
      this.placeAgent();
    }
    this.mission = "get to the green goal square";
  }
}

export const EMPTY_ENVS = family("Empty", EmptyEnv, {
  "MiniGrid-Empty-5x5-v0": { size: 5 },
  "MiniGrid-Empty-Random-5x5-v0": { size: 5, agentStartPos: null },
  "MiniGrid-Empty-6x6-v0": { size: 6 },
  "MiniGrid-Empty-Random-6x6-v0": { size: 6, agentStartPos: null },
  "MiniGrid-Empty-8x8-v0": {},
  "MiniGrid-Empty-16x16-v0": { size: 16 },
});
