/**
 * Memory — remember the object in the start room, then pick the matching one at the hallway's end.
 *
 * Recipe: walls around; a small start room on the left (rows size/2 − 2 to size/2 + 2, columns 1–3);
 * a one-cell hallway along the middle row up to column `hallwayEnd` (size − 3, or a random column
 * in [4, size − 3] for the Random variants); a vertical corridor at `hallwayEnd + 1`; the agent on
 * the middle row at a random column in [1, hallwayEnd], facing right; a green key or ball (random)
 * at (1, size/2 − 1); a green ball and key in random order at the corridor's ends,
 * (hallwayEnd + 1, size/2 ∓ 2).
 *
 * Pickup acts as toggle. Mission: "go to the matching object at the end of the hallway". Rewards:
 * 1 − 0.9 · (step_count / max_steps) for standing next to the matching object (the corridor cell
 * beside it), 0 for standing next to the other one. Termination: either of those cells is reached,
 * or max_steps (5·size²) runs out. The size must be odd; Python's default of 8 fails its own
 * assertion, so here `size` has no default. Registered: MiniGrid-MemoryS{7,9,11,13}-v0 and
 * MiniGrid-Memory{S13,S17}Random-v0.
 */
import { Actions, type ActionIndex } from "../constants.js";
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions, type StepResult } from "../minigrid-env.js";
import { family } from "../registration.js";
import { Ball, Key, Wall, type Point } from "../world-object.js";

export interface MemoryOptions extends Omit<MiniGridOptions, "gridSize" | "width" | "height"> {
  size: number;
  randomLength?: boolean;
}

type ObjectClass = typeof Key | typeof Ball;

export class MemoryEnv extends MiniGridEnv {
  readonly size: number;
  readonly randomLength: boolean;
  successPos: Point = [-1, -1];
  failurePos: Point = [-1, -1];

  constructor({ size, randomLength = false, maxSteps, ...rest }: MemoryOptions) {
    if (size % 2 !== 1) throw new RangeError(`a Memory grid needs an odd size (the hallway is the middle row), got ${size}`);
    super({ ...rest, width: size, height: size, seeThroughWalls: false, maxSteps: maxSteps ?? 5 * size * size });
    this.size = size;
    this.randomLength = randomLength;
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.horzWall(0, 0);
    this.grid.horzWall(0, height - 1);
    this.grid.vertWall(0, 0);
    this.grid.vertWall(width - 1, 0);

    const mid = Math.floor(height / 2);
    const upperRoomWall = mid - 2;
    const lowerRoomWall = mid + 2;
    const hallwayEnd = this.randomLength ? this.randInt(4, width - 2) : width - 3;

    // Start room
    for (let i = 1; i < 5; i++) {
      this.grid.set(i, upperRoomWall, new Wall());
      this.grid.set(i, lowerRoomWall, new Wall());
    }
    this.grid.set(4, upperRoomWall + 1, new Wall());
    this.grid.set(4, lowerRoomWall - 1, new Wall());
    // Horizontal hallway
    for (let i = 5; i < hallwayEnd; i++) {
      this.grid.set(i, upperRoomWall + 1, new Wall());
      this.grid.set(i, lowerRoomWall - 1, new Wall());
    }
    // Vertical hallway
    for (let j = 0; j < height; j++) {
      if (j !== mid) this.grid.set(hallwayEnd, j, new Wall());
      this.grid.set(hallwayEnd + 2, j, new Wall());
    }

    this.agentPos = [this.randInt(1, hallwayEnd + 1), mid];
    this.agentDir = 0;

    const startRoomObj = this.randElem<ObjectClass>([Key, Ball]);
    this.grid.set(1, mid - 1, new startRoomObj("green"));
    const otherObjs = this.randElem<[ObjectClass, ObjectClass]>([
      [Ball, Key],
      [Key, Ball],
    ]);
    const pos0: Point = [hallwayEnd + 1, mid - 2];
    const pos1: Point = [hallwayEnd + 1, mid + 2];
    this.grid.set(pos0[0], pos0[1], new otherObjs[0]("green"));
    this.grid.set(pos1[0], pos1[1], new otherObjs[1]("green"));

    // The cell beside the matching object wins; the one beside the other object loses.
    if (startRoomObj === otherObjs[0]) {
      this.successPos = [pos0[0], pos0[1] + 1];
      this.failurePos = [pos1[0], pos1[1] - 1];
    } else {
      this.successPos = [pos1[0], pos1[1] - 1];
      this.failurePos = [pos0[0], pos0[1] + 1];
    }
    this.mission = "go to the matching object at the end of the hallway";
  }

  override step(action: ActionIndex | number): StepResult {
    const result = super.step(action === Actions.pickup ? Actions.toggle : action);
    const [x, y] = this.agentPos;
    if (x === this.successPos[0] && y === this.successPos[1]) {
      result.reward = this.reward();
      result.terminated = true;
    }
    if (x === this.failurePos[0] && y === this.failurePos[1]) {
      result.reward = 0;
      result.terminated = true;
    }
    return result;
  }
}

export const MEMORY_ENVS = family("Memory", MemoryEnv, {
  "MiniGrid-MemoryS17Random-v0": { size: 17, randomLength: true },
  "MiniGrid-MemoryS13Random-v0": { size: 13, randomLength: true },
  "MiniGrid-MemoryS13-v0": { size: 13 },
  "MiniGrid-MemoryS11-v0": { size: 11 },
  "MiniGrid-MemoryS9-v0": { size: 9 },
  "MiniGrid-MemoryS7-v0": { size: 7 },
});
