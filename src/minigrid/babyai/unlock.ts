/**
 * BabyAI unlocking levels (minigrid/envs/babyai/unlock.py): a locked door opens only with a key of
 * its colour. Reward 1 − 0.9 · (step_count / max_steps).
 *
 * - Unlock: a 3×3 maze; open the locked door (its key is in some room; half the time no other
 *   door shares its colour).
 * - UnlockLocal: the middle room has a locked door and its key ("open the door"); Dist: 3 distractors.
 * - KeyInBox: as UnlockLocal, but the key is inside a box.
 * - UnlockPickup: two rooms; pick up the box behind a locked door (Dist: 4 distractors).
 *   max_steps = 2 · 6² (Python's `if max is None` leaves it computed at reset).
 * - BlockedUnlockPickup: as UnlockPickup, with a ball in front of the door. max_steps = 16 · 6².
 * - UnlockToUnlock: three rooms; one key opens the way to the other. max_steps = 30 · 6².
 */
import { COLOR_NAMES } from "../constants.js";
import { family } from "../registration.js";
import { Ball, Box, Key } from "../world-object.js";
import { RoomGridLevel, type RoomGridLevelOptions } from "./roomgrid-level.js";
import { ObjDesc, OpenInstr, PickupInstr, type DescType } from "./verifier.js";

export class Unlock extends RoomGridLevel {
  protected genMission(): void {
    // A locked door on a random room.
    const id = this.randInt(0, this.numCols);
    const jd = this.randInt(0, this.numRows);
    const [door] = this.addDoor(id, jd, null, null, true);
    const lockedRoom = this.getRoom(id, jd);
    // Python means "the key in another room", but compares numpy ints with `is`, which is never
    // true: the first room drawn gets the key, even the locked one.
    const ik = this.randInt(0, this.numCols);
    const jk = this.randInt(0, this.numRows);
    this.addObject(ik, jk, "key", door.color);
    // Half the time, no other door has the locked door's colour.
    if (this.randBool()) this.connectAll(COLOR_NAMES.filter((c) => c !== door.color));
    else this.connectAll();
    // Meant for every room but the locked one; the same `is` comparison makes it every room.
    for (let i = 0; i < this.numCols; i++) {
      for (let j = 0; j < this.numRows; j++) this.addDistractors(i, j, 3, false);
    }
    // The agent goes last, outside the locked room.
    for (;;) {
      this.placeAgentInRoom();
      if (this.roomFromPos(this.agentPos[0], this.agentPos[1]) === lockedRoom) continue;
      break;
    }
    this.checkObjsReachable();
    this.instrs = new OpenInstr(new ObjDesc("door", door.color));
  }
}

export interface UnlockLocalOptions extends RoomGridLevelOptions {
  distractors?: boolean;
}

export class UnlockLocal extends RoomGridLevel {
  readonly distractors: boolean;

  constructor({ distractors = false, ...rest }: UnlockLocalOptions = {}) {
    super(rest);
    this.distractors = distractors;
  }

  protected genMission(): void {
    const [door] = this.addDoor(1, 1, null, null, true);
    this.addObject(1, 1, "key", door.color);
    if (this.distractors) this.addDistractors(1, 1, 3);
    this.placeAgentInRoom(1, 1);
    this.instrs = new OpenInstr(new ObjDesc("door"));
  }
}

export class KeyInBox extends RoomGridLevel {
  protected genMission(): void {
    const [door] = this.addDoor(1, 1, null, null, true);
    // The key is in a box, and the box in the room.
    const box = new Box(this.randColor(), new Key(door.color));
    this.placeInRoom(1, 1, box);
    this.placeAgentInRoom(1, 1);
    this.instrs = new OpenInstr(new ObjDesc("door"));
  }
}

export class UnlockPickup extends RoomGridLevel {
  readonly distractors: boolean;

  constructor({ distractors = false, ...rest }: Omit<UnlockLocalOptions, "numRows" | "numCols" | "roomSize"> = {}) {
    // Python tests `max is None` (the builtin) instead of max_steps, so the limit is never fixed
    // unless given: it is computed at reset, 2 · 6².
    super({ ...rest, numRows: 1, numCols: 2, roomSize: 6 });
    this.distractors = distractors;
  }

  protected genMission(): void {
    const [obj] = this.addObject(1, 0, "box");
    // The two rooms are joined by a locked door, with its key on the agent's side.
    const [door] = this.addDoor(0, 0, 0, null, true);
    this.addObject(0, 0, "key", door.color);
    if (this.distractors) this.addDistractors(null, null, 4);
    this.placeAgentInRoom(0, 0);
    this.instrs = new PickupInstr(new ObjDesc(obj.type as DescType, obj.color));
  }
}

export class BlockedUnlockPickup extends RoomGridLevel {
  constructor({ maxSteps, ...rest }: Omit<RoomGridLevelOptions, "numRows" | "numCols" | "roomSize"> = {}) {
    const roomSize = 6;
    super({ ...rest, numRows: 1, numCols: 2, roomSize, maxSteps: maxSteps ?? 16 * roomSize ** 2 });
  }

  protected genMission(): void {
    const [obj] = this.addObject(1, 0, "box");
    const [door, pos] = this.addDoor(0, 0, 0, null, true);
    // A ball blocks the door (set directly: it is in no room's object list).
    this.grid.set(pos[0] - 1, pos[1], new Ball(this.randColor()));
    this.addObject(0, 0, "key", door.color);
    this.placeAgentInRoom(0, 0);
    this.instrs = new PickupInstr(new ObjDesc(obj.type as DescType));
  }
}

export class UnlockToUnlock extends RoomGridLevel {
  constructor({ maxSteps, ...rest }: Omit<RoomGridLevelOptions, "numRows" | "numCols" | "roomSize"> = {}) {
    const roomSize = 6;
    super({ ...rest, numRows: 1, numCols: 3, roomSize, maxSteps: maxSteps ?? 30 * roomSize ** 2 });
  }

  protected genMission(): void {
    const [colorA, colorB] = this.randSubset(COLOR_NAMES, 2);
    // Door A (left–middle) with its key in the right room; door B (middle–right) with its key in the middle.
    this.addDoor(0, 0, 0, colorA, true);
    this.addObject(2, 0, "key", colorA);
    this.addDoor(1, 0, 0, colorB, true);
    this.addObject(1, 0, "key", colorB);
    const [obj] = this.addObject(0, 0, "ball");
    this.placeAgentInRoom(1, 0);
    this.instrs = new PickupInstr(new ObjDesc(obj.type as DescType));
  }
}

export const UNLOCK_ENVS = [
  ...family("Unlock", Unlock, { "BabyAI-Unlock-v0": {} }),
  ...family("UnlockLocal", UnlockLocal, {
    "BabyAI-UnlockLocal-v0": {},
    "BabyAI-UnlockLocalDist-v0": { distractors: true },
  }),
  ...family("KeyInBox", KeyInBox, { "BabyAI-KeyInBox-v0": {} }),
  ...family("UnlockPickup", UnlockPickup, {
    "BabyAI-UnlockPickup-v0": {},
    "BabyAI-UnlockPickupDist-v0": { distractors: true },
  }),
  ...family("BlockedUnlockPickup", BlockedUnlockPickup, { "BabyAI-BlockedUnlockPickup-v0": {} }),
  ...family("UnlockToUnlock", UnlockToUnlock, { "BabyAI-UnlockToUnlock-v0": {} }),
];
