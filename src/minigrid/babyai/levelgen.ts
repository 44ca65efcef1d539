/**
 * LevelGen (minigrid/envs/babyai/core/levelgen.py): the level generator that can produce every
 * sentence of the Baby Language. Recipe: maybe a locked room (with its key elsewhere); doors until
 * every room is reachable; distractors; the agent outside the locked room; then a random
 * instruction — a clause, two clauses joined by "and", or two (possibly "and"-joined) parts
 * ordered by "then" / "after you".
 */
import { COLOR_NAMES, type Color } from "../constants.js";
import { PlacementError } from "../errors.js";
import type { Room } from "../roomgrid.js";
import type { Door } from "../world-object.js";
import { RoomGridLevel, type RoomGridLevelOptions } from "./roomgrid-level.js";
import {
  ActionInstr,
  AfterInstr,
  AndInstr,
  BeforeInstr,
  GoToInstr,
  LOC_NAMES,
  OBJ_TYPES,
  OBJ_TYPES_NOT_DOOR,
  ObjDesc,
  OpenInstr,
  objectCells,
  PickupInstr,
  PutNextInstr,
  type DescType,
  type Instr,
  type LocName,
} from "./verifier.js";

export type ActionKind = "goto" | "pickup" | "open" | "putnext";
export type InstrKind = "action" | "and" | "seq";

export interface LevelGenOptions extends RoomGridLevelOptions {
  numDists?: number;
  /** Probability of a locked room (one uniform(0, 1) draw per try, even when 0). */
  lockedRoomProb?: number;
  /** Descriptions may use locations ("on your left"). */
  locations?: boolean;
  /** Objects may block the way (otherwise every object must be reachable). */
  unblocking?: boolean;
  /** A target may be behind the locked door (otherwise one must be outside it). */
  implicitUnlock?: boolean;
  actionKinds?: readonly ActionKind[];
  instrKinds?: readonly InstrKind[];
}

export class LevelGen extends RoomGridLevel {
  readonly numDists: number;
  readonly lockedRoomProb: number;
  readonly locations: boolean;
  readonly implicitUnlock: boolean;
  readonly actionKinds: readonly ActionKind[];
  readonly instrKinds: readonly InstrKind[];
  /**
   * The room behind the locked door. As in Python it is never cleared: a later try or episode
   * without a locked room keeps the old Room, whose area still counts as "locked" in randObj.
   */
  lockedRoom: Room | null = null;

  constructor({
    roomSize = 8,
    numRows = 3,
    numCols = 3,
    numDists = 18,
    lockedRoomProb = 0.5,
    locations = true,
    unblocking = true,
    implicitUnlock = true,
    actionKinds = ["goto", "pickup", "open", "putnext"],
    instrKinds = ["action", "and", "seq"],
    ...rest
  }: LevelGenOptions = {}) {
    super({ ...rest, roomSize, numRows, numCols });
    this.numDists = numDists;
    this.lockedRoomProb = lockedRoomProb;
    this.locations = locations;
    this.unblocking = unblocking;
    this.implicitUnlock = implicitUnlock;
    this.actionKinds = actionKinds;
    this.instrKinds = instrKinds;
  }

  protected genMission(): void {
    if (this.randFloat(0, 1) < this.lockedRoomProb) this.addLockedRoom();
    this.connectAll();
    this.addDistractors(null, null, this.numDists, false);
    // The agent goes last, outside the locked room.
    for (;;) {
      this.placeAgentInRoom();
      const [ax, ay] = this.agentPos;
      if (this.roomFromPos(ax, ay) === this.lockedRoom) continue;
      break;
    }
    if (!this.unblocking) this.checkObjsReachable();
    // The grid is final: descriptions are searched among its objects only.
    this.searchCells = objectCells(this.grid);
    this.instrs = this.randInstr(this.actionKinds, this.instrKinds);
  }

  /**
   * A locked door on an inner wall of a random room, and its key in another room. `color` is
   * babyai-text's extension (BALROG's level): the door gets it instead of a drawn colour.
   */
  addLockedRoom(color: Color | null = null): void {
    let door: Door;
    for (;;) {
      const i = this.randInt(0, this.numCols);
      const j = this.randInt(0, this.numRows);
      const doorIdx = this.randInt(0, 4);
      this.lockedRoom = this.getRoom(i, j);
      if (this.lockedRoom.neighbors[doorIdx] === null) continue;
      [door] = this.addDoor(i, j, doorIdx, color, true);
      break;
    }
    for (;;) {
      const i = this.randInt(0, this.numCols);
      const j = this.randInt(0, this.numRows);
      if (this.getRoom(i, j) === this.lockedRoom) continue;
      this.addObject(i, j, "key", door.color);
      break;
    }
  }

  /** A random description that matches at least one object (and, without implicit unlocking, one outside the locked room). */
  randObj(types: readonly DescType[] = OBJ_TYPES, colors: readonly Color[] = COLOR_NAMES, maxTries = 100): ObjDesc {
    const colorChoices: (Color | null)[] = [null, ...colors];
    let tries = 0;
    for (;;) {
      if (tries > maxTries) throw new PlacementError("failed to find suitable object");
      tries++;
      const color = this.randElem(colorChoices);
      const type = this.randElem(types);
      let loc: LocName | null = null;
      if (this.locations && this.randBool()) loc = this.randElem(LOC_NAMES);
      const desc = new ObjDesc(type, color, loc);
      const [objs, poss] = desc.findMatchingObjs(this);
      if (objs.length === 0) continue;
      const locked = this.lockedRoom;
      if (!this.implicitUnlock && locked !== null) {
        if (!poss.some(([x, y]) => !locked.posInside(x, y))) continue;
      }
      return desc;
    }
  }

  /** A random instruction: one clause ("action"), two joined by "and", or a before/after sequence. */
  randInstr(actionKinds: readonly ActionKind[], instrKinds: readonly InstrKind[], depth = 0): Instr {
    const kind = this.randElem(instrKinds);
    if (kind === "action") {
      const action = this.randElem(actionKinds);
      switch (action) {
        case "goto":
          return new GoToInstr(this.randObj());
        case "pickup":
          return new PickupInstr(this.randObj(OBJ_TYPES_NOT_DOOR));
        case "open":
          return new OpenInstr(this.randObj(["door"]));
        case "putnext": {
          const move = this.randObj(OBJ_TYPES_NOT_DOOR);
          return new PutNextInstr(move, this.randObj());
        }
      }
    }
    if (kind === "and") {
      const a = this.randInstr(actionKinds, ["action"], depth + 1) as ActionInstr;
      const b = this.randInstr(actionKinds, ["action"], depth + 1) as ActionInstr;
      return new AndInstr(a, b);
    }
    const a = this.randInstr(actionKinds, ["action", "and"], depth + 1) as ActionInstr | AndInstr;
    const b = this.randInstr(actionKinds, ["action", "and"], depth + 1) as ActionInstr | AndInstr;
    return this.randElem(["before", "after"] as const) === "before" ? new BeforeInstr(a, b) : new AfterInstr(a, b);
  }
}
