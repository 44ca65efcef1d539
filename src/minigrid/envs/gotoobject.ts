/**
 * GoToObject — a room with a few distinct coloured objects; the mission names the one to go to.
 *
 * Recipe: walls around; `numObjs` objects, each a random type (key, ball or box) and a random
 * colour, redrawn when that type and colour already exist, at random free cells; the agent
 * anywhere, facing a random way; a random object as the target.
 *
 * Mission: "go to the {color} {type}". Reward: 1 − 0.9·(step_count / max_steps) for the `done`
 * action while standing next to the target (sharing a row or column with it, one cell away).
 * Termination: `done` (rewarded or not), `toggle`, or truncation at max_steps (5·size²). The agent
 * sees through walls. Registered: MiniGrid-GoToObject-6x6-N2-v0, MiniGrid-GoToObject-8x8-N2-v0.
 */
import { Actions, COLOR_NAMES, type Color } from "../constants.js";
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions, type StepResult } from "../minigrid-env.js";
import { family } from "../registration.js";
import type { ObjKind } from "../roomgrid.js";
import { Ball, Box, Key, type Point, type WorldObj } from "../world-object.js";
import { isBeside } from "./gotodoor.js";

export interface GoToObjectOptions extends Omit<MiniGridOptions, "gridSize" | "width" | "height" | "seeThroughWalls"> {
  size?: number;
  numObjs?: number;
}

const OBJ_TYPES: readonly ObjKind[] = ["key", "ball", "box"];

/** A new key, ball or box of the given colour. */
export function makeObject(kind: ObjKind, color: Color): WorldObj {
  return kind === "key" ? new Key(color) : kind === "ball" ? new Ball(color) : new Box(color);
}

export class GoToObjectEnv extends MiniGridEnv {
  readonly numObjs: number;
  targetType: ObjKind = "key";
  targetColor: Color = "red";
  targetPos: Point = [-1, -1];

  constructor({ size = 6, numObjs = 2, maxSteps, ...rest }: GoToObjectOptions = {}) {
    super({ ...rest, gridSize: size, seeThroughWalls: true, maxSteps: maxSteps ?? 5 * size * size });
    this.numObjs = numObjs;
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);

    const objs: [ObjKind, Color][] = [];
    const objPos: Point[] = [];
    while (objs.length < this.numObjs) {
      const kind = this.randElem(OBJ_TYPES);
      const color = this.randElem(COLOR_NAMES);
      if (objs.some(([k, c]) => k === kind && c === color)) continue;
      objPos.push(this.placeObj(makeObject(kind, color)));
      objs.push([kind, color]);
    }
    this.placeAgent();

    const objIdx = this.randInt(0, objs.length);
    [this.targetType, this.targetColor] = objs[objIdx]!;
    this.targetPos = objPos[objIdx]!;
    this.mission = `go to the ${this.targetColor} ${this.targetType}`;
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

export const GOTOOBJECT_ENVS = family("GoToObject", GoToObjectEnv, {
  "MiniGrid-GoToObject-6x6-N2-v0": {},
  "MiniGrid-GoToObject-8x8-N2-v0": { size: 8, numObjs: 2 },
});
