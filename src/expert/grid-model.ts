/**
 * The fast planning model: the world reduced to what can change. Walls, goals, lava and floor are a
 * static byte per cell; doors, keys, balls and boxes are a short list of objects. Cells are numbered
 * on the grid framed by one more ring of walls (so that no move needs a bounds check): cell =
 * (y + 1)·(width + 2) + x + 1. A state is one Uint16Array:
 *
 *     [agent cell, agent dir, carried object + 1 (0 = none), then per object: cell (0xFFFF = not on
 *      the grid: carried, or inside a box), state (doors: 0 open, 1 closed, 2 locked), then the
 *      rule's own slots, if it has any (a BabyAI sequence: whether its first clause is done)]
 *
 * `expand` replays MiniGridEnv.step's rules for the seven actions on this array (except closing an
 * open door, which is never optimal and is not generated; see `transition`), and the family's
 * `Rule` (rules.ts) adds what its step override adds (success by pickup, toggle, `done`, …). The
 * reference model (EnvModel, real `step()` on cloned envs) is the ground truth it is tested against,
 * and the expert checks every executed step against the model's prediction.
 */
import { DIR_TO_VEC, OBJECT_TO_IDX, type ActionIndex } from "../minigrid/constants.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import type { WorldObj } from "../minigrid/world-object.js";
import type { PlanningModel, Transition } from "./model.js";
import type { Rule } from "./rules.js";
import { PackedTable, type StateTable } from "./state-table.js";
import { NO_INTERACTION, SubgoalVerb, subgoalCode } from "./subgoal.js";

export const S_EMPTY = 0;
export const S_WALL = 1;
export const S_GOAL = 2;
export const S_LAVA = 3;
export const S_FLOOR = 4;

export const K_DOOR = 0;
export const K_KEY = 1;
export const K_BALL = 2;
export const K_BOX = 3;

export const NOWHERE = 0xffff;
/** Offsets into a state. */
export const CELL = 0;
export const DIR = 1;
export const CARRY = 2;
export const OBJ0 = 3;

const KIND_OF: Record<string, number> = { door: K_DOOR, key: K_KEY, ball: K_BALL, box: K_BOX };
const STATIC_OF: Record<string, number> = { wall: S_WALL, goal: S_GOAL, lava: S_LAVA, floor: S_FLOOR };

/** The expert has no planning model for this env. */
export class UnsupportedEnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedEnvError";
  }
}

export class GridModel implements PlanningModel<Uint16Array> {
  readonly name = "grid";
  /** The env's grid size. */
  readonly width: number;
  readonly height: number;
  /** Row stride of the framed grid (width + 2). */
  readonly stride: number;
  /** Per framed cell: S_EMPTY, S_WALL, S_GOAL, S_LAVA or S_FLOOR. */
  readonly statics: Uint8Array;
  /** Colour index of each static cell's object (goal colours, for subgoals). */
  readonly staticColor: Uint8Array;
  /** The env's dynamic objects; index i ↔ state slots OBJ0 + 2i, OBJ0 + 2i + 1. */
  readonly objs: WorldObj[] = [];
  readonly kind: number[] = [];
  /** For boxes: the index of the object inside, or −1. */
  readonly contents: number[] = [];
  readonly index = new Map<WorldObj, number>();
  /** Cell offsets of the four directions. */
  readonly step4: number[];
  private readonly rootState: Uint16Array;
  /** Cells of locked doors that no key in the world opens (walls for the heuristics). */
  readonly sealed: Uint8Array;
  /** Scratch: object index + 1 at each cell (0 = none); cleared after each expand. */
  private readonly occ: Int16Array;
  readonly rule: Rule;

  /** Index of the first rule slot (after the objects). */
  readonly slot0: number;

  /** `ruleSlots`: how many values of its own the rule keeps in each state (0 for most rules). */
  constructor(env: MiniGridEnv, makeRule: (m: GridModel, env: MiniGridEnv) => Rule, ruleSlots = 0) {
    this.width = env.width;
    this.height = env.height;
    this.stride = env.width + 2;
    const n = this.stride * (env.height + 2);
    this.statics = new Uint8Array(n).fill(S_WALL);
    this.staticColor = new Uint8Array(n);
    this.occ = new Int16Array(n);
    this.step4 = DIR_TO_VEC.map(([dx, dy]) => dy * this.stride + dx);
    const cells = env.grid.cells;
    const placed: [number, number][] = [];
    const add = (o: WorldObj): number => {
      const k = KIND_OF[o.type];
      if (k === undefined) throw new UnsupportedEnvError(`no planning model for a ${o.type} object`);
      const i = this.objs.length;
      this.objs.push(o);
      this.kind.push(k);
      this.contents.push(-1);
      this.index.set(o, i);
      if (o.contains) {
        if (k !== K_BOX) throw new UnsupportedEnvError(`a ${o.type} that contains an object`);
        this.contents[i] = add(o.contains);
      }
      return i;
    };
    for (let k = 0; k < cells.length; k++) {
      const c = this.cellOfIndex(k);
      const o = cells[k];
      if (!o) {
        this.statics[c] = S_EMPTY;
        continue;
      }
      const s = STATIC_OF[o.type];
      if (s !== undefined) {
        this.statics[c] = s;
        this.staticColor[c] = o.colorIdx;
      } else {
        this.statics[c] = S_EMPTY;
        placed.push([add(o), c]);
      }
    }
    const carried = env.carrying ? add(env.carrying) : -1;
    this.slot0 = OBJ0 + 2 * this.objs.length;
    const s = new Uint16Array(this.slot0 + ruleSlots).fill(NOWHERE);
    s.fill(0, this.slot0);
    s[CELL] = this.cellOf(env.agentPos[0], env.agentPos[1]);
    s[DIR] = env.agentDir;
    s[CARRY] = carried + 1;
    for (let i = 0; i < this.objs.length; i++) s[OBJ0 + 2 * i + 1] = this.objs[i]!.stateIdx();
    for (const [i, c] of placed) s[OBJ0 + 2 * i] = c;
    this.rootState = s;
    // A locked door whose key exists nowhere (not on the grid, in a box or in hand) never opens.
    this.sealed = new Uint8Array(n);
    for (const [i, c] of placed) {
      const o = this.objs[i]!;
      if (this.kind[i] === K_DOOR && o.stateIdx() === 2 && !this.objs.some((k) => k.type === "key" && k.color === o.color)) this.sealed[c] = 1;
    }
    this.rule = makeRule(this, env);
    this.rule.fillSlots?.(s, env);
  }

  root(): Uint16Array {
    return this.rootState;
  }

  createTable(): StateTable<Uint16Array> {
    return new PackedTable(this.rootState.length);
  }

  key(s: Uint16Array): string {
    return String.fromCharCode.apply(null, s as unknown as number[]);
  }

  /** The state of a real env in this model's terms; null when the env holds an object the model never saw. */
  stateOf(env: MiniGridEnv): Uint16Array | null {
    if (env.width !== this.width || env.height !== this.height) return null;
    const s = new Uint16Array(this.rootState.length).fill(NOWHERE);
    s[CELL] = this.cellOf(env.agentPos[0], env.agentPos[1]);
    s[DIR] = env.agentDir;
    const cells = env.grid.cells;
    for (let k = 0; k < cells.length; k++) {
      const c = this.cellOfIndex(k);
      const o = cells[k];
      if (!o) {
        if (this.statics[c] !== S_EMPTY) return null;
        continue;
      }
      const st = STATIC_OF[o.type];
      if (st !== undefined) {
        if (this.statics[c] !== st) return null;
        continue;
      }
      const i = this.index.get(o);
      if (i === undefined) return null;
      s[OBJ0 + 2 * i] = c;
    }
    if (env.carrying) {
      const i = this.index.get(env.carrying);
      if (i === undefined) return null;
      s[CARRY] = i + 1;
    } else {
      s[CARRY] = 0;
    }
    for (let i = 0; i < this.objs.length; i++) s[OBJ0 + 2 * i + 1] = this.objs[i]!.stateIdx();
    s.fill(0, this.slot0);
    this.rule.fillSlots?.(s, env);
    return s;
  }

  /** The object index at a cell in state s (−1 when none), using the scratch occupancy. */
  objectAt(s: Uint16Array, cell: number): number {
    for (let i = 0, p = OBJ0; i < this.objs.length; i++, p += 2) if (s[p] === cell) return i;
    return -1;
  }

  /** The framed cell of grid coordinates. */
  cellOf(x: number, y: number): number {
    return (y + 1) * this.stride + x + 1;
  }

  /** The framed cell of an index into Grid.cells (y·width + x). */
  cellOfIndex(k: number): number {
    const x = k % this.width;
    return this.cellOf(x, (k - x) / this.width);
  }

  /** Grid coordinates of a framed cell. */
  xyOf(c: number): [number, number] {
    const x = c % this.stride;
    return [x - 1, (c - x) / this.stride - 1];
  }

  /** Front cell of a state. */
  front(s: Uint16Array): number {
    return s[CELL]! + this.step4[s[DIR]!]!;
  }

  expand(s: Uint16Array): Transition<Uint16Array>[] {
    const occ = this.occ;
    const nObj = this.objs.length;
    for (let i = 0, p = OBJ0; i < nObj; i++, p += 2) if (s[p] !== NOWHERE) occ[s[p]!] = i + 1;
    const out: Transition<Uint16Array>[] = [];
    for (let a = 0; a < 7; a++) out.push(this.transition(s, a as ActionIndex));
    for (let i = 0, p = OBJ0; i < nObj; i++, p += 2) if (s[p] !== NOWHERE) occ[s[p]!] = 0;
    return out;
  }

  /** One transition (the occupancy scratch must describe s). */
  private transition(s: Uint16Array, action: ActionIndex): Transition<Uint16Array> {
    const a = this.rule.mapAction(action);
    const occ = this.occ;
    const cell = s[CELL]!;
    const dir = s[DIR]!;
    const fc = cell + this.step4[dir]!;
    const fo = occ[fc]! - 1;
    const carry = s[CARRY]! - 1;
    let next: Uint16Array | null = null;
    let goal = false;
    let lava = false;
    let interaction = NO_INTERACTION;
    switch (a) {
      case 0:
      case 1:
        next = s.slice();
        next[DIR] = a === 0 ? (dir + 3) & 3 : (dir + 1) & 3;
        break;
      case 2: {
        if (fo >= 0) {
          if (this.kind[fo] === K_DOOR && s[OBJ0 + 2 * fo + 1] === 0) {
            next = s.slice();
            next[CELL] = fc;
          }
        } else {
          const st = this.statics[fc]!;
          if (st !== S_WALL) {
            next = s.slice();
            next[CELL] = fc;
            goal = st === S_GOAL;
            lava = st === S_LAVA;
          }
        }
        break;
      }
      case 3:
        if (fo >= 0 && this.kind[fo] !== K_DOOR && carry < 0) {
          next = s.slice();
          next[CARRY] = fo + 1;
          next[OBJ0 + 2 * fo] = NOWHERE;
          interaction = this.code(SubgoalVerb.pickUp, fo);
        }
        break;
      case 4:
        if (fo < 0 && this.statics[fc] === S_EMPTY && carry >= 0) {
          next = s.slice();
          next[CARRY] = 0;
          next[OBJ0 + 2 * carry] = fc;
          interaction = this.code(SubgoalVerb.drop, carry);
        }
        break;
      case 5:
        if (fo >= 0) {
          const k = this.kind[fo];
          if (k === K_DOOR) {
            const st = s[OBJ0 + 2 * fo + 1]!;
            if (st === 2) {
              if (carry >= 0 && this.kind[carry] === K_KEY && this.objs[carry]!.color === this.objs[fo]!.color) {
                next = s.slice();
                next[OBJ0 + 2 * fo + 1] = 0;
                interaction = this.code(SubgoalVerb.open, fo);
              }
            } else if (st === 1) {
              next = s.slice();
              next[OBJ0 + 2 * fo + 1] = 0;
              interaction = this.code(SubgoalVerb.open, fo);
            }
            // Closing an open door is left out (as if it changed nothing): it is never on a shortest
            // path — drop the close, the later re-open and the bumps into the closed door, and the
            // path gets shorter — so no optimal set contains it and no search needs its states.
          } else if (k === K_BOX) {
            next = s.slice();
            next[OBJ0 + 2 * fo] = NOWHERE;
            const inside = this.contents[fo]!;
            if (inside >= 0) next[OBJ0 + 2 * inside] = fc;
            interaction = this.code(SubgoalVerb.open, fo);
          }
        }
        break;
      default:
        break;
    }
    const judged = this.rule.judge(s, a, next ?? s, goal, lava, action);
    if (judged.success) interaction = judged.code;
    if (judged.terminated) return { next: null, success: judged.success, terminated: true, interaction };
    const changed = next !== null;
    if (judged.setSlots) {
      next ??= s.slice();
      for (const [k, v] of judged.setSlots) next[k] = v;
    }
    return { next: next ?? s, success: false, terminated: false, interaction: changed ? interaction : NO_INTERACTION };
  }

  code(verb: (typeof SubgoalVerb)[keyof typeof SubgoalVerb], i: number): number {
    const o = this.objs[i]!;
    return subgoalCode(verb, o.typeIdx, o.colorIdx);
  }

  goalCode(cell: number): number {
    return subgoalCode(SubgoalVerb.goTo, OBJECT_TO_IDX.goal, this.staticColor[cell]!);
  }

  heuristic(s: Uint16Array): number {
    return this.rule.heuristic(s);
  }

  // --- relaxed distances for heuristics: walls, lava and sealed doors block; objects are passable ---

  private readonly distCache = new Map<string, Int32Array>();

  /** Whether the agent may stand on a cell in the relaxed world. */
  passable(c: number): boolean {
    const st = this.statics[c]!;
    return st !== S_WALL && st !== S_LAVA && this.sealed[c] === 0;
  }

  /**
   * Fewest turns and moves from each pose (cell·4 + dir) to a pose in `targets`, with walls, lava and
   * sealed doors blocking and every other object passable (a lower bound for the real world; infinite
   * when the target cannot be reached at all, which proves a seed unsolvable). Cached by name.
   */
  poseDistances(name: string, targets: (cell: number, dir: number) => boolean): Int32Array {
    const cached = this.distCache.get(name);
    if (cached) return cached;
    const n = this.statics.length;
    const dist = new Int32Array(4 * n).fill(0x3fffffff);
    const queue = new Int32Array(4 * n);
    let qh = 0;
    let qt = 0;
    for (let c = 0; c < n; c++) {
      if (!this.passable(c)) continue;
      for (let d = 0; d < 4; d++) {
        if (targets(c, d)) {
          dist[c * 4 + d] = 0;
          queue[qt++] = c * 4 + d;
        }
      }
    }
    while (qh < qt) {
      const p = queue[qh++]!;
      const c = p >> 2;
      const d = p & 3;
      const nd = dist[p]! + 1;
      // Predecessors: a turn from the neighbouring directions, a forward move from behind.
      const preds = [c * 4 + ((d + 1) & 3), c * 4 + ((d + 3) & 3)];
      const back = c - this.step4[d]!;
      if (back >= 0 && back < n && this.passable(back)) preds.push(back * 4 + d);
      for (const q of preds) {
        if (dist[q]! > nd) {
          dist[q] = nd;
          queue[qt++] = q;
        }
      }
    }
    this.distCache.set(name, dist);
    return dist;
  }

  /** Relaxed distance to a pose facing `cell`. */
  facingDistance(s: Uint16Array, cell: number): number {
    const dist = this.poseDistances(`face:${cell}`, (c, d) => c + this.step4[d]! === cell);
    return dist[s[CELL]! * 4 + s[DIR]!]!;
  }

  /** Relaxed distance to standing on one of the cells. */
  reachDistance(s: Uint16Array, name: string, cells: Set<number>): number {
    const dist = this.poseDistances(`reach:${name}`, (c) => cells.has(c));
    return dist[s[CELL]! * 4 + s[DIR]!]!;
  }
}
