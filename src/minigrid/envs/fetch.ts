/**
 * Fetch — several keys and balls of assorted colours; the mission names the one to pick up.
 *
 * Recipe: walls around; `numObjs` objects, each a random type (key or ball) and a random colour
 * (repeats allowed), at random free cells; the agent anywhere, facing a random way; a random object
 * as the target; a random phrasing of the mission.
 *
 * Mission: "{syntax} {color} {type}", syntax one of "get a", "go get a", "fetch a", "go fetch a",
 * "you must fetch a". Reward: 1 − 0.9·(step_count / max_steps) for picking up an object of the
 * target's type and colour. Termination: picking up any object (the wrong one gives 0), or
 * truncation at max_steps (5·size²). The agent sees through walls. Registered:
 * MiniGrid-Fetch-5x5-N2-v0, MiniGrid-Fetch-6x6-N2-v0, MiniGrid-Fetch-8x8-N3-v0.
 */
import { COLOR_NAMES, type Color } from "../constants.js";
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions, type StepResult } from "../minigrid-env.js";
import { family } from "../registration.js";
import { Ball, Key } from "../world-object.js";

export interface FetchOptions extends Omit<MiniGridOptions, "gridSize" | "width" | "height" | "seeThroughWalls"> {
  size?: number;
  numObjs?: number;
}

const MISSION_SYNTAX = ["get a", "go get a", "fetch a", "go fetch a", "you must fetch a"] as const;
type FetchKind = "key" | "ball";

export class FetchEnv extends MiniGridEnv {
  readonly numObjs: number;
  readonly objTypes: readonly FetchKind[] = ["key", "ball"];
  targetType: FetchKind = "key";
  targetColor: Color = "red";

  constructor({ size = 8, numObjs = 3, maxSteps, ...rest }: FetchOptions = {}) {
    super({ ...rest, gridSize: size, seeThroughWalls: true, maxSteps: maxSteps ?? 5 * size * size });
    this.numObjs = numObjs;
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);

    const objs: (Key | Ball)[] = [];
    while (objs.length < this.numObjs) {
      const kind = this.randElem(this.objTypes);
      const color = this.randElem(COLOR_NAMES);
      const obj = kind === "key" ? new Key(color) : new Ball(color);
      this.placeObj(obj);
      objs.push(obj);
    }
    this.placeAgent();

    const target = objs[this.randInt(0, objs.length)]!;
    this.targetType = target.type as FetchKind;
    this.targetColor = target.color;
    const syntax = MISSION_SYNTAX[this.randInt(0, 5)]!;
    this.mission = `${syntax} ${this.targetColor} ${this.targetType}`;
  }

  override step(action: number): StepResult {
    const result = super.step(action);
    // Holding anything ends the episode; only the named object pays.
    if (this.carrying !== null) {
      const right = this.carrying.color === this.targetColor && this.carrying.type === this.targetType;
      result.reward = right ? this.reward() : 0;
      result.terminated = true;
    }
    return result;
  }
}

export const FETCH_ENVS = family("Fetch", FetchEnv, {
  "MiniGrid-Fetch-5x5-N2-v0": { size: 5, numObjs: 2 },
  "MiniGrid-Fetch-6x6-N2-v0": { size: 6, numObjs: 2 },
  "MiniGrid-Fetch-8x8-N3-v0": {},
});
