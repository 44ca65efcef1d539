/**
 * RedBlueDoors — open the red door, then the blue one.
 *
 * Recipe: a grid 2·size wide and size high, walls around; a size×size room in the middle of it
 * (left wall at x = size/2, rounded down); the agent anywhere in that room, facing a random way; a
 * closed red door at a random row of the room's left wall; a closed blue door at a random row of
 * its right wall.
 *
 * Mission: "open the red door then the blue door". Reward: 1 − 0.9·(step_count / max_steps) for
 * opening the blue door when the red one was already open. Termination: the blue door opening
 * (rewarded only as above), the red door opening while the blue one is open (reward 0), or
 * truncation at max_steps (20·size²). Registered: MiniGrid-RedBlueDoors-6x6-v0,
 * MiniGrid-RedBlueDoors-8x8-v0.
 */
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions, type StepResult } from "../minigrid-env.js";
import { family } from "../registration.js";
import { Door } from "../world-object.js";

export interface RedBlueDoorOptions extends Omit<MiniGridOptions, "gridSize" | "width" | "height"> {
  size?: number;
}

export class RedBlueDoorEnv extends MiniGridEnv {
  readonly size: number;
  redDoor: Door = new Door("red");
  blueDoor: Door = new Door("blue");

  constructor({ size = 8, maxSteps, ...rest }: RedBlueDoorOptions = {}) {
    super({ ...rest, width: 2 * size, height: size, maxSteps: maxSteps ?? 20 * size * size });
    this.size = size;
  }

  protected genGrid(width: number, height: number): void {
    const size = this.size;
    const left = Math.floor(size / 2);
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, 2 * size, size);
    this.grid.wallRect(left, 0, size, size);

    this.placeAgent({ top: [left, 0], size: [size, size] });

    this.redDoor = new Door("red");
    this.grid.set(left, this.randInt(1, size - 1), this.redDoor);
    this.blueDoor = new Door("blue");
    this.grid.set(left + size - 1, this.randInt(1, size - 1), this.blueDoor);

    this.mission = "open the red door then the blue door";
  }

  override step(action: number): StepResult {
    const redOpenBefore = this.redDoor.isOpen;
    const blueOpenBefore = this.blueDoor.isOpen;
    const result = super.step(action);
    if (this.blueDoor.isOpen) {
      result.reward = redOpenBefore ? this.reward() : 0;
      result.terminated = true;
    } else if (this.redDoor.isOpen && blueOpenBefore) {
      result.reward = 0;
      result.terminated = true;
    }
    return result;
  }
}

export const REDBLUEDOORS_ENVS = family("RedBlueDoors", RedBlueDoorEnv, {
  "MiniGrid-RedBlueDoors-6x6-v0": { size: 6 },
  "MiniGrid-RedBlueDoors-8x8-v0": {},
});
