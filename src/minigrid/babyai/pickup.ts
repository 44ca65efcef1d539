/**
 * BabyAI "pick up" levels (minigrid/envs/babyai/pickup.py). Mission: "pick up <object>"; success
 * when the agent, holding nothing, picks up a matching object. Reward 1 − 0.9 · (step_count / max_steps).
 *
 * - Pickup: a 3×3 maze with 18 distractors; pick one of them up.
 * - UnblockPickup: as Pickup with 20 distractors, and some object must be blocked in.
 * - PickupLoc: LevelGen in one room, "pick up" only, descriptions may use locations.
 * - PickupDist: one room of size 7 with 5 objects; the target is named by type, colour or both
 *   (Debug: picking up anything else fails).
 * - PickupAbove: the object is in the room above the agent's. max_steps = 8 · 6².
 */
import { family } from "../registration.js";
import type { WorldObj } from "../world-object.js";
import { LevelGen, type LevelGenOptions } from "./levelgen.js";
import { RejectSampling, RoomGridLevel, type RoomGridLevelOptions } from "./roomgrid-level.js";
import { ObjDesc, PickupInstr, type DescType } from "./verifier.js";

function pickupObj(obj: WorldObj): PickupInstr {
  return new PickupInstr(new ObjDesc(obj.type as DescType, obj.color));
}

export class Pickup extends RoomGridLevel {
  protected genMission(): void {
    this.placeAgentInRoom();
    this.connectAll();
    const objs = this.addDistractors(null, null, 18, false);
    this.checkObjsReachable();
    this.instrs = pickupObj(this.randElem(objs));
  }
}

export class UnblockPickup extends RoomGridLevel {
  protected genMission(): void {
    this.placeAgentInRoom();
    this.connectAll();
    const objs = this.addDistractors(null, null, 20, false);
    // Some object must need unblocking (the chosen one is still reachable most of the time).
    if (this.checkObjsReachable(false)) throw new RejectSampling("all objects reachable");
    this.instrs = pickupObj(this.randElem(objs));
  }
}

export class PickupLoc extends LevelGen {
  constructor(opts: LevelGenOptions = {}) {
    super({
      ...opts,
      actionKinds: ["pickup"],
      instrKinds: ["action"],
      numRows: 1,
      numCols: 1,
      numDists: 8,
      lockedRoomProb: 0,
      locations: true,
      unblocking: false,
    });
  }
}

export interface PickupDistOptions extends Omit<RoomGridLevelOptions, "numRows" | "numCols" | "roomSize"> {
  /** Picking up a wrong object fails. */
  debug?: boolean;
}

export class PickupDist extends RoomGridLevel {
  readonly debug: boolean;

  constructor({ debug = false, ...rest }: PickupDistOptions = {}) {
    super({ ...rest, numRows: 1, numCols: 1, roomSize: 7 });
    this.debug = debug;
  }

  protected genMission(): void {
    const objs = this.addDistractors(null, null, 5);
    this.placeAgentInRoom(0, 0);
    const obj = this.randElem(objs);
    let type: DescType | null = obj.type as DescType;
    let color: WorldObj["color"] | null = obj.color;
    const selectBy = this.randElem(["type", "color", "both"] as const);
    if (selectBy === "color") type = null;
    else if (selectBy === "type") color = null;
    this.instrs = new PickupInstr(new ObjDesc(type, color), this.debug);
  }
}

export class PickupAbove extends RoomGridLevel {
  constructor({ maxSteps, ...rest }: Omit<RoomGridLevelOptions, "roomSize"> = {}) {
    const roomSize = 6;
    super({ ...rest, roomSize, maxSteps: maxSteps ?? 8 * roomSize ** 2 });
  }

  protected genMission(): void {
    const [obj] = this.addObject(1, 0);
    // The two rooms are directly connected.
    this.addDoor(1, 1, 3, null, false);
    this.placeAgentInRoom(1, 1);
    this.connectAll();
    this.instrs = pickupObj(obj);
  }
}

export const PICKUP_ENVS = [
  ...family("Pickup", Pickup, { "BabyAI-Pickup-v0": {} }),
  ...family("UnblockPickup", UnblockPickup, { "BabyAI-UnblockPickup-v0": {} }),
  ...family("PickupLoc", PickupLoc, { "BabyAI-PickupLoc-v0": {} }),
  ...family("PickupDist", PickupDist, {
    "BabyAI-PickupDist-v0": {},
    "BabyAI-PickupDistDebug-v0": { debug: true },
  }),
  ...family("PickupAbove", PickupAbove, { "BabyAI-PickupAbove-v0": {} }),
];
