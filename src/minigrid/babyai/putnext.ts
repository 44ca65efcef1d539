/**
 * BabyAI "put next to" levels (minigrid/envs/babyai/putnext.py). Mission: "put <object> next to
 * <object>"; success when the agent drops a matching object beside a matching one. Reward
 * 1 − 0.9 · (step_count / max_steps).
 *
 * - PutNextLocal: one room with N distinct objects (max_steps = 2 · room_size²).
 * - PutNext: two rooms joined by an opening, N objects in each; move an object from one side next
 *   to one on the other. max_steps = 8 · room_size². Carrying: the agent starts holding the object
 *   to move — taken off the grid after the reset observation was made, so that observation still
 *   shows it in place (as Python does).
 */
import { family } from "../registration.js";
import type { ResetResult } from "../minigrid-env.js";
import type { Seed } from "../rng.js";
import type { WorldObj } from "../world-object.js";
import { RoomGridLevel, type RoomGridLevelOptions } from "./roomgrid-level.js";
import { ObjDesc, PutNextInstr, type DescType } from "./verifier.js";

function descOf(obj: WorldObj): ObjDesc {
  return new ObjDesc(obj.type as DescType, obj.color);
}

export interface PutNextLocalOptions extends Omit<RoomGridLevelOptions, "numRows" | "numCols"> {
  numObjs?: number;
}

export class PutNextLocal extends RoomGridLevel {
  readonly numObjs: number;

  constructor({ roomSize = 8, numObjs = 8, ...rest }: PutNextLocalOptions = {}) {
    super({ ...rest, numRows: 1, numCols: 1, roomSize });
    this.numObjs = numObjs;
  }

  protected genMission(): void {
    this.placeAgentInRoom();
    const objs = this.addDistractors(null, null, this.numObjs, true);
    this.checkObjsReachable();
    const [o1, o2] = this.randSubset(objs, 2) as [WorldObj, WorldObj];
    this.instrs = new PutNextInstr(descOf(o1), descOf(o2));
  }
}

export interface PutNextOptions extends Omit<RoomGridLevelOptions, "numRows" | "numCols" | "roomSize"> {
  roomSize: number;
  objsPerRoom: number;
  /** The agent starts holding the object to move. */
  startCarrying?: boolean;
}

export class PutNext extends RoomGridLevel {
  readonly objsPerRoom: number;
  readonly startCarrying: boolean;
  /** The object to move. */
  objA: WorldObj | null = null;

  constructor({ roomSize, objsPerRoom, startCarrying = false, maxSteps, ...rest }: PutNextOptions) {
    if (roomSize < 4) throw new RangeError("PutNext needs roomSize >= 4");
    if (objsPerRoom > 9) throw new RangeError("PutNext allows at most 9 objects per room");
    super({ ...rest, numRows: 1, numCols: 2, roomSize, maxSteps: maxSteps ?? 8 * roomSize ** 2 });
    this.objsPerRoom = objsPerRoom;
    this.startCarrying = startCarrying;
  }

  protected genMission(): void {
    this.placeAgentInRoom(0, 0);
    // Objects on both sides, so that there are two non-adjacent sets.
    const objsL = this.addDistractors(0, 0, this.objsPerRoom);
    const objsR = this.addDistractors(1, 0, this.objsPerRoom);
    this.removeWall(0, 0, 0);
    let a = this.randElem(objsL);
    let b = this.randElem(objsR);
    // Either side may hold the object to move.
    if (this.randBool()) [a, b] = [b, a];
    this.objA = a;
    this.instrs = new PutNextInstr(descOf(a), descOf(b));
  }

  override reset(options: { seed?: Seed | null } = {}): ResetResult {
    const result = super.reset(options);
    if (this.startCarrying) {
      const a = this.objA!;
      this.grid.set(a.initPos![0], a.initPos![1], null);
      this.carrying = a;
    }
    return result;
  }
}

export const PUTNEXT_ENVS = [
  ...family("PutNextLocal", PutNextLocal, {
    "BabyAI-PutNextLocal-v0": {},
    "BabyAI-PutNextLocalS5N3-v0": { roomSize: 5, numObjs: 3 },
    "BabyAI-PutNextLocalS6N4-v0": { roomSize: 6, numObjs: 4 },
  }),
  ...family("PutNext", PutNext, {
    "BabyAI-PutNextS4N1-v0": { roomSize: 4, objsPerRoom: 1 },
    "BabyAI-PutNextS5N2-v0": { roomSize: 5, objsPerRoom: 2 },
    "BabyAI-PutNextS5N1-v0": { roomSize: 5, objsPerRoom: 1 },
    "BabyAI-PutNextS6N3-v0": { roomSize: 6, objsPerRoom: 3 },
    "BabyAI-PutNextS7N4-v0": { roomSize: 7, objsPerRoom: 4 },
    "BabyAI-PutNextS5N2Carrying-v0": { roomSize: 5, objsPerRoom: 2, startCarrying: true },
    "BabyAI-PutNextS6N3Carrying-v0": { roomSize: 6, objsPerRoom: 3, startCarrying: true },
    "BabyAI-PutNextS7N4Carrying-v0": { roomSize: 7, objsPerRoom: 4, startCarrying: true },
  }),
];
