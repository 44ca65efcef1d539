/**
 * Playground — nine rooms joined by doors, with random objects scattered about; no task.
 *
 * Recipe: a 19×19 grid, walls around; a 3×3 arrangement of rooms (each width/3 × height/3, rounded
 * down), visited row by row: each room but the last in its row gets a wall on its right with a
 * closed door of a random colour at a random row, and each room but the last in its column gets a
 * wall below with a closed door of a random colour at a random column; the agent anywhere, facing a
 * random way; 12 objects, each a random type (key, ball or box) and colour, at random free cells.
 *
 * Mission: "" (none). Reward: always 0. Termination: never; truncation at max_steps (100).
 * Registered: MiniGrid-Playground-v0.
 */
import { COLOR_NAMES } from "../constants.js";
import { Grid } from "../grid.js";
import { MiniGridEnv, type MiniGridOptions } from "../minigrid-env.js";
import { family } from "../registration.js";
import type { ObjKind } from "../roomgrid.js";
import { Door } from "../world-object.js";
import { makeObject } from "./gotoobject.js";

export type PlaygroundOptions = Omit<MiniGridOptions, "gridSize" | "width" | "height">;

const OBJ_TYPES: readonly ObjKind[] = ["key", "ball", "box"];

export class PlaygroundEnv extends MiniGridEnv {
  constructor({ maxSteps = 100, ...rest }: PlaygroundOptions = {}) {
    super({ ...rest, gridSize: 19, maxSteps });
  }

  protected genGrid(width: number, height: number): void {
    this.grid = new Grid(width, height);
    this.grid.wallRect(0, 0, width, height);

    const roomW = Math.floor(width / 3);
    const roomH = Math.floor(height / 3);
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 3; i++) {
        const xL = i * roomW;
        const yT = j * roomH;
        const xR = xL + roomW;
        const yB = yT + roomH;
        if (i + 1 < 3) {
          this.grid.vertWall(xR, yT, roomH);
          const y = this.randInt(yT + 1, yB - 1);
          this.grid.set(xR, y, new Door(this.randElem(COLOR_NAMES)));
        }
        if (j + 1 < 3) {
          this.grid.horzWall(xL, yB, roomW);
          const x = this.randInt(xL + 1, xR - 1);
          this.grid.set(x, yB, new Door(this.randElem(COLOR_NAMES)));
        }
      }
    }

    this.placeAgent();
    for (let k = 0; k < 12; k++) {
      const kind = this.randElem(OBJ_TYPES);
      const color = this.randElem(COLOR_NAMES);
      this.placeObj(makeObject(kind, color));
    }
    this.mission = "";
  }
}

export const PLAYGROUND_ENVS = family("Playground", PlaygroundEnv, {
  "MiniGrid-Playground-v0": {},
});
