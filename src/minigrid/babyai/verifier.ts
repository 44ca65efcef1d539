/**
 * The Baby Language (minigrid/envs/babyai/core/verifier.py): object descriptions and the
 * instructions built from them, each with its English surface form and a step-by-step verifier.
 *
 * - `ObjDesc` — "the red ball", "a door on your left": the objects of a type/colour/location,
 *   resolved against a level by `findMatchingObjs` (objSet = the objects, objPoss = their cells).
 * - Action instructions: `GoToInstr` ("go to …": face a matching object), `OpenInstr` ("open …": toggle
 *   a matching door open), `PickupInstr` ("pick up …"), `PutNextInstr` ("put … next to …": drop a
 *   matching object beside a matching one).
 * - Sequences: `AndInstr` ("A and B", any order), `BeforeInstr` ("A, then B"), `AfterInstr`
 *   ("A after you B", B first).
 *
 * `verify(action)` is called after each env step and answers "success", "failure" or "continue".
 * Call `resetVerifier(env)` at the start of an episode (RoomGridLevel.reset does it).
 */
import { Actions, COLOR_NAMES, COLOR_TO_IDX, DIR_TO_VEC, OBJECT_TO_IDX, type Color } from "../constants.js";
import type { Grid } from "../grid.js";
import { Door, type Point, type WorldObj } from "../world-object.js";

/** Object types the language can describe. */
export const OBJ_TYPES = ["box", "ball", "key", "door"] as const;
export type DescType = (typeof OBJ_TYPES)[number];
/** The describable types except doors (what can be picked up or moved). */
export const OBJ_TYPES_NOT_DOOR: readonly DescType[] = OBJ_TYPES.filter((t) => t !== "door");
/** Locations, relative to the agent's position and direction when the episode starts. */
export const LOC_NAMES = ["left", "right", "front", "behind"] as const;
export type LocName = (typeof LOC_NAMES)[number];

export type Verdict = "success" | "failure" | "continue";

const EMPTY = OBJECT_TO_IDX.empty;
const WALL = OBJECT_TO_IDX.wall;

/** What instructions read from an env: the grid, the agent and the room a cell belongs to. */
export interface InstrEnv {
  readonly grid: Grid;
  readonly agentPos: Point;
  readonly agentDir: number;
  readonly carrying: WorldObj | null;
  readonly frontPos: Point;
  roomFromPos(x: number, y: number): { posInside(x: number, y: number): boolean };
  /**
   * Optional speed-up: the grid's current `objectCells`, set by a level only while its grid cannot
   * change (during reset, once the level is built). Descriptions then search these cells only.
   */
  readonly searchCells?: ArrayLike<number> | undefined;
  /**
   * Python's `BABYAI_DONE_ACTIONS` (read there at import, here an option of the level): an action
   * instruction only succeeds when the agent says `done` right after completing it, and a wrong
   * `done` fails.
   */
  readonly doneActions?: boolean;
}

/** Two cells side by side horizontally or vertically (not diagonally). */
export function posNextTo(a: Point, b: Point): boolean {
  return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) === 1;
}

/** A description of a set of objects: type, colour and location, each optional. */
export class ObjDesc {
  /** The objects matching the description (found by `findMatchingObjs`). */
  objSet: WorldObj[] = [];
  /** Their positions, in the same order. */
  objPoss: Point[] = [];

  /** The type and colour as code indices (−1 for any), looked up once: descriptions are searched often. */
  private readonly typeIdx: number;
  private readonly colorIdx: number;

  constructor(
    readonly type: DescType | null,
    readonly color: Color | null = null,
    readonly loc: LocName | null = null,
  ) {
    if (type !== null && !OBJ_TYPES.includes(type)) throw new RangeError(`ObjDesc: unknown type ${String(type)}`);
    if (color !== null && !COLOR_NAMES.includes(color)) throw new RangeError(`ObjDesc: unknown colour ${String(color)}`);
    if (loc !== null && !LOC_NAMES.includes(loc)) throw new RangeError(`ObjDesc: unknown location ${String(loc)}`);
    this.typeIdx = type === null ? -1 : OBJECT_TO_IDX[type];
    this.colorIdx = color === null ? -1 : COLOR_TO_IDX[color];
  }

  toString(): string {
    return `${this.color ?? "None"} ${this.type ?? "None"} ${this.loc ?? "None"}`;
  }

  /** "the red ball", "a door on your left": "a" when several objects match, "the" for one. */
  surface(env: InstrEnv): string {
    this.findMatchingObjs(env);
    if (this.objSet.length === 0) throw new Error(`no object matching description ${this.toString()}`);
    let s: string = this.type ?? "object";
    if (this.color) s = this.color + " " + s;
    if (this.loc) {
      if (this.loc === "front") s += " in front of you";
      else if (this.loc === "behind") s += " behind you";
      else s += " on your " + this.loc;
    }
    return (this.objSet.length > 1 ? "a " : "the ") + s;
  }

  /**
   * Find the matching objects and their positions, scanning columns then rows as Python does.
   * Locations count only in the agent's room, relative to its current position and direction.
   * With `useLocation` false the tracked objects are kept and only their positions are refreshed
   * (an object "on your right" stays the target after the agent turns).
   *
   * `within` (optional, a speed-up for repeated searches of an unchanged grid; defaults to
   * `env.searchCells`): the grid's `objectCells`, which a typed description can only match among.
   */
  findMatchingObjs(env: InstrEnv, useLocation = true, within = env.searchCells): [WorldObj[], Point[]] {
    const tracked = this.objSet;
    if (useLocation) this.objSet = [];
    this.objPoss = [];
    const grid = env.grid;
    const W = grid.width;
    const H = grid.height;
    const cells = grid.cells;
    // Type and colour are matched on the grid's codes (no object is touched until both match).
    const codes = grid.codes;
    const typeIdx = this.typeIdx;
    const colorIdx = this.colorIdx;
    const ax = env.agentPos[0];
    const ay = env.agentPos[1];
    const agentRoom = useLocation && this.loc !== null ? env.roomFromPos(ax, ay) : null;
    const d1 = DIR_TO_VEC[env.agentDir] ?? DIR_TO_VEC[0]!;
    // Untyped descriptions can match walls, so they always scan the whole grid.
    const list = within !== undefined && typeIdx >= 0 ? cellsOfKind(within, codes, typeIdx, colorIdx) : null;
    const n = list !== null ? list.length : W * H;
    for (let p = 0, i = 0, j = -1; p < n; p++) {
      let k: number;
      if (list !== null) {
        k = list[p]!;
        i = k % W;
        j = (k - i) / W;
      } else {
        if (++j === H) {
          j = 0;
          i++;
        }
        k = j * W + i;
      }
      const t = codes[2 * k]!;
      if (t === EMPTY) continue;
      if (typeIdx >= 0 && t !== typeIdx) continue;
      if (colorIdx >= 0 && codes[2 * k + 1] !== colorIdx) continue;
      const cell = cells[k]!;
      if (!useLocation && !tracked.includes(cell)) continue;
      if (agentRoom !== null) {
        // Locations apply only to objects in the room the agent is in.
        if (!agentRoom.posInside(i, j)) continue;
        const vx = i - ax;
        const vy = j - ay;
        // (d1, d2) is an oriented orthonormal basis: d1 ahead, d2 = (−d1y, d1x) to the right.
        const ahead = vx * d1[0] + vy * d1[1];
        const right = -vx * d1[1] + vy * d1[0];
        const loc = this.loc;
        const ok = loc === "left" ? right < 0 : loc === "right" ? right > 0 : loc === "front" ? ahead > 0 : ahead < 0;
        if (!ok) continue;
      }
      if (useLocation) this.objSet.push(cell);
      this.objPoss.push([i, j]);
    }
    return [this.objSet, this.objPoss];
  }
}

/**
 * The cells holding something other than a wall, as indices y·width + x in Python's scan order
 * (column by column): the only cells a typed description can match. Valid until the grid changes.
 */
export function objectCells(grid: Grid): number[] {
  const W = grid.width;
  const H = grid.height;
  const codes = grid.codes;
  const out: number[] = [];
  // The grid knows how many such cells it has: stop at the last one.
  const count = grid.objectCount;
  for (let i = 0; i < W && out.length < count; i++) {
    for (let j = 0; j < H; j++) {
      const t = codes[2 * (j * W + i)];
      if (t !== EMPTY && t !== WALL) out.push(j * W + i);
    }
  }
  return out;
}

/**
 * The cells of `within` (an `objectCells` list) holding objects of a type and colour (colorIdx −1:
 * any colour), in the same order. Memoised per list: a level's many description searches (randObj
 * retries, surface, resetVerifier, validation) then each visit only their candidates (the scans were
 * ~12% of a BossLevel reset). The memo is keyed by the identity of the list and of the grid's codes;
 * a list is valid while its grid is unchanged, so its entries' codes are too.
 */
function cellsOfKind(within: ArrayLike<number>, codes: Uint8Array, typeIdx: number, colorIdx: number): ArrayLike<number> {
  const memo = kindMemo;
  if (within !== memo.within || codes !== memo.codes) {
    memo.within = within;
    memo.codes = codes;
    memo.generation++;
  }
  const slot = typeIdx * KIND_COLORS + colorIdx + 1;
  if (memo.built[slot] === memo.generation) return memo.lists[slot]!;
  const list: number[] = [];
  for (let p = 0; p < within.length; p++) {
    const k = within[p]!;
    if (codes[2 * k] === typeIdx && (colorIdx < 0 || codes[2 * k + 1] === colorIdx)) list.push(k);
  }
  memo.built[slot] = memo.generation;
  memo.lists[slot] = list;
  return list;
}

/** Colour slots per type in the memo: "any" and the six colours. */
const KIND_COLORS = COLOR_NAMES.length + 1;
const KIND_SLOTS = Object.keys(OBJECT_TO_IDX).length * KIND_COLORS;
const kindMemo = {
  within: undefined as ArrayLike<number> | undefined,
  codes: undefined as Uint8Array | undefined,
  /** Bumped when the list or grid changes: a slot is valid when built in this generation. */
  generation: 1,
  /** Per slot typeIdx·KIND_COLORS + colorIdx + 1: the matching cells, in order, and its generation. */
  lists: Array.from({ length: KIND_SLOTS }, (): number[] => []),
  built: new Float64Array(KIND_SLOTS),
};

// Fields shared by several instruction classes are declared and assigned in constructors rather
// than initialised as class fields (a shared field initialiser turns megamorphic in V8).

/** Base of every instruction. */
export abstract class Instr {
  /** The env being verified (set by resetVerifier). */
  declare env: InstrEnv;

  /** The English form of the instruction (resolves the descriptions against env). */
  abstract surface(env: InstrEnv): string;

  /** Bind to an env at the start of an episode. */
  resetVerifier(env: InstrEnv): void {
    this.env = env;
  }

  /** After a step: "success", "failure" or "continue". */
  abstract verify(action: number): Verdict;
}

/** A single clause (go to, open, pick up, put next to). */
export abstract class ActionInstr extends Instr {
  /** The clause was completed on the last step (done-action mode). */
  declare lastStepMatch: boolean;

  constructor() {
    super();
    this.lastStepMatch = false;
  }

  /** The descriptions this clause refers to (for position updates and validation). */
  abstract descs(): ObjDesc[];

  verify(action: number): Verdict {
    if (!this.env.doneActions) return this.verifyAction(action);
    if (action === Actions.done) return this.lastStepMatch ? "success" : "failure";
    const res = this.verifyAction(action);
    this.lastStepMatch = res === "success";
    return "continue";
  }

  abstract verifyAction(action: number): Verdict;

  /** Refresh the positions of the tracked objects (after a drop). */
  updateObjsPoss(): void {
    for (const d of this.descs()) d.findMatchingObjs(this.env, false);
  }
}

/** "open the red door": toggle a matching door so that it is open. */
export class OpenInstr extends ActionInstr {
  constructor(
    readonly desc: ObjDesc,
    /** Opening any other door fails. */
    readonly strict = false,
  ) {
    super();
    if (desc.type !== "door") throw new RangeError("OpenInstr needs a door description");
  }

  descs(): ObjDesc[] {
    return [this.desc];
  }

  surface(env: InstrEnv): string {
    return "open " + this.desc.surface(env);
  }

  override resetVerifier(env: InstrEnv): void {
    super.resetVerifier(env);
    this.desc.findMatchingObjs(env);
  }

  verifyAction(action: number): Verdict {
    if (action !== Actions.toggle) return "continue";
    const [fx, fy] = this.env.frontPos;
    const front = this.env.grid.get(fx, fy);
    if (front instanceof Door && front.isOpen && this.desc.objSet.includes(front)) return "success";
    if (this.strict && front !== null && front.type === "door") return "failure";
    return "continue";
  }
}

/** "go to the blue key": stand next to a matching object, facing it. */
export class GoToInstr extends ActionInstr {
  constructor(readonly desc: ObjDesc) {
    super();
  }

  descs(): ObjDesc[] {
    return [this.desc];
  }

  surface(env: InstrEnv): string {
    return "go to " + this.desc.surface(env);
  }

  override resetVerifier(env: InstrEnv): void {
    super.resetVerifier(env);
    this.desc.findMatchingObjs(env);
  }

  verifyAction(_action: number): Verdict {
    const [fx, fy] = this.env.frontPos;
    for (const p of this.desc.objPoss) if (p[0] === fx && p[1] === fy) return "success";
    return "continue";
  }
}

/** "pick up a ball": pick up a matching object while holding nothing. */
export class PickupInstr extends ActionInstr {
  /** What the agent held before the last verified step. */
  preCarrying: WorldObj | null = null;

  constructor(
    readonly desc: ObjDesc,
    /** Picking up anything else fails. */
    readonly strict = false,
  ) {
    super();
    if (desc.type === "door") throw new RangeError("PickupInstr cannot take a door description");
  }

  descs(): ObjDesc[] {
    return [this.desc];
  }

  surface(env: InstrEnv): string {
    return "pick up " + this.desc.surface(env);
  }

  override resetVerifier(env: InstrEnv): void {
    super.resetVerifier(env);
    this.preCarrying = null;
    this.desc.findMatchingObjs(env);
  }

  verifyAction(action: number): Verdict {
    const preCarrying = this.preCarrying;
    const carrying = this.env.carrying;
    this.preCarrying = carrying;
    if (action !== Actions.pickup) return "continue";
    if (preCarrying === null && carrying !== null && this.desc.objSet.includes(carrying)) return "success";
    if (this.strict && carrying) return "failure";
    return "continue";
  }
}

/** "put the red ball next to the blue key": drop a matching object beside a matching one. */
export class PutNextInstr extends ActionInstr {
  preCarrying: WorldObj | null = null;

  constructor(
    readonly descMove: ObjDesc,
    readonly descFixed: ObjDesc,
    /** Picking up while holding something fails. */
    readonly strict = false,
  ) {
    super();
    if (descMove.type === "door") throw new RangeError("PutNextInstr cannot move a door");
  }

  descs(): ObjDesc[] {
    return [this.descMove, this.descFixed];
  }

  surface(env: InstrEnv): string {
    return "put " + this.descMove.surface(env) + " next to " + this.descFixed.surface(env);
  }

  override resetVerifier(env: InstrEnv): void {
    super.resetVerifier(env);
    this.preCarrying = null;
    this.descMove.findMatchingObjs(env);
    this.descFixed.findMatchingObjs(env);
  }

  /** Whether some object to move is already next to some fixed object (used to reject levels). */
  objsNext(): boolean {
    for (const a of this.descMove.objSet) {
      const pa = a.curPos!;
      for (const pb of this.descFixed.objPoss) if (posNextTo(pa, pb)) return true;
    }
    return false;
  }

  verifyAction(action: number): Verdict {
    const preCarrying = this.preCarrying;
    this.preCarrying = this.env.carrying;
    if (this.strict && action === Actions.pickup && this.env.carrying) return "failure";
    if (action !== Actions.drop) return "continue";
    for (const a of this.descMove.objSet) {
      if (preCarrying !== a) continue;
      const pa = a.curPos!;
      for (const pb of this.descFixed.objPoss) if (posNextTo(pa, pb)) return "success";
    }
    return "continue";
  }
}

/** Progress of a sequence's part: not started (false) or its last verdict. */
export type PartState = Verdict | false;

/** Base of the two-part instructions (and, before, after). */
export abstract class SeqInstr extends Instr {
  declare aDone: PartState;
  declare bDone: PartState;
  declare readonly instrA: ActionInstr | AndInstr;
  declare readonly instrB: ActionInstr | AndInstr;
  /** Before/after: completing the parts in the wrong order fails. */
  declare readonly strict: boolean;

  constructor(instrA: ActionInstr | AndInstr, instrB: ActionInstr | AndInstr, strict = false) {
    super();
    this.instrA = instrA;
    this.instrB = instrB;
    this.strict = strict;
    this.aDone = false;
    this.bDone = false;
  }

  override resetVerifier(env: InstrEnv): void {
    super.resetVerifier(env);
    this.instrA.resetVerifier(env);
    this.instrB.resetVerifier(env);
    this.aDone = false;
    this.bDone = false;
  }
}

/** "A, then B": B is checked only once A has succeeded. */
export class BeforeInstr extends SeqInstr {
  surface(env: InstrEnv): string {
    return this.instrA.surface(env) + ", then " + this.instrB.surface(env);
  }

  verify(action: number): Verdict {
    if (this.aDone === "success") {
      this.bDone = this.instrB.verify(action);
      if (this.bDone === "failure") return "failure";
      if (this.bDone === "success") return "success";
    } else {
      this.aDone = this.instrA.verify(action);
      if (this.aDone === "failure") return "failure";
      // B is checked on the same step that completes A.
      if (this.aDone === "success") return this.verify(action);
      if (this.strict && this.instrB.verify(action) === "success") return "failure";
    }
    return "continue";
  }
}

/** "A after you B": B first, then A. */
export class AfterInstr extends SeqInstr {
  surface(env: InstrEnv): string {
    return this.instrA.surface(env) + " after you " + this.instrB.surface(env);
  }

  verify(action: number): Verdict {
    if (this.bDone === "success") {
      this.aDone = this.instrA.verify(action);
      if (this.aDone === "success") return "success";
      if (this.aDone === "failure") return "failure";
    } else {
      this.bDone = this.instrB.verify(action);
      if (this.bDone === "failure") return "failure";
      if (this.bDone === "success") return this.verify(action);
      if (this.strict && this.instrA.verify(action) === "success") return "failure";
    }
    return "continue";
  }
}

/** "A and B": both clauses, in any order. */
export class AndInstr extends SeqInstr {
  declare readonly instrA: ActionInstr;
  declare readonly instrB: ActionInstr;

  constructor(instrA: ActionInstr, instrB: ActionInstr, strict = false) {
    super(instrA, instrB, strict);
  }

  surface(env: InstrEnv): string {
    return this.instrA.surface(env) + " and " + this.instrB.surface(env);
  }

  verify(action: number): Verdict {
    if (this.aDone !== "success") this.aDone = this.instrA.verify(action);
    if (this.bDone !== "success") this.bDone = this.instrB.verify(action);
    // Python tests `action is actions.done`, which only holds when the enum member itself is passed.
    if (this.env.doneActions && action === Actions.done && this.aDone === "failure" && this.bDone === "failure") return "failure";
    if (this.aDone === "success" && this.bDone === "success") return "success";
    return "continue";
  }
}

/** The action clauses of an instruction, in surface order. */
export function actionClauses(instr: Instr): ActionInstr[] {
  if (instr instanceof ActionInstr) return [instr];
  if (instr instanceof SeqInstr) return [...actionClauses(instr.instrA), ...actionClauses(instr.instrB)];
  return [];
}
