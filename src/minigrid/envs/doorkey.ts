/**
 * DoorKey — a key to pick up, a locked door to open, then the goal.
 *
 * Recipe: walls around; goal bottom-right; a split wall at a random column; the agent left of it;
 * a locked yellow door in the split; a yellow key on the left. Mission: "use the key to open the
 * door and then get to the goal". max_steps = 10·size². Registered:
 * MiniGrid-DoorKey-{5x5,6x6,8x8,16x16}-v0.
 */
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.js";
import { family } from "../registration.js";
import { Door, Goal, Key } from "../world-object.js";

export interface DoorKeyOptions extends MiniGridOptions {
  size?: number;
}

export class DoorKeyEnv extends MiniGridEnv {
  constructor({ size = 8, maxSteps, ...rest }: DoorKeyOptions = {}) {
    super({ ...rest, gridSize: size, maxSteps: maxSteps ?? 10 * size * size });
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);
    this.putObj(new Goal(), width - 2, height - 2);
    const splitIdx = this.randInt(2, width - 2);
    this.grid.vertWall(splitIdx, 0);
    this.placeAgent({ size: [splitIdx, height] });
    const doorIdx = this.randInt(1, height - 2);
    this.putObj(new Door("yellow", { isLocked: true }), splitIdx, doorIdx);
    this.placeObj(new Key("yellow"), { top: [0, 0], size: [splitIdx, height] });
    this.mission = "use the key to open the door and then get to the goal";
  }
}

export const DOORKEY_ENVS = family("DoorKey", DoorKeyEnv, {
  "MiniGrid-DoorKey-5x5-v0": { size: 5 },
  "MiniGrid-DoorKey-6x6-v0": { size: 6 },
  "MiniGrid-DoorKey-8x8-v0": { size: 8 },
  "MiniGrid-DoorKey-16x16-v0": { size: 16 },
});
