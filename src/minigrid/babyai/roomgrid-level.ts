/**
 * The base of every BabyAI level (minigrid/envs/babyai/core/roomgrid_level.py): a room grid whose
 * mission is an instruction in the Baby Language, checked after every step.
 *
 * - Generation: `genMission()` (each level's recipe) builds the rooms, objects and `instrs`; the
 *   result is validated, and a `RejectSampling` or a give-up (`PlacementError`, Python's
 *   RecursionError) restarts generation from the room walls. The RNG is not reset between tries.
 *   The mission is the instruction's surface form.
 * - Reset: the verifier is bound to the new episode and, unless the level fixes it, max_steps =
 *   (navigations the instruction needs) × room_size² × rooms.
 * - Step: after a drop the tracked objects' positions are refreshed; then the instruction is
 *   verified: success ends the episode with 1 − 0.9 · (step_count / max_steps), failure with 0.
 */
import { Actions, OBJECT_TO_IDX } from "../constants.js";
import { PlacementError } from "../errors.js";
import type { ResetResult, StepResult } from "../minigrid-env.js";
import type { Seed } from "../rng.js";
import { RoomGrid, type RoomGridOptions } from "../roomgrid.js";
import { Door } from "../world-object.js";
import { ActionInstr, Instr, PutNextInstr, SeqInstr, objectCells } from "./verifier.js";

/**
 * Thrown by a level recipe to reject a generated level and start again. It is control flow, caught
 * by the generation loop, so it skips the stack trace (capturing one costs more than a whole level).
 */
export class RejectSampling extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = "RejectSampling";
  }
}

const EMPTY = OBJECT_TO_IDX.empty;
const WALL = OBJECT_TO_IDX.wall;
const DOOR = OBJECT_TO_IDX.door;

export interface RoomGridLevelOptions extends Omit<RoomGridOptions, "maxSteps"> {
  /** A fixed step limit; when absent it is computed at each reset from the instruction. */
  maxSteps?: number | null;
  /**
   * Python's `BABYAI_DONE_ACTIONS` switch (`done_actions` through makeEnv): an action instruction
   * only succeeds when the agent says `done` right after completing it, and a wrong `done` fails.
   * Default false.
   */
  doneActions?: boolean;
}

export abstract class RoomGridLevel extends RoomGrid {
  /** The instruction of the current episode. */
  instrs!: Instr;
  /** Its surface form (also the mission). */
  surface = "";
  /** max_steps was given, so it is not recomputed at reset. */
  readonly fixedMaxSteps: boolean;
  /** Levels may require moving objects out of the way (LevelGen sets this; validation uses it). */
  unblocking = false;
  /** How many generated levels were rejected (Python prints each one). */
  rejections = 0;
  /**
   * From the end of the recipe to the end of reset, while the grid cannot change: its objectCells,
   * so that the many description searches skip walls and empty cells. Undefined otherwise.
   */
  searchCells: number[] | undefined = undefined;
  /** Instructions succeed only on `done` (see {@link RoomGridLevelOptions.doneActions}). */
  readonly doneActions: boolean;

  constructor({ roomSize = 8, maxSteps, doneActions = false, ...rest }: RoomGridLevelOptions = {}) {
    super({ ...rest, roomSize, maxSteps: maxSteps ?? 0 });
    this.fixedMaxSteps = maxSteps != null;
    this.doneActions = doneActions;
  }

  /** Each level's recipe: place rooms' doors, objects and the agent, and set `this.instrs`. */
  protected abstract genMission(): void;

  protected override genGrid(width: number, height: number): void {
    for (;;) {
      this.searchCells = undefined;
      try {
        super.genGrid(width, height);
        this.genMission();
        this.searchCells ??= objectCells(this.grid);
        this.validateInstrs(this.instrs);
      } catch (e) {
        this.searchCells = undefined;
        if (e instanceof RejectSampling || e instanceof PlacementError) {
          this.rejections++;
          continue;
        }
        throw e;
      }
      break;
    }
    this.surface = this.instrs.surface(this);
    this.mission = this.surface;
  }

  override reset(options: { seed?: Seed | null } = {}): ResetResult {
    let result: ResetResult;
    try {
      result = super.reset(options);
      this.instrs.resetVerifier(this);
    } finally {
      this.searchCells = undefined;
    }
    const navTimeRoom = this.roomSize ** 2;
    const navTimeMaze = navTimeRoom * this.numRows * this.numCols;
    const numNavs = this.numNavsNeeded(this.instrs);
    if (!this.fixedMaxSteps) this.maxSteps = numNavs * navTimeMaze;
    return result;
  }

  override step(action: number): StepResult {
    const result = super.step(action);
    // A dropped object has moved: the verifier tracks it by position.
    if (action === Actions.drop) this.updateObjsPoss();
    const status = this.instrs.verify(action);
    if (status === "success") {
      result.terminated = true;
      result.reward = this.reward();
    } else if (status === "failure") {
      result.terminated = true;
      result.reward = 0;
    }
    return result;
  }

  /** Refresh the positions of the objects an instruction tracks. */
  updateObjsPoss(instr: Instr = this.instrs): void {
    if (instr instanceof SeqInstr) {
      this.updateObjsPoss(instr.instrA);
      this.updateObjsPoss(instr.instrB);
    } else if (instr instanceof ActionInstr) {
      instr.updateObjsPoss();
    }
  }

  /** Reject instructions that are trivially done or, with unblocking, involve a door's key. */
  validateInstrs(instr: Instr): void {
    this.validate(instr, this.unblocking ? this.lockedDoorColors() : []);
  }

  private validate(instr: Instr, lockedColors: readonly string[]): void {
    if (instr instanceof PutNextInstr) {
      instr.resetVerifier(this);
      const move = instr.descMove.objSet;
      const fixed = instr.descFixed.objSet;
      if (move.some((o) => fixed.includes(o))) {
        throw new RejectSampling("there are objects that match both lhs and rhs of PutNext");
      }
      if (instr.objsNext()) throw new RejectSampling("objs already next to each other");
      if (move.length === 1 && fixed.length === 1 && move[0] === fixed[0]) {
        throw new RejectSampling("cannot move an object next to itself");
      }
    }

    if (instr instanceof ActionInstr) {
      if (!this.unblocking) return;
      // With unblocking, no clause may be about a key that opens a locked door.
      for (const desc of instr.descs()) {
        if (desc.type === "key" && desc.color !== null && lockedColors.includes(desc.color)) {
          throw new RejectSampling("cannot do anything with/to a key that can be used to open a door");
        }
      }
      return;
    }

    if (instr instanceof SeqInstr) {
      this.validate(instr.instrA, lockedColors);
      this.validate(instr.instrB, lockedColors);
      return;
    }
    throw new Error("unhandled instruction type");
  }

  /** The colours of the locked doors (each door once per room it borders). */
  private lockedDoorColors(): string[] {
    const colors: string[] = [];
    for (let i = 0; i < this.numCols; i++) {
      for (let j = 0; j < this.numRows; j++) {
        for (const door of this.getRoom(i, j).doors) if (door instanceof Door && door.isLocked) colors.push(door.color);
      }
    }
    return colors;
  }

  /** Navigations an instruction needs: 2 for put-next, 1 for other clauses, summed over sequences. */
  numNavsNeeded(instr: Instr): number {
    if (instr instanceof PutNextInstr) return 2;
    if (instr instanceof ActionInstr) return 1;
    if (instr instanceof SeqInstr) return this.numNavsNeeded(instr.instrA) + this.numNavsNeeded(instr.instrB);
    throw new Error("instr needs to be an instance of PutNextInstr, ActionInstr, or SeqInstr");
  }

  /** Open every door of the maze. */
  openAllDoors(): void {
    for (let i = 0; i < this.numCols; i++) {
      for (let j = 0; j < this.numRows; j++) {
        for (const door of this.getRoom(i, j).doors) if (door instanceof Door) door.isOpen = true;
      }
    }
  }

  /**
   * Whether every object can be reached from the agent's cell without moving another object
   * (doors, even locked ones, let the search through). Throws RejectSampling unless raiseExc is false.
   */
  checkObjsReachable(raiseExc = true): boolean {
    const W = this.grid.width;
    const H = this.grid.height;
    const n = W * H;
    if (this.reachBuf.length < n) {
      this.reachBuf = new Uint8Array(n);
      this.stackBuf = new Int32Array(n);
    }
    const reachable = this.reachBuf;
    // Pending cell indices; a cell is marked when first seen, so it is pushed once.
    const stack = this.stackBuf;
    // Cell types come from the grid's codes (type index per cell), not from the objects.
    const codes = this.grid.codes;
    // When no cell of the left and right columns lets the search through (true of every room grid),
    // a cell it expands is never at a row's end, so k ± 1 needs no column check (saves a k mod W).
    const sealed = sidesSealed(codes, W, H);
    reachable.fill(0, 0, n);
    let sp = 0;
    const ax = this.agentPos[0];
    const ay = this.agentPos[1];
    if (ax >= 0 && ax < W && ay >= 0 && ay < H) {
      reachable[ay * W + ax] = 1;
      stack[sp++] = ay * W + ax;
    }
    // Objects (anything but empty and wall cells) not reached yet: each cell is popped once, so the
    // search can stop as soon as the last one is popped.
    let unreached = this.grid.objectCount;
    if (unreached === 0) return true;
    while (sp > 0) {
      const k = stack[--sp]!;
      const t = codes[2 * k];
      if (t !== EMPTY && t !== WALL && --unreached === 0) return true;
      // Anything but a door blocks the search (the object itself counts as reached).
      if (t !== EMPTY && t !== DOOR) continue;
      const x = sealed ? 1 : k % W; // with sealed sides, any inner column will do
      if (x + 1 < W && !reachable[k + 1]) {
        reachable[k + 1] = 1;
        stack[sp++] = k + 1;
      }
      if (x > 0 && !reachable[k - 1]) {
        reachable[k - 1] = 1;
        stack[sp++] = k - 1;
      }
      if (k + W < n && !reachable[k + W]) {
        reachable[k + W] = 1;
        stack[sp++] = k + W;
      }
      if (k >= W && !reachable[k - W]) {
        reachable[k - W] = 1;
        stack[sp++] = k - W;
      }
    }
    // Some object was not reached. Python's loop runs column by column: name the first one.
    if (!raiseExc) return false;
    for (let i = 0; i < W; i++) {
      for (let j = 0; j < H; j++) {
        const k = j * W + i;
        const t = codes[2 * k];
        if (t === EMPTY || t === WALL || reachable[k]) continue;
        throw new RejectSampling(`unreachable object at (${i}, ${j})`);
      }
    }
    return true;
  }

  // Scratch buffers of checkObjsReachable, reused across calls.
  private reachBuf = new Uint8Array(0);
  private stackBuf = new Int32Array(0);
}

/** Whether no cell of the grid's first and last columns is empty or a door (cells the search crosses). */
function sidesSealed(codes: Uint8Array, W: number, H: number): boolean {
  for (let j = 0; j < H; j++) {
    const l = codes[2 * j * W];
    const r = codes[2 * (j * W + W - 1)];
    if (l === EMPTY || l === DOOR || r === EMPTY || r === DOOR) return false;
  }
  return true;
}
