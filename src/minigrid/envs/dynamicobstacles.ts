/**
 * Dynamic-Obstacles — an empty room with balls that move at random every step.
 *
 * Recipe: walls around; the goal bottom-right; the agent at (1, 1) facing right (anywhere, facing
 * anywhere, with `agentStartPos: null`); `nObstacles` blue balls at random free cells (reduced to
 * size/2 when more than size/2 + 1 are asked for). On every step, before the agent moves, each
 * ball in turn jumps to a random free cell of the 3×3 square around it (100 tries, else it stays),
 * so the generator is used during steps as well as in reset.
 *
 * Only left, right and forward are allowed: any action ≥ 3 is taken as left (0), as in Python.
 * Mission: "get to the green goal square". Rewards: 1 − 0.9 · (step_count / max_steps) for the goal;
 * −1 for moving forward into an obstacle (a ball or a wall: whatever was in front before the balls
 * moved), which also ends the episode. Termination: the goal is reached, a collision, or max_steps
 * (4·size²) runs out. The agent sees through walls. Registered:
 * MiniGrid-Dynamic-Obstacles-{5x5,6x6,8x8,16x16}-v0 and MiniGrid-Dynamic-Obstacles-Random-{5x5,6x6}-v0.
 */
import { Actions, type ActionIndex } from "../constants.js";
import { EnvNotResetError, PlacementError } from "../errors.js";
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions, type StepResult } from "../minigrid-env.js";
import { family } from "../registration.js";
import { Ball, Goal, type Point } from "../world-object.js";

export interface DynamicObstaclesOptions extends MiniGridOptions {
  size?: number;
  agentStartPos?: Point | null;
  agentStartDir?: number;
  nObstacles?: number;
}

/** The actions this env accepts (left, right, forward); the rest become left. */
export const DYNAMIC_OBSTACLES_NUM_ACTIONS = Actions.forward + 1;

export class DynamicObstaclesEnv extends MiniGridEnv {
  private readonly agentStartPos: Point | null;
  private readonly agentStartDir: number;
  readonly nObstacles: number;
  obstacles: Ball[] = [];

  constructor({
    size = 8,
    agentStartPos = [1, 1],
    agentStartDir = 0,
    nObstacles = 4,
    maxSteps,
    ...rest
  }: DynamicObstaclesOptions = {}) {
    super({ ...rest, gridSize: size, seeThroughWalls: true, maxSteps: maxSteps ?? 4 * size * size });
    this.agentStartPos = agentStartPos;
    this.agentStartDir = agentStartDir;
    this.nObstacles = nObstacles <= size / 2 + 1 ? Math.trunc(nObstacles) : Math.trunc(size / 2);
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);
    this.grid.set(width - 2, height - 2, new Goal());
    if (this.agentStartPos !== null) {
      this.agentPos = [...this.agentStartPos];
      this.agentDir = this.agentStartDir;
    } else {
      this.placeAgent();
    }
    this.obstacles = [];
    for (let k = 0; k < this.nObstacles; k++) {
      const ball = new Ball();
      this.obstacles.push(ball);
      this.placeObj(ball, { maxTries: 100 });
    }
    this.mission = "get to the green goal square";
  }

  override step(action: ActionIndex | number): StepResult {
    if (!this.isReset) throw new EnvNotResetError();
    if (action >= DYNAMIC_OBSTACLES_NUM_ACTIONS) action = Actions.left;

    // Whether something other than the goal is in front, before the balls move.
    const front = this.grid.get(...this.frontPos);
    const notClear = front !== null && front.type !== "goal";

    for (const ball of this.obstacles) {
      const oldPos = ball.curPos!;
      try {
        this.placeObj(ball, { top: [oldPos[0] - 1, oldPos[1] - 1], size: [3, 3], maxTries: 100 });
        this.grid.set(oldPos[0], oldPos[1], null);
      } catch (e) {
        if (!(e instanceof PlacementError)) throw e;
      }
    }

    const result = super.step(action);
    if (action === Actions.forward && notClear) return { ...result, reward: -1, terminated: true };
    return result;
  }
}

export const DYNAMIC_OBSTACLES_ENVS = family("DynamicObstacles", DynamicObstaclesEnv, {
  "MiniGrid-Dynamic-Obstacles-5x5-v0": { size: 5, nObstacles: 2 },
  "MiniGrid-Dynamic-Obstacles-Random-5x5-v0": { size: 5, agentStartPos: null, nObstacles: 2 },
  "MiniGrid-Dynamic-Obstacles-6x6-v0": { size: 6, nObstacles: 3 },
  "MiniGrid-Dynamic-Obstacles-Random-6x6-v0": { size: 6, agentStartPos: null, nObstacles: 3 },
  "MiniGrid-Dynamic-Obstacles-8x8-v0": {},
  "MiniGrid-Dynamic-Obstacles-16x16-v0": { size: 16, nObstacles: 8 },
});
