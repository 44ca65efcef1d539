/**
 * BabyAI "open" levels (minigrid/envs/babyai/open.py). Mission: "open <door>" (or two doors in
 * order); success when a matching door is toggled open. Reward 1 − 0.9 · (step_count / max_steps).
 *
 * - Open: a 3×3 maze with 18 distractors; open one of its doors.
 * - OpenRedDoor: two rooms of size 5; open the red door between them.
 * - OpenDoor: the middle room has 4 doors of distinct colours; the target is named by colour or by
 *   location (`selectBy`); Debug: opening another door fails.
 * - OpenTwoDoors: open the left door, then the right one (OpenRedBlueDoors: red then blue; Debug:
 *   opening the second first fails). max_steps = 20 · 6².
 * - OpenDoorsOrder: N doors; open one, or two in a given order. max_steps = 20 · 6².
 */
import { COLOR_NAMES } from "../constants.js";
import { family } from "../registration.js";
import type { Door } from "../world-object.js";
import { RoomGridLevel, type RoomGridLevelOptions } from "./roomgrid-level.js";
import { AfterInstr, BeforeInstr, LOC_NAMES, ObjDesc, OpenInstr } from "./verifier.js";
import type { Color } from "../constants.js";

/** The door descriptions every door-level uses: type and colour. */
function doorDesc(door: Door): ObjDesc {
  return new ObjDesc("door", door.color);
}

export class Open extends RoomGridLevel {
  protected genMission(): void {
    this.placeAgentInRoom();
    this.connectAll();
    this.addDistractors(null, null, 18, false);
    this.checkObjsReachable();
    const doors: Door[] = [];
    for (let i = 0; i < this.numCols; i++) {
      for (let j = 0; j < this.numRows; j++) {
        for (const door of this.getRoom(i, j).doors) if (door && door !== true) doors.push(door);
      }
    }
    this.instrs = new OpenInstr(doorDesc(this.randElem(doors)));
  }
}

export class OpenRedDoor extends RoomGridLevel {
  constructor(opts: Omit<RoomGridLevelOptions, "roomSize" | "numRows" | "numCols"> = {}) {
    super({ ...opts, numRows: 1, numCols: 2, roomSize: 5 });
  }

  protected genMission(): void {
    this.addDoor(0, 0, 0, "red", false);
    this.placeAgentInRoom(0, 0);
    this.instrs = new OpenInstr(new ObjDesc("door", "red"));
  }
}

export interface OpenDoorOptions extends RoomGridLevelOptions {
  /** Opening a door other than the target fails. */
  debug?: boolean;
  /** How the target is described; random per episode when absent. */
  selectBy?: "color" | "loc" | null;
}

export class OpenDoor extends RoomGridLevel {
  readonly debug: boolean;
  readonly selectBy: "color" | "loc" | null;

  constructor({ debug = false, selectBy = null, ...rest }: OpenDoorOptions = {}) {
    super(rest);
    this.debug = debug;
    this.selectBy = selectBy;
  }

  protected genMission(): void {
    const colors = this.randSubset(COLOR_NAMES, 4);
    const doors: Door[] = colors.map((color, i) => this.addDoor(1, 1, i, color, false)[0]);
    const selectBy = this.selectBy ?? this.randElem(["color", "loc"] as const);
    const target =
      selectBy === "color" ? new ObjDesc(doors[0]!.type as "door", doors[0]!.color) : new ObjDesc("door", null, this.randElem(LOC_NAMES));
    this.placeAgentInRoom(1, 1);
    this.instrs = new OpenInstr(target, this.debug);
  }
}

export interface OpenTwoDoorsOptions extends RoomGridLevelOptions {
  firstColor?: Color | null;
  secondColor?: Color | null;
  /** Opening the second door first fails. */
  strict?: boolean;
}

export class OpenTwoDoors extends RoomGridLevel {
  readonly firstColor: Color | null;
  readonly secondColor: Color | null;
  readonly strict: boolean;

  constructor({ firstColor = null, secondColor = null, strict = false, maxSteps, ...rest }: OpenTwoDoorsOptions = {}) {
    const roomSize = 6;
    super({ ...rest, roomSize, maxSteps: maxSteps ?? 20 * roomSize ** 2 });
    this.firstColor = firstColor;
    this.secondColor = secondColor;
    this.strict = strict;
  }

  protected genMission(): void {
    const colors = this.randSubset(COLOR_NAMES, 2);
    const [door1] = this.addDoor(1, 1, 2, this.firstColor ?? colors[0]!, false);
    const [door2] = this.addDoor(1, 1, 0, this.secondColor ?? colors[1]!, false);
    this.placeAgentInRoom(1, 1);
    this.instrs = new BeforeInstr(new OpenInstr(doorDesc(door1), this.strict), new OpenInstr(doorDesc(door2)));
  }
}

export interface OpenDoorsOrderOptions extends RoomGridLevelOptions {
  numDoors: number;
  /** Opening a wrong door fails. */
  debug?: boolean;
}

export class OpenDoorsOrder extends RoomGridLevel {
  readonly numDoors: number;
  readonly debug: boolean;

  constructor({ numDoors, debug = false, maxSteps, ...rest }: OpenDoorsOrderOptions) {
    if (!(numDoors >= 2)) throw new RangeError("OpenDoorsOrder needs numDoors >= 2");
    const roomSize = 6;
    super({ ...rest, roomSize, maxSteps: maxSteps ?? 20 * roomSize ** 2 });
    this.numDoors = numDoors;
    this.debug = debug;
  }

  protected genMission(): void {
    const colors = this.randSubset(COLOR_NAMES, this.numDoors);
    const doors: Door[] = [];
    for (let i = 0; i < this.numDoors; i++) doors.push(this.addDoor(1, 1, null, colors[i]!, false)[0]);
    this.placeAgentInRoom(1, 1);
    const [door1, door2] = this.randSubset(doors, 2) as [Door, Door];
    const desc1 = doorDesc(door1);
    const desc2 = doorDesc(door2);
    const mode = this.randInt(0, 3);
    if (mode === 0) this.instrs = new OpenInstr(desc1, this.debug);
    else if (mode === 1) this.instrs = new BeforeInstr(new OpenInstr(desc1, this.debug), new OpenInstr(desc2, this.debug));
    else this.instrs = new AfterInstr(new OpenInstr(desc1, this.debug), new OpenInstr(desc2, this.debug));
  }
}

export const OPEN_ENVS = [
  ...family("Open", Open, { "BabyAI-Open-v0": {} }),
  ...family("OpenRedDoor", OpenRedDoor, { "BabyAI-OpenRedDoor-v0": {} }),
  ...family("OpenDoor", OpenDoor, {
    "BabyAI-OpenDoor-v0": {},
    "BabyAI-OpenDoorDebug-v0": { debug: true, selectBy: null },
    "BabyAI-OpenDoorColor-v0": { selectBy: "color" },
    "BabyAI-OpenDoorLoc-v0": { selectBy: "loc" },
  }),
  ...family("OpenTwoDoors", OpenTwoDoors, {
    "BabyAI-OpenTwoDoors-v0": {},
    "BabyAI-OpenRedBlueDoors-v0": { firstColor: "red", secondColor: "blue" },
    "BabyAI-OpenRedBlueDoorsDebug-v0": { firstColor: "red", secondColor: "blue", strict: true },
  }),
  ...family("OpenDoorsOrder", OpenDoorsOrder, {
    "BabyAI-OpenDoorsOrderN2-v0": { numDoors: 2 },
    "BabyAI-OpenDoorsOrderN4-v0": { numDoors: 4 },
    "BabyAI-OpenDoorsOrderN2Debug-v0": { debug: true, numDoors: 2 },
    "BabyAI-OpenDoorsOrderN4Debug-v0": { debug: true, numDoors: 4 },
  }),
];
