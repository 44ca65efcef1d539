/**
 * KeyCorridor — find a hidden key, unlock a door, fetch the object behind it.
 *
 * Recipe: three columns of `numRows` rooms; the middle column opened into one corridor; a locked
 * door of a random colour on the left wall of a random right-hand room, with the object (a ball by
 * default, random colour) in that room; the door's key in a random left-hand room; the agent in
 * the middle of the corridor, never facing an object; unlocked doors added until every room is
 * reachable. Mission: "pick up the {color} {objType}" (no hint where the key is). Picking up that
 * object earns 1 − 0.9·(step_count / max_steps) and ends the episode; otherwise it ends at
 * max_steps (30·roomSize²). Registered (S = room size, R = rows): MiniGrid-KeyCorridorS3R1-v0,
 * S3R2, S3R3, S4R3, S5R3 and S6R3.
 */
import { type ActionIndex } from "../constants.js";
import type { StepResult } from "../minigrid-env.js";
import { family } from "../registration.js";
import { RoomGrid, type ObjKind, type RoomGridOptions } from "../roomgrid.js";
import type { WorldObj } from "../world-object.js";

export interface KeyCorridorOptions extends RoomGridOptions {
  /** The kind of object to fetch. */
  objType?: ObjKind;
}

export class KeyCorridorEnv extends RoomGrid {
  readonly objType: ObjKind;
  /** The object to pick up (set by each reset). */
  obj: WorldObj | null = null;

  constructor({ numRows = 3, objType = "ball", roomSize = 6, maxSteps, ...rest }: KeyCorridorOptions = {}) {
    super({ ...rest, roomSize, numRows, maxSteps: maxSteps ?? 30 * roomSize ** 2 });
    this.objType = objType;
  }

  protected override genGrid(width: number, height: number): void {
    super.genGrid(width, height);
    for (let j = 1; j < this.numRows; j++) this.removeWall(1, j, 3);
    const roomIdx = this.randInt(0, this.numRows);
    const [door] = this.addDoor(2, roomIdx, 2, null, true);
    const [obj] = this.addObject(2, roomIdx, this.objType);
    this.addObject(0, this.randInt(0, this.numRows), "key", door.color);
    this.placeAgentInRoom(1, this.numRows >> 1);
    this.connectAll();
    this.obj = obj;
    this.mission = `pick up the ${obj.color} ${obj.type}`;
  }

  override step(action: ActionIndex | number): StepResult {
    return this.stepEndingOnPickupOf(this.obj, action);
  }
}

export const KEYCORRIDOR_ENVS = family("KeyCorridor", KeyCorridorEnv, {
  "MiniGrid-KeyCorridorS3R1-v0": { roomSize: 3, numRows: 1 },
  "MiniGrid-KeyCorridorS3R2-v0": { roomSize: 3, numRows: 2 },
  "MiniGrid-KeyCorridorS3R3-v0": { roomSize: 3, numRows: 3 },
  "MiniGrid-KeyCorridorS4R3-v0": { roomSize: 4, numRows: 3 },
  "MiniGrid-KeyCorridorS5R3-v0": { roomSize: 5, numRows: 3 },
  "MiniGrid-KeyCorridorS6R3-v0": { roomSize: 6, numRows: 3 },
});
