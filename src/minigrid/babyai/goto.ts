/**
 * BabyAI "go to" levels (minigrid/envs/babyai/goto.py). Mission: "go to <object>"; success when
 * the agent faces a matching object. Actions: left, right, forward (the others are allowed but
 * unused). Reward 1 − 0.9 · (step_count / max_steps) on success; max_steps = room_size² × rooms
 * unless noted.
 *
 * - GoToRedBallGrey: one room, the red ball and 7 grey distractors.
 * - GoToRedBall / GoToRedBallNoDists: one room, the red ball and 7 (0) distractors.
 * - GoToObj: one room, a single object.
 * - GoToLocal: one room, 8 distractors, one of them the target.
 * - GoTo: a 3×3 maze, 18 distractors, closed doors (or all open); GoToObjMaze* has one object.
 * - GoToImpUnlock: the target is in a locked room; its key is elsewhere.
 * - GoToSeq: LevelGen with "go to" clauses only, no locked room, no locations, no unblocking.
 * - GoToRedBlueBall: one room, exactly one red or blue ball among 7 distractors.
 * - GoToDoor: the middle room of a 3×3 maze (room size 7) with 4 doors; go to one of them.
 * - GoToObjDoor: the middle room with 8 distractors and 4 doors; go to any of them.
 */
import type { Color } from "../constants.js";
import { family } from "../registration.js";
import { Ball, Box, Key, type WorldObj } from "../world-object.js";
import { LevelGen, type LevelGenOptions } from "./levelgen.js";
import { RejectSampling, RoomGridLevel, type RoomGridLevelOptions } from "./roomgrid-level.js";
import { GoToInstr, ObjDesc } from "./verifier.js";

export interface GoToLocalOptions extends Omit<RoomGridLevelOptions, "numRows" | "numCols"> {
  numDists?: number;
}

/** A GoToInstr for the type and colour of an object. */
function goToObj(obj: WorldObj): GoToInstr {
  return new GoToInstr(new ObjDesc(obj.type as "key" | "ball" | "box" | "door", obj.color));
}

export class GoToRedBallGrey extends RoomGridLevel {
  readonly numDists: number;

  constructor({ roomSize = 8, numDists = 7, ...rest }: GoToLocalOptions = {}) {
    super({ ...rest, numRows: 1, numCols: 1, roomSize });
    this.numDists = numDists;
  }

  protected genMission(): void {
    this.placeAgentInRoom();
    const [obj] = this.addObject(0, 0, "ball", "red");
    const dists = this.addDistractors(null, null, this.numDists, false);
    // Python repaints the distractors grey in place; the objects are swapped for grey twins here.
    for (const d of dists) recolor(this, d, "grey");
    this.checkObjsReachable();
    this.instrs = goToObj(obj);
  }
}

/** Replace an object on the grid (and in its room's list) by one of the same kind in another colour. */
function recolor(env: RoomGridLevel, obj: WorldObj, color: Color): WorldObj {
  const twin = obj.type === "key" ? new Key(color) : obj.type === "ball" ? new Ball(color) : new Box(color, obj.contains);
  const pos = obj.curPos!;
  env.grid.set(pos[0], pos[1], twin);
  twin.initPos = obj.initPos;
  twin.curPos = obj.curPos;
  const room = env.roomFromPos(pos[0], pos[1]);
  const k = room.objs.indexOf(obj);
  if (k >= 0) room.objs[k] = twin;
  return twin;
}

export class GoToRedBall extends RoomGridLevel {
  readonly numDists: number;

  constructor({ roomSize = 8, numDists = 7, ...rest }: GoToLocalOptions = {}) {
    super({ ...rest, numRows: 1, numCols: 1, roomSize });
    this.numDists = numDists;
  }

  protected genMission(): void {
    this.placeAgentInRoom();
    const [obj] = this.addObject(0, 0, "ball", "red");
    this.addDistractors(null, null, this.numDists, false);
    this.checkObjsReachable();
    this.instrs = goToObj(obj);
  }
}

export class GoToRedBallNoDists extends GoToRedBall {
  constructor(opts: Omit<GoToLocalOptions, "roomSize" | "numDists"> = {}) {
    super({ ...opts, roomSize: 8, numDists: 0 });
  }
}

export class GoToObj extends RoomGridLevel {
  constructor({ roomSize = 8, ...rest }: Omit<GoToLocalOptions, "numDists"> = {}) {
    super({ ...rest, numRows: 1, numCols: 1, roomSize });
  }

  protected genMission(): void {
    this.placeAgentInRoom();
    const [obj] = this.addDistractors(null, null, 1);
    this.instrs = goToObj(obj!);
  }
}

export class GoToLocal extends RoomGridLevel {
  readonly numDists: number;

  constructor({ roomSize = 8, numDists = 8, ...rest }: GoToLocalOptions = {}) {
    super({ ...rest, numRows: 1, numCols: 1, roomSize });
    this.numDists = numDists;
  }

  protected genMission(): void {
    this.placeAgentInRoom();
    const objs = this.addDistractors(null, null, this.numDists, false);
    this.checkObjsReachable();
    this.instrs = goToObj(this.randElem(objs));
  }
}

export interface GoToOptions extends RoomGridLevelOptions {
  numDists?: number;
  doorsOpen?: boolean;
}

export class GoTo extends RoomGridLevel {
  readonly numDists: number;
  readonly doorsOpen: boolean;

  constructor({ roomSize = 8, numRows = 3, numCols = 3, numDists = 18, doorsOpen = false, ...rest }: GoToOptions = {}) {
    super({ ...rest, numRows, numCols, roomSize });
    this.numDists = numDists;
    this.doorsOpen = doorsOpen;
  }

  protected genMission(): void {
    this.placeAgentInRoom();
    this.connectAll();
    const objs = this.addDistractors(null, null, this.numDists, false);
    this.checkObjsReachable();
    this.instrs = goToObj(this.randElem(objs));
    if (this.doorsOpen) this.openAllDoors();
  }
}

export class GoToImpUnlock extends RoomGridLevel {
  protected genMission(): void {
    // A locked door on a random room.
    const id = this.randInt(0, this.numCols);
    const jd = this.randInt(0, this.numRows);
    const [door] = this.addDoor(id, jd, null, null, true);
    const lockedRoom = this.getRoom(id, jd);
    // Python means "the key in another room", but it compares numpy ints with `is`, which is never
    // true: the first room drawn gets the key, even the locked one.
    const ik = this.randInt(0, this.numCols);
    const jk = this.randInt(0, this.numRows);
    this.addObject(ik, jk, "key", door.color);
    this.connectAll();
    // Meant for every room but the locked one; the same `is` comparison makes it every room.
    for (let i = 0; i < this.numCols; i++) {
      for (let j = 0; j < this.numRows; j++) this.addDistractors(i, j, 2, false);
    }
    // The agent goes last, outside the locked room.
    for (;;) {
      this.placeAgentInRoom();
      if (this.roomFromPos(this.agentPos[0], this.agentPos[1]) === lockedRoom) continue;
      break;
    }
    this.checkObjsReachable();
    // The target: a single object in the locked room.
    const [obj] = this.addDistractors(id, jd, 1, false);
    this.instrs = goToObj(obj!);
  }
}

export class GoToSeq extends LevelGen {
  constructor({ roomSize = 8, numRows = 3, numCols = 3, numDists = 18, ...rest }: LevelGenOptions = {}) {
    super({
      ...rest,
      roomSize,
      numRows,
      numCols,
      numDists,
      actionKinds: ["goto"],
      lockedRoomProb: 0,
      locations: false,
      unblocking: false,
    });
  }
}

export class GoToRedBlueBall extends RoomGridLevel {
  readonly numDists: number;

  constructor({ roomSize = 8, numDists = 7, ...rest }: GoToLocalOptions = {}) {
    super({ ...rest, numRows: 1, numCols: 1, roomSize });
    this.numDists = numDists;
  }

  protected genMission(): void {
    this.placeAgentInRoom();
    const dists = this.addDistractors(null, null, this.numDists, false);
    // Exactly one red or blue ball: the target.
    for (const d of dists) {
      if (d.type === "ball" && (d.color === "blue" || d.color === "red")) {
        throw new RejectSampling("can only have one blue or red ball");
      }
    }
    const color = this.randElem<Color>(["red", "blue"]);
    const [obj] = this.addObject(0, 0, "ball", color);
    this.checkObjsReachable();
    this.instrs = goToObj(obj);
  }
}

export class GoToDoor extends RoomGridLevel {
  constructor(opts: Omit<RoomGridLevelOptions, "roomSize"> = {}) {
    super({ ...opts, roomSize: 7 });
  }

  protected genMission(): void {
    const doors: WorldObj[] = [];
    for (let k = 0; k < 4; k++) doors.push(this.addDoor(1, 1)[0]);
    this.placeAgentInRoom(1, 1);
    const obj = this.randElem(doors);
    this.instrs = new GoToInstr(new ObjDesc("door", obj.color));
  }
}

export class GoToObjDoor extends RoomGridLevel {
  constructor(opts: Omit<RoomGridLevelOptions, "roomSize"> = {}) {
    super({ ...opts, roomSize: 8 });
  }

  protected genMission(): void {
    this.placeAgentInRoom(1, 1);
    const objs = this.addDistractors(1, 1, 8, false);
    for (let k = 0; k < 4; k++) objs.push(this.addDoor(1, 1)[0]);
    this.checkObjsReachable();
    this.instrs = goToObj(this.randElem(objs));
  }
}

export const GOTO_ENVS = [
  ...family("GoToRedBallGrey", GoToRedBallGrey, { "BabyAI-GoToRedBallGrey-v0": {} }),
  ...family("GoToRedBall", GoToRedBall, { "BabyAI-GoToRedBall-v0": {} }),
  ...family("GoToRedBallNoDists", GoToRedBallNoDists, { "BabyAI-GoToRedBallNoDists-v0": {} }),
  ...family("GoToObj", GoToObj, {
    "BabyAI-GoToObj-v0": {},
    "BabyAI-GoToObjS4-v0": { roomSize: 4 },
    "BabyAI-GoToObjS6-v1": { roomSize: 6 },
  }),
  ...family("GoToLocal", GoToLocal, {
    "BabyAI-GoToLocal-v0": {},
    "BabyAI-GoToLocalS5N2-v0": { roomSize: 5, numDists: 2 },
    "BabyAI-GoToLocalS6N2-v0": { roomSize: 6, numDists: 2 },
    "BabyAI-GoToLocalS6N3-v0": { roomSize: 6, numDists: 3 },
    "BabyAI-GoToLocalS6N4-v0": { roomSize: 6, numDists: 4 },
    "BabyAI-GoToLocalS7N4-v0": { roomSize: 7, numDists: 4 },
    "BabyAI-GoToLocalS7N5-v0": { roomSize: 7, numDists: 5 },
    "BabyAI-GoToLocalS8N2-v0": { roomSize: 8, numDists: 2 },
    "BabyAI-GoToLocalS8N3-v0": { roomSize: 8, numDists: 3 },
    "BabyAI-GoToLocalS8N4-v0": { roomSize: 8, numDists: 4 },
    "BabyAI-GoToLocalS8N5-v0": { roomSize: 8, numDists: 5 },
    "BabyAI-GoToLocalS8N6-v0": { roomSize: 8, numDists: 6 },
    "BabyAI-GoToLocalS8N7-v0": { roomSize: 8, numDists: 7 },
  }),
  ...family("GoTo", GoTo, {
    "BabyAI-GoTo-v0": {},
    "BabyAI-GoToOpen-v0": { doorsOpen: true },
    "BabyAI-GoToObjMaze-v0": { numDists: 1, doorsOpen: false },
    "BabyAI-GoToObjMazeOpen-v0": { numDists: 1, doorsOpen: true },
    "BabyAI-GoToObjMazeS4R2-v0": { numDists: 1, roomSize: 4, numRows: 2, numCols: 2 },
    "BabyAI-GoToObjMazeS4-v0": { numDists: 1, roomSize: 4 },
    "BabyAI-GoToObjMazeS5-v0": { numDists: 1, roomSize: 5 },
    "BabyAI-GoToObjMazeS6-v0": { numDists: 1, roomSize: 6 },
    "BabyAI-GoToObjMazeS7-v0": { numDists: 1, roomSize: 7 },
  }),
  ...family("GoToImpUnlock", GoToImpUnlock, { "BabyAI-GoToImpUnlock-v0": {} }),
  ...family("GoToSeq", GoToSeq, {
    "BabyAI-GoToSeq-v0": {},
    "BabyAI-GoToSeqS5R2-v0": { roomSize: 5, numRows: 2, numCols: 2, numDists: 4 },
  }),
  ...family("GoToRedBlueBall", GoToRedBlueBall, { "BabyAI-GoToRedBlueBall-v0": {} }),
  ...family("GoToDoor", GoToDoor, { "BabyAI-GoToDoor-v0": {} }),
  ...family("GoToObjDoor", GoToObjDoor, { "BabyAI-GoToObjDoor-v0": {} }),
];
