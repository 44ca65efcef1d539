/**
 * Unlock — open a locked door.
 *
 * Recipe: two 6×6 rooms side by side (an 11×6 grid); a locked door of a random colour in the wall
 * between them; the key of that colour in the left room; the agent in the left room, never facing
 * an object. Mission: "open the door". A toggle that leaves the door open earns
 * 1 − 0.9·(step_count / max_steps) and ends the episode; otherwise it ends at max_steps (8·6² = 288).
 * Registered: MiniGrid-Unlock-v0.
 */
import { Actions, type ActionIndex } from "../constants.js";
import type { StepResult } from "../minigrid-env.js";
import { family } from "../registration.js";
import { RoomGrid, type RoomGridOptions } from "../roomgrid.js";
import type { Door } from "../world-object.js";

export type UnlockOptions = Omit<RoomGridOptions, "roomSize" | "numRows" | "numCols">;

export class UnlockEnv extends RoomGrid {
  /** The door to open (set by each reset). */
  door: Door | null = null;

  constructor({ maxSteps, ...rest }: UnlockOptions = {}) {
    const roomSize = 6;
    super({ ...rest, numRows: 1, numCols: 2, roomSize, maxSteps: maxSteps ?? 8 * roomSize ** 2 });
  }

  protected override genGrid(width: number, height: number): void {
    super.genGrid(width, height);
    const [door] = this.addDoor(0, 0, 0, null, true);
    this.addObject(0, 0, "key", door.color);
    this.placeAgentInRoom(0, 0);
    this.door = door;
    this.mission = "open the door";
  }

  override step(action: ActionIndex | number): StepResult {
    const result = super.step(action);
    if (action === Actions.toggle && this.door?.isOpen) {
      result.reward = this.reward();
      result.terminated = true;
    }
    return result;
  }
}

export const UNLOCK_ENVS = family("Unlock", UnlockEnv, {
  "MiniGrid-Unlock-v0": {},
});
