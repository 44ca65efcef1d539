/**
 * The BabyAI bot (minigrid/utils/baby_ai_bot.py, Minigrid 3.1.0): a scripted expert that keeps a
 * stack of subgoals built from the instruction and re-plans at every step.
 *
 * Ported to reproduce the Python bot action for action for the same seed, including its quirks:
 * - BFS (`_breadth_first_search`): FIFO over (cell, heading) states, neighbours in the order
 *   (d), (d swapped), (−d swapped), (−d); a cell counts as visited when first *dequeued*; the
 *   acceptance test runs before the visibility test. The blocker search restarts from every cell
 *   the plain search dequeued, in that order, each heading (1, 0).
 * - `_find_obj_pos` pairs `objSet[i]` with `objPoss[i]` by index, as Python does, even after a drop
 *   refreshed `objPoss` in scan order (Python then skips indices past the end: its IndexError).
 * - `replan(actionTaken)`: the top subgoal adjusts to the action taken, exploratory subgoals are
 *   dropped, then subgoals re-plan until one suggests an action (`done` when the stack is empty).
 * - Errors Python raises surface as `BotError` with Python's exception name (`AssertionError`, …).
 *   A re-planning loop that never ends in Python (a hang) is cut off and raised as kind `Timeout`.
 *
 * The agent attributes every Python subgoal copies at each replan (pos, dir_vec, fwd_cell, …) are
 * the env's current state, which nothing changes during a replan, so the bot reads them once per
 * replan. The bot's visibility mask is updated from the 7×7 view only.
 */
import { Actions, DIR_TO_VEC } from "../constants.js";
import type { Grid } from "../grid.js";
import { Door, WorldObj, type Point } from "../world-object.js";
import type { RoomGridLevel } from "./roomgrid-level.js";
import { AfterInstr, AndInstr, BeforeInstr, GoToInstr, ObjDesc, OpenInstr, PickupInstr, PutNextInstr, type Instr } from "./verifier.js";

/** An exception the Python bot would raise; `kind` is the Python exception class name. */
export class BotError extends Error {
  constructor(
    /** "AssertionError", "Timeout" (Python never returns), "DisappearedBoxError", "TypeError", "AttributeError". */
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = kind;
  }

  /** As the fixtures record it: `Kind: message`. */
  get pythonForm(): string {
    return `${this.kind}: ${this.message}`;
  }
}

/** Subgoal kinds, as labels. An exploratory go-next-to reports as "explore". */
export type SubgoalKind = "open" | "pickup" | "drop" | "close" | "go next to" | "explore";

/** A subgoal as seen from outside (e.g. for demonstration labels). */
export interface SubgoalInfo {
  kind: SubgoalKind;
  /** Python's subgoal class name. */
  cls: string;
  /** Python's `reason`: null, "Open", "PutNext", "Explore" (go next to); null, "Unlock", "KeepKey" (open). */
  reason: string | null;
  /** What it is about: a description ("red ball", "key", "door on your left"), an object ("blue door"), or null (a bare cell). */
  target: string | null;
  /** The target cell: the position gone next to, or the cell in front for open/close/pickup/drop. */
  pos: Point | null;
}

/** A go-next-to target: a description, an object (a door), or a cell (null: Python's None). */
export type GoNextToDatum = ObjDesc | WorldObj | Point | null;

/** Re-planning iterations within one `replan` after which the loop counts as endless (Python hangs). */
const REPLAN_LIMIT = 1000;

const LEFT = Actions.left;
const RIGHT = Actions.right;
const FORWARD = Actions.forward;
const PICKUP = Actions.pickup;
const DROP = Actions.drop;
const TOGGLE = Actions.toggle;
const DONE = Actions.done;

function assert(cond: unknown, message = ""): asserts cond {
  if (!cond) throw new BotError("AssertionError", message);
}

function isOpenDoor(cell: WorldObj | null): boolean {
  return cell !== null && cell.type === "door" && (cell as Door).isOpen;
}

function describeDesc(d: ObjDesc): string {
  let s: string = d.type ?? "object";
  if (d.color) s = d.color + " " + s;
  if (d.loc === "front") s += " in front of you";
  else if (d.loc === "behind") s += " behind you";
  else if (d.loc) s += " on your " + d.loc;
  return s;
}

function describeObj(o: WorldObj | null): string | null {
  return o === null ? null : `${o.color} ${o.type}`;
}

/** The base of every subgoal (Python's `Subgoal`). */
export abstract class Subgoal {
  abstract readonly kind: SubgoalKind;

  constructor(
    readonly bot: BabyAIBot,
    readonly datum: GoNextToDatum = null,
    readonly reason: string | null = null,
  ) {}

  /** A suggested action, or null when the stack was changed and re-planning must go on. */
  abstract replanBeforeAction(): number | null;

  /** Adjust the plan to the action actually taken (null: the suggested one). */
  replanAfterAction(_actionTaken: number | null): void {}

  /** Exploratory subgoals are dropped from the stack at every replan. */
  isExploratory(): boolean {
    return false;
  }

  /** Python's repr, e.g. `(GoNextToSubgoal: red ball None, reason: PutNext)`. */
  toString(): string {
    let s = "(" + this.constructor.name;
    const d = this.datum;
    if (d !== null) {
      s += ": " + (d instanceof ObjDesc ? d.toString() : d instanceof WorldObj ? `${d.color} ${d.type}` : `(${d[0]}, ${d[1]})`);
    }
    if (this.reason !== null) s += ", reason: " + this.reason;
    return s + ")";
  }

  /** Plan how to undo an action the agent took instead of the suggested one. */
  protected planUndoAction(actionTaken: number | null): void {
    const b = this.bot;
    const stack = b.stack;
    if (b.prevAgentPos === null && (actionTaken === FORWARD || actionTaken === DROP || actionTaken === PICKUP)) {
      // Python reads attributes that only the first replan sets.
      throw new BotError("AttributeError", "'BabyAIBot' object has no attribute 'prev_agent_pos'");
    }
    if (actionTaken === FORWARD) {
      // Only if the forward move happened.
      if (b.prevAgentPos![0] !== b.px || b.prevAgentPos![1] !== b.py) {
        stack.push(new GoNextToSubgoal(b, [b.px, b.py]));
      }
    } else if (actionTaken === LEFT) {
      stack.push(new GoNextToSubgoal(b, [b.px + b.rx, b.py + b.ry]));
    } else if (actionTaken === RIGHT) {
      stack.push(new GoNextToSubgoal(b, [b.px - b.rx, b.py - b.ry]));
    } else if (actionTaken === DROP && b.prevCarrying !== b.carrying) {
      // Get that thing back, if dropping was successful.
      const t = b.fwdCell?.type;
      assert(t === "key" || t === "box" || t === "ball");
      stack.push(new PickupSubgoal(b));
    } else if (actionTaken === PICKUP && b.prevCarrying !== b.carrying) {
      // Drop that thing where it was found.
      stack.push(new DropSubgoal(b));
    } else if (actionTaken === TOGGLE) {
      // A door opened or closed: bring it back to its original state.
      const fwd = b.fwdCell;
      if (fwd !== null && fwd.type === "door") {
        if (b.fwdDoorWasOpen === undefined) {
          throw new BotError("AttributeError", "'BabyAIBot' object has no attribute 'fwd_door_was_open'");
        }
        if (b.fwdDoorWasOpen !== (fwd as Door).isOpen) {
          stack.push((fwd as Door).isOpen ? new CloseSubgoal(b) : new OpenSubgoal(b));
        }
      }
    }
  }
}

export class CloseSubgoal extends Subgoal {
  readonly kind = "close" as const;

  replanBeforeAction(): number | null {
    const fwd = this.bot.fwdCell;
    assert(fwd !== null, "Forward cell is empty");
    assert(fwd.type === "door", "Forward cell has to be a door");
    assert((fwd as Door).isOpen, "Forward door must be open");
    return TOGGLE;
  }

  override replanAfterAction(actionTaken: number | null): void {
    if (actionTaken === null || actionTaken === TOGGLE) this.bot.stack.pop();
    else if (actionTaken === FORWARD || actionTaken === LEFT || actionTaken === RIGHT) this.planUndoAction(actionTaken);
  }
}

/**
 * Open the door in front. Reason null, "Unlock" (after opening, drop the key somewhere) or
 * "KeepKey" (keep the key).
 */
export class OpenSubgoal extends Subgoal {
  readonly kind = "open" as const;

  constructor(bot: BabyAIBot, reason: string | null = null) {
    super(bot, null, reason);
  }

  replanBeforeAction(): number | null {
    const b = this.bot;
    const stack = b.stack;
    const fwd = b.fwdCell;
    assert(fwd !== null, "Forward cell is empty");
    assert(fwd.type === "door", "Forward cell has to be a door");
    const door = fwd as Door;
    const carrying = b.carrying;
    const gotTheKey = carrying !== null && carrying.type === "key" && carrying.color === door.color;
    if (door.isLocked && !gotTheKey) {
      // Go and find the key, then come back.
      const keyDesc = new ObjDesc("key", door.color);
      keyDesc.findMatchingObjs(b.env);
      const fwdPos: Point = [b.fx, b.fy];
      stack.pop();
      if (carrying !== null) {
        // Find a place to drop what we carry.
        const dropPosCur = b.findDropPos();
        // Take back the object being carried.
        stack.push(new PickupSubgoal(b));
        stack.push(new GoNextToSubgoal(b, dropPosCur));
        // Go back to the door and open it.
        stack.push(new OpenSubgoal(b));
        stack.push(new GoNextToSubgoal(b, fwdPos));
        // Go to the key and pick it up.
        stack.push(new PickupSubgoal(b));
        stack.push(new GoNextToSubgoal(b, keyDesc));
        // Drop the object being carried.
        stack.push(new DropSubgoal(b));
        stack.push(new GoNextToSubgoal(b, dropPosCur));
      } else {
        stack.push(new OpenSubgoal(b));
        stack.push(new GoNextToSubgoal(b, fwdPos));
        stack.push(new PickupSubgoal(b));
        stack.push(new GoNextToSubgoal(b, keyDesc));
      }
      return null;
    }
    if (door.isOpen) {
      stack.push(new CloseSubgoal(b));
      return null;
    }
    if (door.isLocked && this.reason === null) {
      stack.pop();
      stack.push(new OpenSubgoal(b, "Unlock"));
      return null;
    }
    return TOGGLE;
  }

  override replanAfterAction(actionTaken: number | null): void {
    const b = this.bot;
    if (actionTaken === null || actionTaken === TOGGLE) {
      b.stack.pop();
      if (this.reason === "Unlock") {
        // The drop cell is chosen after opening: chosen earlier, it might be taken by then.
        const dropKeyPos = b.findDropPos();
        b.stack.push(new DropSubgoal(b));
        b.stack.push(new GoNextToSubgoal(b, dropKeyPos));
      }
    } else {
      this.planUndoAction(actionTaken);
    }
  }
}

export class DropSubgoal extends Subgoal {
  readonly kind = "drop" as const;

  replanBeforeAction(): number | null {
    assert(this.bot.carrying !== null);
    assert(this.bot.fwdCell === null);
    return DROP;
  }

  override replanAfterAction(actionTaken: number | null): void {
    if (actionTaken === null || actionTaken === DROP) this.bot.stack.pop();
    else if (actionTaken === FORWARD || actionTaken === LEFT || actionTaken === RIGHT) this.planUndoAction(actionTaken);
  }
}

export class PickupSubgoal extends Subgoal {
  readonly kind = "pickup" as const;

  replanBeforeAction(): number | null {
    assert(this.bot.carrying === null);
    return PICKUP;
  }

  override replanAfterAction(actionTaken: number | null): void {
    if (actionTaken === null || actionTaken === PICKUP) this.bot.stack.pop();
    else if (actionTaken === LEFT || actionTaken === RIGHT) this.planUndoAction(actionTaken);
  }
}

/**
 * Go next to (face) a cell, an object, or the closest visible object matching a description.
 * Reason null (face it), "PutNext" (face an empty cell next to it), "Open" (a door to open: go
 * for its key first if it is locked and nothing is carried), "Explore" (exploratory).
 */
export class GoNextToSubgoal extends Subgoal {
  readonly kind = "go next to" as const;
  /** The target cell resolved at the last re-plan (for descriptions: the chosen object's cell). */
  lastTarget: Point | null = null;
  /** The object chosen for a description at the last re-plan. */
  lastTargetObj: WorldObj | null = null;

  constructor(bot: BabyAIBot, datum: GoNextToDatum, reason: string | null = null) {
    super(bot, datum, reason);
  }

  replanBeforeAction(): number | null {
    const b = this.bot;
    const stack = b.stack;
    const grid = b.env.grid;
    const datum = this.datum;
    let targetObj: WorldObj | null = null;
    let tx: number;
    let ty: number;
    if (datum instanceof ObjDesc) {
      const [obj, pos] = b.findObjPos(datum, this.reason === "PutNext");
      if (pos === null) {
        // No path found: explore the world.
        stack.push(new ExploreSubgoal(b));
        return null;
      }
      targetObj = obj;
      [tx, ty] = pos;
    } else if (datum instanceof WorldObj) {
      targetObj = datum;
      if (datum.curPos === null) throw new BotError("TypeError", "'NoneType' object is not iterable");
      [tx, ty] = datum.curPos;
    } else {
      if (datum === null) throw new BotError("TypeError", "'NoneType' object is not iterable");
      [tx, ty] = datum;
    }
    this.lastTarget = [tx, ty];
    this.lastTargetObj = targetObj;

    // Walking to a locked door to open it without carrying anything: fetch its key first.
    if (this.reason === "Open" && targetObj !== null && targetObj.type === "door" && (targetObj as Door).isLocked) {
      const keyDesc = new ObjDesc("key", targetObj.color);
      keyDesc.findMatchingObjs(b.env);
      if (b.carrying === null) {
        // Commit to this particular door.
        stack.pop();
        stack.push(new GoNextToSubgoal(b, targetObj, "Open"));
        stack.push(new PickupSubgoal(b));
        stack.push(new GoNextToSubgoal(b, keyDesc));
        return null;
      }
    }

    const px = b.px;
    const py = b.py;
    // Standing on the cell to go next to: move away from it.
    if (Math.abs(tx - px) + Math.abs(ty - py) === (this.reason === "PutNext" ? 1 : 0)) {
      const steppable = (cell: WorldObj | null): boolean => cell === null || isOpenDoor(cell);
      if (steppable(b.fwdCell)) return FORWARD;
      if (steppable(grid.get(px + b.rx, py + b.ry))) return RIGHT;
      if (steppable(grid.get(px - b.rx, py - b.ry))) return LEFT;
      // Spin and hope for the best.
      return LEFT;
    }

    // Facing the target cell: done.
    if (this.reason === "PutNext") {
      if (Math.abs(tx - b.fx) + Math.abs(ty - b.fy) === 1) {
        if (b.fwdCell === null) {
          stack.pop();
          return null;
        }
        if (isOpenDoor(b.fwdCell)) {
          // Nothing can be dropped in a doorway: move the target object instead.
          stack.push(new GoNextToSubgoal(b, [b.fx + 2 * b.dx, b.fy + 2 * b.dy]));
          return null;
        }
      }
    } else if (tx === b.fx && ty === b.fy) {
      stack.pop();
      return null;
    }

    // Still far: a path without blockers, else one with blockers, else explore.
    const W = grid.width;
    const targetK = ty * W + tx;
    const accept = (k: number): boolean => k === targetK;
    let path = b.shortestPath(accept).path;
    if (path === null || path.length === 0) path = b.shortestPath(accept, true).path;
    if (path === null || path.length === 0) {
      stack.push(new ExploreSubgoal(b));
      return null;
    }

    const next = path[0]!;
    const nx = next % W;
    const ny = (next - nx) / W;
    if (nx === b.fx && ny === b.fy) {
      const fwd = b.fwdCell;
      if (fwd !== null) {
        if (fwd.type === "door") {
          assert(!(fwd as Door).isLocked);
          if (!(fwd as Door).isOpen) {
            stack.push(new OpenSubgoal(b));
            return null;
          }
          return FORWARD;
        }
        // Something is in the way: move it.
        const fwdPos: Point = [b.fx, b.fy];
        if (b.carrying !== null) {
          const dropPosCur = b.findDropPos();
          const dropPosBlock = b.findDropPos(dropPosCur);
          // Take back the object being carried.
          stack.push(new PickupSubgoal(b));
          stack.push(new GoNextToSubgoal(b, dropPosCur));
          // Pick up the blocking object and drop it.
          stack.push(new DropSubgoal(b));
          stack.push(new GoNextToSubgoal(b, dropPosBlock));
          stack.push(new PickupSubgoal(b));
          stack.push(new GoNextToSubgoal(b, fwdPos));
          // Drop the object being carried.
          stack.push(new DropSubgoal(b));
          stack.push(new GoNextToSubgoal(b, dropPosCur));
        } else {
          const dropPos = b.findDropPos();
          stack.push(new DropSubgoal(b));
          stack.push(new GoNextToSubgoal(b, dropPos));
          stack.push(new PickupSubgoal(b));
        }
        return null;
      }
      return FORWARD;
    }

    // Turn towards the next cell.
    const ddx = nx - px;
    const ddy = ny - py;
    if (ddx === b.rx && ddy === b.ry) return RIGHT;
    if (ddx === -b.rx && ddy === -b.ry) return LEFT;

    // The next cell is behind: turn to the side whose closest wall or door is furthest.
    const distanceRight = b.closestWallOrDoorGivenDir(px, py, b.rx, b.ry);
    const distanceLeft = b.closestWallOrDoorGivenDir(px, py, -b.rx, -b.ry);
    if (distanceLeft > distanceRight) return LEFT;
    return RIGHT;
  }

  override replanAfterAction(actionTaken: number | null): void {
    if (actionTaken === PICKUP || actionTaken === DROP || actionTaken === TOGGLE) this.planUndoAction(actionTaken);
  }

  override isExploratory(): boolean {
    return this.reason === "Explore";
  }
}

/** Go and look at the closest unseen cell, else open the closest closed door. */
export class ExploreSubgoal extends Subgoal {
  readonly kind = "explore" as const;

  replanBeforeAction(): number | null {
    const b = this.bot;
    const vis = b.visMask;
    const unseen = b.shortestPath((k) => !vis[k], true).finish;
    if (unseen !== null) {
      const W = b.env.grid.width;
      const ux = unseen % W;
      b.stack.push(new GoNextToSubgoal(b, [ux, (unseen - ux) / W], "Explore"));
      return null;
    }
    // Prefer an unlocked door: opening a locked one for exploration could loop for ever.
    const unlockedClosed = (_k: number, cell: WorldObj | null): boolean =>
      cell !== null && cell.type === "door" && !(cell as Door).isLocked && !(cell as Door).isOpen;
    const closed = (_k: number, cell: WorldObj | null): boolean => cell !== null && cell.type === "door" && !(cell as Door).isOpen;
    let doorK = b.shortestPath(unlockedClosed, true).finish;
    if (doorK === null) doorK = b.shortestPath(closed, true).finish;
    if (doorK !== null) {
      const door = b.env.grid.cells[doorK] as Door;
      // Going to a locked door with its key in hand: keep the key.
      const c = b.carrying;
      const gotTheKey = c !== null && c.type === "key" && c.color === door.color;
      const openReason = door.isLocked && gotTheKey ? "KeepKey" : null;
      b.stack.pop();
      b.stack.push(new OpenSubgoal(b, openReason));
      b.stack.push(new GoNextToSubgoal(b, door, "Open"));
      return null;
    }
    assert(false, "0nothing left to explore");
  }

  override isExploratory(): boolean {
    return true;
  }
}

/** Result of a shortest-path search: cells as indices y·width + x. */
export interface PathResult {
  /** The cells to walk through, the start excluded (possibly empty); null when none was found. */
  path: number[] | null;
  /** The accepted cell, or null. */
  finish: number | null;
  /** Whether the search had to go through blockers. */
  withBlockers: boolean;
}

type AcceptFn = (k: number, cell: WorldObj | null) => boolean;

/**
 * The BabyAI bot. Create it right after `reset`, then at each step call
 * `action = bot.replan(lastAction)` and `env.step(action)`.
 */
export class BabyAIBot {
  /** The subgoal stack (top = last). */
  readonly stack: Subgoal[] = [];
  /** Cells the agent has seen, indexed y·width + x. */
  readonly visMask: Uint8Array;
  /** How many BFS searches ran, and how many cells they dequeued (Python's counters). */
  bfsCounter = 0;
  bfsStepCounter = 0;
  /** Re-planning iterations of the last `replan` call (subgoals asked for an action). */
  lastReplanIterations = 0;

  // The agent's state for the current replan (Python's per-subgoal copies of it).
  /** @internal */ px = 0;
  /** @internal */ py = 0;
  /** @internal */ dx = 0;
  /** @internal */ dy = 0;
  /** @internal */ rx = 0;
  /** @internal */ ry = 0;
  /** @internal */ fx = 0;
  /** @internal */ fy = 0;
  /** @internal */ fwdCell: WorldObj | null = null;
  /** @internal */ carrying: WorldObj | null = null;

  // What `_remember_current_state` keeps between replans.
  /** @internal */ prevAgentPos: Point | null = null;
  /** @internal */ prevCarrying: WorldObj | null = null;
  /** @internal */ fwdDoorWasOpen: boolean | undefined = undefined;
  /** @internal */ prevFwdCell: WorldObj | null | undefined = undefined;
  private prevFwdPos: Point | null = null;

  // BFS scratch: prev cell per cell (−2 unvisited, −1 a start), dequeue order, the (cell, heading) queue.
  private readonly prev1: Int32Array;
  private readonly prev2: Int32Array;
  private readonly order1: Int32Array;
  private order1Len = 0;
  private queue: Int32Array;

  constructor(readonly env: RoomGridLevel) {
    const n = env.width * env.height;
    this.visMask = new Uint8Array(n);
    this.prev1 = new Int32Array(n);
    this.prev2 = new Int32Array(n);
    this.order1 = new Int32Array(n);
    this.queue = new Int32Array(10 * n + 16);
    this.readAgent();
    this.processInstr(env.instrs);
  }

  /**
   * Re-plan and suggest an action. `actionTaken`: the action taken since the last call (null: the
   * suggested one, or the first call). Returns `done` when the bot thinks the mission is complete.
   */
  replan(actionTaken: number | null = null): number {
    this.processObs();
    this.checkErroneousBoxOpening(actionTaken);
    this.readAgent();
    const stack = this.stack;
    if (stack.length > 0) stack[stack.length - 1]!.replanAfterAction(actionTaken);
    // Drop the non-essential subgoals.
    while (stack.length > 0 && stack[stack.length - 1]!.isExploratory()) stack.pop();
    let suggested: number | null = null;
    let iterations = 0;
    while (stack.length > 0) {
      if (++iterations > REPLAN_LIMIT) {
        throw new BotError("Timeout", `bot.replan did not return (endless re-planning loop, stack depth ${stack.length})`);
      }
      suggested = stack[stack.length - 1]!.replanBeforeAction();
      if (suggested !== null) break;
    }
    if (stack.length === 0) suggested = DONE;
    this.lastReplanIterations = iterations;
    this.rememberCurrentState();
    return suggested!;
  }

  /** The subgoal behind the last suggested action (the top of the stack), or null when it is empty. */
  currentSubgoal(): SubgoalInfo | null {
    const top = this.stack[this.stack.length - 1];
    return top === undefined ? null : this.subgoalInfo(top, true);
  }

  /**
   * The whole stack, bottom first. Open/close/pickup/drop subgoals below the top have no cell yet
   * (they act on whatever is in front when their turn comes): their target and pos are null.
   */
  stackInfo(): SubgoalInfo[] {
    const n = this.stack.length;
    return this.stack.map((s, i) => this.subgoalInfo(s, i === n - 1));
  }

  /** The stack as Python prints it: `[(DropSubgoal), (GoNextToSubgoal: red ball None)]`. */
  stackRepr(): string {
    return "[" + this.stack.map((s) => s.toString()).join(", ") + "]";
  }

  private subgoalInfo(s: Subgoal, isTop: boolean): SubgoalInfo {
    const cls = s.constructor.name;
    if (s instanceof GoNextToSubgoal) {
      const d = s.datum;
      const target =
        d instanceof ObjDesc ? describeDesc(d) : d instanceof WorldObj ? describeObj(d) : null;
      const pos: Point | null = s.lastTarget
        ? [s.lastTarget[0], s.lastTarget[1]]
        : d instanceof WorldObj
          ? d.curPos && [d.curPos[0], d.curPos[1]]
          : Array.isArray(d)
            ? [d[0], d[1]]
            : null;
      return { kind: s.isExploratory() ? "explore" : "go next to", cls, reason: s.reason, target, pos };
    }
    if (s instanceof ExploreSubgoal) return { kind: "explore", cls, reason: null, target: null, pos: null };
    // Open, close, pickup and drop act on the cell in front when the action was chosen.
    if (!isTop || this.prevFwdPos === null) return { kind: s.kind, cls, reason: s.reason, target: null, pos: null };
    const pos: Point = [this.prevFwdPos[0], this.prevFwdPos[1]];
    const obj = s instanceof DropSubgoal ? this.prevCarrying : (this.prevFwdCell ?? null);
    return { kind: s.kind, cls, reason: s.reason, target: describeObj(obj), pos };
  }

  // --- Python's private methods ---

  /** The agent's position, heading and surroundings, read once per replan. */
  private readAgent(): void {
    const env = this.env;
    const [dx, dy] = DIR_TO_VEC[env.agentDir]!;
    this.px = env.agentPos[0];
    this.py = env.agentPos[1];
    this.dx = dx;
    this.dy = dy;
    this.rx = -dy;
    this.ry = dx;
    this.fx = this.px + dx;
    this.fy = this.py + dy;
    this.fwdCell = env.grid.get(this.fx, this.fy);
    this.carrying = env.carrying;
  }

  /** Mark the cells of the current view as seen. */
  private processObs(): void {
    const env = this.env;
    const { size: s, mask } = env.genObsGrid();
    const [dx, dy] = DIR_TO_VEC[env.agentDir]!;
    const ax = env.agentPos[0];
    const ay = env.agentPos[1];
    const W = env.width;
    const H = env.height;
    const hs = s >> 1;
    const vis = this.visMask;
    for (let vj = 0; vj < s; vj++) {
      const f = s - 1 - vj;
      for (let vi = 0; vi < s; vi++) {
        if (!mask[vj * s + vi]) continue;
        const r = vi - hs;
        const x = ax + dx * f - dy * r;
        const y = ay + dy * f + dx * r;
        if (x < 0 || x >= W || y < 0 || y >= H) continue;
        vis[y * W + x] = 1;
      }
    }
  }

  private checkErroneousBoxOpening(action: number | null): void {
    if (action !== TOGGLE) return;
    if (this.prevFwdCell === undefined) throw new BotError("AttributeError", "'BabyAIBot' object has no attribute 'prev_fwd_cell'");
    if (this.prevFwdCell !== null && this.prevFwdCell.type === "box") {
      throw new BotError("DisappearedBoxError", "'A box was opened. I am not sure I can help now.'");
    }
  }

  private rememberCurrentState(): void {
    const env = this.env;
    this.prevAgentPos = [env.agentPos[0], env.agentPos[1]];
    this.prevCarrying = env.carrying;
    const [dx, dy] = DIR_TO_VEC[env.agentDir]!;
    const fx = env.agentPos[0] + dx;
    const fy = env.agentPos[1] + dy;
    const fwd = env.grid.get(fx, fy);
    if (fwd !== null && fwd.type === "door") this.fwdDoorWasOpen = (fwd as Door).isOpen;
    this.prevFwdCell = fwd;
    this.prevFwdPos = [fx, fy];
  }

  /** Translate the instruction into subgoals. */
  private processInstr(instr: Instr): void {
    const stack = this.stack;
    if (instr instanceof GoToInstr) {
      stack.push(new GoNextToSubgoal(this, instr.desc));
      return;
    }
    if (instr instanceof OpenInstr) {
      stack.push(new OpenSubgoal(this));
      stack.push(new GoNextToSubgoal(this, instr.desc, "Open"));
      return;
    }
    if (instr instanceof PickupInstr) {
      // Pick up and drop right away, so that other objects can be carried.
      stack.push(new DropSubgoal(this));
      stack.push(new PickupSubgoal(this));
      stack.push(new GoNextToSubgoal(this, instr.desc));
      return;
    }
    if (instr instanceof PutNextInstr) {
      stack.push(new DropSubgoal(this));
      stack.push(new GoNextToSubgoal(this, instr.descFixed, "PutNext"));
      stack.push(new PickupSubgoal(this));
      stack.push(new GoNextToSubgoal(this, instr.descMove));
      return;
    }
    if (instr instanceof BeforeInstr || instr instanceof AndInstr) {
      this.processInstr(instr.instrB);
      this.processInstr(instr.instrA);
      return;
    }
    if (instr instanceof AfterInstr) {
      this.processInstr(instr.instrA);
      this.processInstr(instr.instrB);
      return;
    }
    assert(false, "unknown instruction type");
  }

  /** The closest visible object matching a description (not the one carried), and its cell. */
  findObjPos(desc: ObjDesc, adjacent = false): [WorldObj | null, Point | null] {
    assert(desc.objSet.length > 0);
    const W = this.env.grid.width;
    const carrying = this.env.carrying;
    let bestDistance = 999;
    let bestPos: Point | null = null;
    let bestObj: WorldObj | null = null;
    const objSet = desc.objSet;
    const objPoss = desc.objPoss;
    for (let i = 0; i < objSet.length; i++) {
      const obj = objSet[i]!;
      if (obj.type === "wall") continue;
      if (obj === carrying) continue;
      // objPoss may be shorter than objSet (a tracked object is held): Python's IndexError, skipped.
      if (i >= objPoss.length) continue;
      const objPos = objPoss[i]!;
      const objK = objPos[1] * W + objPos[0];
      if (!this.visMask[objK]) continue;
      const { path, withBlockers } = this.shortestPath((k) => k === objK, true);
      assert(path !== null);
      let distance = path.length;
      // With blockers, add a lower bound on the steps to clear the way.
      if (withBlockers) distance = path.length + (carrying ? 7 : 4);
      // Standing on the object's cell (a door) costs at least 2 steps (3 if adjacent).
      if (distance === 0) distance = adjacent ? 3 : 2;
      // Already next to it when a cell next to it is wanted: no better than distance 2.
      if (adjacent && distance === 1) distance = 3;
      if (distance < bestDistance) {
        bestDistance = distance;
        bestPos = objPos;
        bestObj = obj;
      }
    }
    return [bestObj, bestPos];
  }

  /** Python's `_closest_wall_or_door_given_dir`: steps to the first wall or door, within the view. */
  closestWallOrDoorGivenDir(x: number, y: number, dx: number, dy: number): number {
    const env = this.env;
    for (let distance = 1; ; distance++) {
      const tx = x + distance * dx;
      const ty = y + distance * dy;
      if (!env.inView(tx, ty)) return distance - 1;
      const cell = this.gridGet(tx, ty);
      if (cell !== null && (cell.type === "door" || cell.type === "wall")) return distance;
    }
  }

  private gridGet(x: number, y: number): WorldObj | null {
    const grid = this.env.grid;
    assert(x >= 0 && x < grid.width && y >= 0 && y < grid.height);
    return grid.cells[y * grid.width + x]!;
  }

  /**
   * Python's `_breadth_first_search`. States are (cell, heading); the queue holds cell·4 + heading
   * index and the cell it came from. Fills `prev` (−2 unvisited, −1 a start); returns the accepted
   * cell or −1.
   */
  private bfs(starts: ArrayLike<number>, nStarts: number, startDir: number, accept: AcceptFn, ignoreBlockers: boolean, prev: Int32Array, record: boolean): number {
    this.bfsCounter++;
    const grid: Grid = this.env.grid;
    const W = grid.width;
    const H = grid.height;
    const cells = grid.cells;
    const vis = this.visMask;
    prev.fill(-2);
    let queue = this.queue;
    let head = 0;
    let tail = 0;
    for (let s = 0; s < nStarts; s++) {
      queue[tail++] = starts[s]! * 4 + (startDir < 0 ? this.env.agentDir : startDir);
      queue[tail++] = -1;
    }
    let orderLen = 0;
    while (head < tail) {
      const state = queue[head++]!;
      const from = queue[head++]!;
      // A cell outside the grid: Python's grid.get fails on it.
      if (state < 0) assert(false);
      const k = state >> 2;
      if (prev[k] !== -2) continue;
      this.bfsStepCounter++;
      const x = k % W;
      const y = (k - x) / W;
      const cell = cells[k]!;
      prev[k] = from;
      if (record) this.order1[orderLen++] = k;
      if (accept(k, cell)) {
        if (record) this.order1Len = orderLen;
        return k;
      }
      // Unseen cells are not expanded.
      if (!vis[k]) continue;
      if (cell !== null) {
        if (cell.type === "wall") continue;
        if (cell.type === "door") {
          if (!(cell as Door).isOpen) continue;
        } else if (!ignoreBlockers) continue;
      }
      // Cells reachable without turning go first: (d), (d swapped), (−d swapped), (−d).
      const d = state & 3;
      if (tail + 8 > queue.length) {
        const bigger = new Int32Array(queue.length * 2);
        bigger.set(queue);
        this.queue = queue = bigger;
      }
      const nb = NEIGHBOURS[d]!;
      for (let t = 0; t < 4; t++) {
        const nd = nb[t]!;
        const v = DIR_TO_VEC[nd]!;
        const nx = x + v[0];
        const ny = y + v[1];
        // Python would fail on the out-of-grid cell when it is dequeued; encode it so it does here.
        queue[tail++] = nx >= 0 && nx < W && ny >= 0 && ny < H ? (ny * W + nx) * 4 + nd : OUTSIDE;
        queue[tail++] = k;
      }
    }
    if (record) this.order1Len = orderLen;
    return -1;
  }

  /**
   * Python's `_shortest_path`: the path to the closest cell accepted by `accept`, preferring paths
   * that avoid blockers for as long as possible (with `tryWithBlockers`).
   */
  shortestPath(accept: AcceptFn, tryWithBlockers = false): PathResult {
    const env = this.env;
    const W = env.grid.width;
    const start = env.agentPos[1] * W + env.agentPos[0];
    const prev1 = this.prev1;
    const prev2 = this.prev2;
    let finish = this.bfs([start], 1, -1, accept, false, prev1, true);
    let withBlockers = false;
    let rev: number[] | null = null;
    if (finish >= 0) {
      rev = [];
      for (let k = finish; k !== -1; k = prev1[k]!) rev.push(k);
    } else if (tryWithBlockers) {
      withBlockers = true;
      finish = this.bfs(this.order1, this.order1Len, 0, accept, true, prev2, false);
      if (finish >= 0) {
        rev = [];
        let k = finish;
        for (; prev2[k] !== -1; k = prev2[k]!) rev.push(k);
        // k is the start cell of the blocker search: continue with the plain search's path to it.
        for (; k !== -1; k = prev1[k]!) rev.push(k);
      }
    }
    if (rev === null) return { path: null, finish: null, withBlockers };
    // Reverse and drop the starting cell.
    const path: number[] = [];
    for (let t = rev.length - 2; t >= 0; t--) path.push(rev[t]!);
    return { path, finish, withBlockers };
  }

  /** A cell where an object can be dropped, ideally without blocking anything (null if none). */
  findDropPos(exceptPos: Point | null = null): Point | null {
    const env = this.env;
    const grid = env.grid;
    const W = grid.width;
    const cells = grid.cells;
    const vis = this.visMask;
    const agentK = env.agentPos[1] * W + env.agentPos[0];
    const exceptK = exceptPos === null ? -1 : exceptPos[1] * W + exceptPos[0];

    const matchUnblock: AcceptFn = (k, cell) => {
      // Dropping here must not disconnect the 8 cells around.
      if (k === agentK || k === exceptK) return false;
      if (!vis[k] || cell !== null) return false;
      const i = k % W;
      const j = (k - i) / W;
      // Classes: 0 empty (open doors, the agent's cell), 1 wall, 2 anything else (objects, unseen cells, exceptPos).
      const cls = CELL_CLASS;
      for (let t = 0; t < 8; t++) {
        const nk = (j + RING[t]![1]) * W + (i + RING[t]![0]);
        const nb = this.gridGet(i + RING[t]![0], j + RING[t]![1]);
        if (vis[nk] && nb !== null && nb.type === "wall") cls[t] = 1;
        else if (vis[nk] && (nb === null || isOpenDoor(nb) || nk === agentK) && nk !== exceptK) cls[t] = 0;
        else cls[t] = 2;
      }
      // The empty cells must be connected: count the empty/non-empty changes around the ring.
      let changes = 0;
      for (let t = 0; t < 8; t++) if ((cls[(t + 1) % 8] !== 0) !== (cls[t] !== 0)) changes++;
      // Every object cell needs an empty neighbour in the ring.
      for (let t = 0; t < 8; t++) {
        if (cls[t] === 2 && cls[(t + 7) % 8] !== 0 && cls[(t + 1) % 8] !== 0) return false;
      }
      return changes <= 2;
    };
    const matchEmpty: AcceptFn = (k) => {
      if (k === agentK || k === exceptK) return false;
      return Boolean(vis[k]) && cells[k] === null;
    };

    let k = this.shortestPath(matchUnblock).finish;
    if (k === null) k = this.shortestPath(matchEmpty).finish;
    if (k === null) k = this.shortestPath(matchUnblock, true).finish;
    if (k === null) k = this.shortestPath(matchEmpty, true).finish;
    if (k === null) return null;
    const x = k % W;
    return [x, (k - x) / W];
  }
}

/** A queued state for a cell outside the grid (dequeuing it fails, as Python's grid.get does). */
const OUTSIDE = -4;

/** Per heading index, the BFS neighbour headings: (d), (d swapped), (−d swapped), (−d). */
const NEIGHBOURS: number[][] = DIR_TO_VEC.map(([di, dj]) =>
  [
    [di, dj],
    [dj, di],
    [-dj, -di],
    [-di, -dj],
  ].map(([k, l]) => DIR_TO_VEC.findIndex((v) => v[0] === k && v[1] === l)),
);

/** The 8 cells around a cell, clockwise from the top-left (Python's order). */
const RING: readonly (readonly [number, number])[] = [
  [-1, -1],
  [0, -1],
  [1, -1],
  [1, 0],
  [1, 1],
  [0, 1],
  [-1, 1],
  [-1, 0],
];
const CELL_CLASS = new Int8Array(8);
