/**
 * PutNear — pick up the named object and drop it next to another named object.
 *
 * Recipe: walls around; `numObjs` objects, each a random type (key, ball or box) and a random
 * colour, redrawn when that type and colour already exist, each at a random free cell not touching
 * (8-neighbourhood) an earlier one; the agent anywhere, facing a random way; a random object to
 * move, then a random other object (redrawn until different) as the target.
 *
 * Mission: "put the {move_color} {move_type} near the {target_color} {target_type}". Reward:
 * 1 − 0.9·(step_count / max_steps) for dropping the object to move on a cell within one step
 * (8-neighbourhood) of the target's cell. Termination: picking up any other object (reward 0), any
 * `drop` while carrying (rewarded only as above; even a drop that fails ends the episode), or
 * truncation at max_steps (5·size). The agent sees through walls. Registered:
 * MiniGrid-PutNear-6x6-N2-v0, MiniGrid-PutNear-8x8-N3-v0.
 */
import { Actions, COLOR_NAMES, type Color } from "../constants.js";
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions, type StepResult } from "../minigrid-env.js";
import { family } from "../registration.js";
import type { ObjKind } from "../roomgrid.js";
import type { Point } from "../world-object.js";
import { makeObject } from "./gotoobject.js";

export interface PutNearOptions extends Omit<MiniGridOptions, "gridSize" | "width" | "height" | "seeThroughWalls"> {
  size?: number;
  numObjs?: number;
}

const OBJ_TYPES: readonly ObjKind[] = ["key", "ball", "box"];

export class PutNearEnv extends MiniGridEnv {
  readonly numObjs: number;
  moveType: ObjKind = "key";
  moveColor: Color = "red";
  movePos: Point = [-1, -1];
  targetType: ObjKind = "key";
  targetColor: Color = "red";
  targetPos: Point = [-1, -1];

  constructor({ size = 6, numObjs = 2, maxSteps, ...rest }: PutNearOptions = {}) {
    super({ ...rest, gridSize: size, seeThroughWalls: true, maxSteps: maxSteps ?? 5 * size });
    this.numObjs = numObjs;
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);

    const objs: [ObjKind, Color][] = [];
    const objPos: Point[] = [];
    const nearObj = (_env: MiniGridEnv, p: Point): boolean =>
      objPos.some(([x, y]) => Math.abs(p[0] - x) <= 1 && Math.abs(p[1] - y) <= 1);
    while (objs.length < this.numObjs) {
      const kind = this.randElem(OBJ_TYPES);
      const color = this.randElem(COLOR_NAMES);
      if (objs.some(([k, c]) => k === kind && c === color)) continue;
      objPos.push(this.placeObj(makeObject(kind, color), { rejectFn: nearObj }));
      objs.push([kind, color]);
    }
    this.placeAgent();

    const objIdx = this.randInt(0, objs.length);
    [this.moveType, this.moveColor] = objs[objIdx]!;
    this.movePos = objPos[objIdx]!;
    let targetIdx: number;
    do targetIdx = this.randInt(0, objs.length);
    while (targetIdx === objIdx);
    [this.targetType, this.targetColor] = objs[targetIdx]!;
    this.targetPos = objPos[targetIdx]!;
    this.mission = `put the ${this.moveColor} ${this.moveType} near the ${this.targetColor} ${this.targetType}`;
  }

  override step(action: number): StepResult {
    const preCarrying = this.carrying;
    const result = super.step(action);
    const [ox, oy] = this.frontPos;
    const [tx, ty] = this.targetPos;

    if (action === Actions.pickup && this.carrying !== null) {
      if (this.carrying.type !== this.moveType || this.carrying.color !== this.moveColor) result.terminated = true;
    }
    if (action === Actions.drop && preCarrying !== null) {
      if (this.grid.get(ox, oy) === preCarrying && Math.abs(ox - tx) <= 1 && Math.abs(oy - ty) <= 1) {
        result.reward = this.reward();
      }
      result.terminated = true;
    }
    return result;
  }
}

export const PUTNEAR_ENVS = family("PutNear", PutNearEnv, {
  "MiniGrid-PutNear-6x6-N2-v0": {},
  "MiniGrid-PutNear-8x8-N3-v0": { size: 8, numObjs: 3 },
});
