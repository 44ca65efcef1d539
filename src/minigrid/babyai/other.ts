/**
 * Other BabyAI levels (minigrid/envs/babyai/other.py). Reward 1 − 0.9 · (step_count / max_steps).
 *
 * - ActionObjDoor: the middle room (size 7) with 5 objects and 4 doors; go to / pick up an object,
 *   or go to / open a door.
 * - FindObjS5: an object in a random room of a 3×3 maze; pick it up. max_steps = 20 · room_size².
 * - KeyCorridor: a corridor of rooms; the object is behind a locked door, its key in a side room.
 *   max_steps = 30 · room_size².
 * - OneRoomS8: pick up the ball in a single room.
 * - MoveTwoAcross: two rooms with N objects each; two put-next tasks in order.
 *   max_steps = 16 · room_size².
 */
import { family } from "../registration.js";
import type { WorldObj } from "../world-object.js";
import { RoomGridLevel, type RoomGridLevelOptions } from "./roomgrid-level.js";
import { BeforeInstr, GoToInstr, ObjDesc, OpenInstr, PickupInstr, PutNextInstr, type DescType } from "./verifier.js";
import type { ObjKind } from "../roomgrid.js";

function descOf(obj: WorldObj): ObjDesc {
  return new ObjDesc(obj.type as DescType, obj.color);
}

export class ActionObjDoor extends RoomGridLevel {
  constructor(opts: Omit<RoomGridLevelOptions, "roomSize"> = {}) {
    super({ ...opts, roomSize: 7 });
  }

  protected genMission(): void {
    const objs = this.addDistractors(1, 1, 5);
    for (let k = 0; k < 4; k++) objs.push(this.addDoor(1, 1, null, null, false)[0]);
    this.placeAgentInRoom(1, 1);
    const obj = this.randElem(objs);
    const desc = descOf(obj);
    if (obj.type === "door") this.instrs = this.randBool() ? new GoToInstr(desc) : new OpenInstr(desc);
    else this.instrs = this.randBool() ? new GoToInstr(desc) : new PickupInstr(desc);
  }
}

export class FindObjS5 extends RoomGridLevel {
  constructor({ roomSize = 5, maxSteps, ...rest }: RoomGridLevelOptions = {}) {
    super({ ...rest, roomSize, maxSteps: maxSteps ?? 20 * roomSize ** 2 });
  }

  protected genMission(): void {
    // Python draws i over rows and j over columns (the maze is square).
    const i = this.randInt(0, this.numRows);
    const j = this.randInt(0, this.numCols);
    const [obj] = this.addObject(i, j);
    this.placeAgentInRoom(1, 1);
    this.connectAll();
    this.instrs = new PickupInstr(new ObjDesc(obj.type as DescType));
  }
}

export interface KeyCorridorOptions extends Omit<RoomGridLevelOptions, "numCols"> {
  objType?: ObjKind;
}

export class KeyCorridor extends RoomGridLevel {
  readonly objType: ObjKind;

  constructor({ numRows = 3, objType = "ball", roomSize = 6, maxSteps, ...rest }: KeyCorridorOptions = {}) {
    super({ ...rest, roomSize, numRows, maxSteps: maxSteps ?? 30 * roomSize ** 2 });
    this.objType = objType;
  }

  protected genMission(): void {
    // The middle column is one corridor.
    for (let j = 1; j < this.numRows; j++) this.removeWall(1, j, 3);
    // A locked door on the right, the object behind it.
    const roomIdx = this.randInt(0, this.numRows);
    const [door] = this.addDoor(2, roomIdx, 2, null, true);
    const [obj] = this.addObject(2, roomIdx, this.objType);
    // The key in a random room on the left.
    this.addObject(0, this.randInt(0, this.numRows), "key", door.color);
    this.placeAgentInRoom(1, this.numRows >> 1);
    this.connectAll();
    this.instrs = new PickupInstr(new ObjDesc(obj.type as DescType));
  }
}

export class OneRoomS8 extends RoomGridLevel {
  constructor({ roomSize = 8, ...rest }: Omit<RoomGridLevelOptions, "numRows" | "numCols"> = {}) {
    super({ ...rest, roomSize, numRows: 1, numCols: 1 });
  }

  protected genMission(): void {
    const [obj] = this.addObject(0, 0, "ball");
    this.placeAgentInRoom();
    this.instrs = new PickupInstr(new ObjDesc(obj.type as DescType));
  }
}

export interface MoveTwoAcrossOptions extends Omit<RoomGridLevelOptions, "numRows" | "numCols" | "roomSize"> {
  roomSize: number;
  objsPerRoom: number;
}

export class MoveTwoAcross extends RoomGridLevel {
  readonly objsPerRoom: number;

  constructor({ roomSize, objsPerRoom, maxSteps, ...rest }: MoveTwoAcrossOptions) {
    if (objsPerRoom > 9) throw new RangeError("MoveTwoAcross allows at most 9 objects per room");
    super({ ...rest, numRows: 1, numCols: 2, roomSize, maxSteps: maxSteps ?? 16 * roomSize ** 2 });
    this.objsPerRoom = objsPerRoom;
  }

  protected genMission(): void {
    this.placeAgentInRoom(0, 0);
    // Objects on both sides, so that there are two non-adjacent sets.
    const objsL = this.addDistractors(0, 0, this.objsPerRoom);
    const objsR = this.addDistractors(1, 0, this.objsPerRoom);
    this.removeWall(0, 0, 0);
    const [a, d] = this.randSubset(objsL, 2) as [WorldObj, WorldObj];
    const [b, c] = this.randSubset(objsR, 2) as [WorldObj, WorldObj];
    this.instrs = new BeforeInstr(
      new PutNextInstr(descOf(a), descOf(b)),
      new PutNextInstr(descOf(c), descOf(d)),
    );
  }
}

export const OTHER_ENVS = [
  ...family("ActionObjDoor", ActionObjDoor, { "BabyAI-ActionObjDoor-v0": {} }),
  ...family("FindObj", FindObjS5, {
    "BabyAI-FindObjS5-v0": {},
    "BabyAI-FindObjS6-v0": { roomSize: 6 },
    "BabyAI-FindObjS7-v0": { roomSize: 7 },
  }),
  ...family("KeyCorridor", KeyCorridor, {
    "BabyAI-KeyCorridor-v0": {},
    "BabyAI-KeyCorridorS3R1-v0": { roomSize: 3, numRows: 1 },
    "BabyAI-KeyCorridorS3R2-v0": { roomSize: 3, numRows: 2 },
    "BabyAI-KeyCorridorS3R3-v0": { roomSize: 3, numRows: 3 },
    "BabyAI-KeyCorridorS4R3-v0": { roomSize: 4, numRows: 3 },
    "BabyAI-KeyCorridorS5R3-v0": { roomSize: 5, numRows: 3 },
    "BabyAI-KeyCorridorS6R3-v0": { roomSize: 6, numRows: 3 },
  }),
  ...family("OneRoom", OneRoomS8, {
    "BabyAI-OneRoomS8-v0": {},
    "BabyAI-OneRoomS12-v0": { roomSize: 12 },
    "BabyAI-OneRoomS16-v0": { roomSize: 16 },
    "BabyAI-OneRoomS20-v0": { roomSize: 20 },
  }),
  ...family("MoveTwoAcross", MoveTwoAcross, {
    "BabyAI-MoveTwoAcrossS5N2-v0": { roomSize: 5, objsPerRoom: 2 },
    "BabyAI-MoveTwoAcrossS8N9-v0": { roomSize: 8, objsPerRoom: 9 },
  }),
];
