/**
 * BlockedUnlockPickup — move a ball out of the way, unlock a door, fetch a box.
 *
 * Recipe: two 6×6 rooms side by side (an 11×6 grid); a box of a random colour in the right room; a
 * locked door of a random colour between the rooms; a ball of a random colour on the left of the
 * door, blocking it; the door's key in the left room; the agent in the left room, never facing an
 * object. Mission: "pick up the {color} box". Picking up that box earns
 * 1 − 0.9·(step_count / max_steps) and ends the episode; otherwise it ends at max_steps
 * (16·6² = 576). Registered: MiniGrid-BlockedUnlockPickup-v0.
 */
import { type ActionIndex } from "../constants.js";
import type { StepResult } from "../minigrid-env.js";
import { family } from "../registration.js";
import { RoomGrid, type RoomGridOptions } from "../roomgrid.js";
import { Ball, type WorldObj } from "../world-object.js";

export type BlockedUnlockPickupOptions = Omit<RoomGridOptions, "roomSize" | "numRows" | "numCols">;

export class BlockedUnlockPickupEnv extends RoomGrid {
  /** The box to pick up (set by each reset). */
  obj: WorldObj | null = null;

  constructor({ maxSteps, ...rest }: BlockedUnlockPickupOptions = {}) {
    const roomSize = 6;
    super({ ...rest, numRows: 1, numCols: 2, roomSize, maxSteps: maxSteps ?? 16 * roomSize ** 2 });
  }

  protected override genGrid(width: number, height: number): void {
    super.genGrid(width, height);
    const [obj] = this.addObject(1, 0, "box");
    const [door, pos] = this.addDoor(0, 0, 0, null, true);
    this.grid.set(pos[0] - 1, pos[1], new Ball(this.randColor()));
    this.addObject(0, 0, "key", door.color);
    this.placeAgentInRoom(0, 0);
    this.obj = obj;
    this.mission = `pick up the ${obj.color} ${obj.type}`;
  }

  override step(action: ActionIndex | number): StepResult {
    return this.stepEndingOnPickupOf(this.obj, action);
  }
}

export const BLOCKEDUNLOCKPICKUP_ENVS = family("BlockedUnlockPickup", BlockedUnlockPickupEnv, {
  "MiniGrid-BlockedUnlockPickup-v0": {},
});
