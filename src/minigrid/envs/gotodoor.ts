/**
 * GoToDoor — a room with one door in each wall; the mission names the door to stand next to.
 *
 * Recipe: a room of random width and height (5 up to size, each) in the top-left of the grid, walls
 * around it; a door at a random place in the top, bottom, left and right walls (in that order),
 * each a different random colour; the agent anywhere in the room, facing a random way; a random
 * door as the target.
 *
 * Mission: "go to the {color} door". Reward: 1 − 0.9·(step_count / max_steps) for the `done` action
 * while standing next to the target door (sharing a row or column with it, one cell away).
 * Termination: `done` (rewarded or not), `toggle` (the doors are not to be opened), or truncation
 * at max_steps (4·size²). The agent sees through walls. Registered: MiniGrid-GoToDoor-5x5-v0,
 * MiniGrid-GoToDoor-6x6-v0, MiniGrid-GoToDoor-8x8-v0.
 */
import { Actions, COLOR_NAMES, type Color } from "../constants.js";
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions, type StepResult } from "../minigrid-env.js";
import { family } from "../registration.js";
import { Door, type Point } from "../world-object.js";

export interface GoToDoorOptions extends Omit<MiniGridOptions, "gridSize" | "width" | "height" | "seeThroughWalls"> {
  size?: number;
}

/** Whether a and b share a row or column and are one cell apart. */
export function isBeside(a: Point, b: Point): boolean {
  return (a[0] === b[0] && Math.abs(a[1] - b[1]) === 1) || (a[1] === b[1] && Math.abs(a[0] - b[0]) === 1);
}

export class GoToDoorEnv extends MiniGridEnv {
  targetPos: Point = [-1, -1];
  targetColor: Color = "red";

  constructor({ size = 5, maxSteps, ...rest }: GoToDoorOptions = {}) {
    if (size < 5) throw new RangeError(`GoToDoor needs size >= 5, got ${size}`);
    super({ ...rest, gridSize: size, seeThroughWalls: true, maxSteps: maxSteps ?? 4 * size * size });
  }

  protected genGrid(gridWidth: number, gridHeight: number): void {
    this.grid = new Grid(gridWidth, gridHeight);
    const width = this.randInt(5, gridWidth + 1);
    const height = this.randInt(5, gridHeight + 1);
    this.grid.wallRect(0, 0, width, height);

    const doorPos: Point[] = [
      [this.randInt(2, width - 2), 0],
      [this.randInt(2, width - 2), height - 1],
      [0, this.randInt(2, height - 2)],
      [width - 1, this.randInt(2, height - 2)],
    ];
    const doorColors: Color[] = [];
    while (doorColors.length < doorPos.length) {
      const color = this.randElem(COLOR_NAMES);
      if (!doorColors.includes(color)) doorColors.push(color);
    }
    doorPos.forEach(([x, y], k) => this.grid.set(x, y, new Door(doorColors[k]!)));

    this.placeAgent({ size: [width, height] });

    const doorIdx = this.randInt(0, doorPos.length);
    this.targetPos = doorPos[doorIdx]!;
    this.targetColor = doorColors[doorIdx]!;
    this.mission = `go to the ${this.targetColor} door`;
  }

  override step(action: number): StepResult {
    const result = super.step(action);
    if (action === Actions.toggle) result.terminated = true;
    if (action === Actions.done) {
      if (isBeside(this.agentPos, this.targetPos)) result.reward = this.reward();
      result.terminated = true;
    }
    return result;
  }
}

export const GOTODOOR_ENVS = family("GoToDoor", GoToDoorEnv, {
  "MiniGrid-GoToDoor-5x5-v0": {},
  "MiniGrid-GoToDoor-6x6-v0": { size: 6 },
  "MiniGrid-GoToDoor-8x8-v0": { size: 8 },
});
