/**
 * Family rules for the GridModel: what each family's `step` override adds to MiniGridEnv.step, as in
 * minigrid/envs/*.py, and a consistent lower bound on the steps to success.
 *
 * | rule          | families                                              | success (reward > 0)                          | other episode ends            |
 * |---------------|-------------------------------------------------------|-----------------------------------------------|-------------------------------|
 * | goal          | Empty, DoorKey, FourRooms, LavaGap, Crossing,         | `forward` onto a goal                         | `forward` onto lava           |
 * |               | DistShift, MultiRoom, LockedRoom                      |                                               |                               |
 * | unlock        | Unlock                                                | `toggle` that leaves `env.door` open          | —                             |
 * | pickup-target | UnlockPickup, BlockedUnlockPickup, KeyCorridor,       | `pickup` of `env.obj` (identity)              | —                             |
 * |               | ObstructedMaze                                        |                                               |                               |
 * | fetch         | Fetch                                                 | holding an object of the target type+colour   | holding any other object      |
 * | go-to         | GoToDoor, GoToObject                                  | `done` next to target_pos                     | any `done`, any `toggle`      |
 * | put-near      | PutNear                                               | `drop` of the move object next to target_pos  | any `drop` while carrying;    |
 * |               |                                                       | (8-neighbourhood)                             | picking up another object     |
 * | red-blue      | RedBlueDoors                                          | blue door opens while the red one was open    | blue opens first              |
 * | memory        | Memory (`pickup` acts as `toggle`)                    | standing on success_pos                       | standing on failure_pos       |
 * | no-task       | Playground (empty mission)                            | never                                         | —                             |
 *
 * Families without a rule here (Dynamic-Obstacles, Playground, BabyAI, new ones) are planned with the
 * reference EnvModel or their own expert; see expert.ts.
 */
import type { ActionIndex } from "../minigrid/constants.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import type { WorldObj } from "../minigrid/world-object.js";
import { CARRY, CELL, GridModel, NOWHERE, OBJ0, S_GOAL, UnsupportedEnvError } from "./grid-model.js";
import { NO_INTERACTION, SubgoalVerb, subgoalCode } from "./subgoal.js";

export interface Judgement {
  success: boolean;
  terminated: boolean;
  /** The subgoal code of a success. */
  code: number;
  /**
   * Rules that keep state of their own (a BabyAI sequence: which parts are done) write it into the
   * state's rule slots: `[slot index, value]` pairs set in the next state.
   */
  setSlots?: readonly (readonly [number, number])[];
}

export interface Rule {
  readonly name: string;
  /** Actions the family rewrites before the base step (Memory: pickup → toggle). */
  mapAction(a: ActionIndex): ActionIndex;
  /**
   * The family's verdict on a transition: `prev` → `next` by (mapped) action `a`; `goal`/`lava`
   * say whether the base step moved the agent onto a goal or lava.
   */
  judge(prev: Uint16Array, a: ActionIndex, next: Uint16Array, goal: boolean, lava: boolean, raw: ActionIndex): Judgement;
  heuristic(s: Uint16Array): number;
  /** For rules with state slots: fill them in `s` from the real env (its verifier's progress). */
  fillSlots?(s: Uint16Array, env: MiniGridEnv): void;
}

const INF = 0x3fffffff;
const NOT_OVER: Judgement = Object.freeze({ success: false, terminated: false, code: NO_INTERACTION });
const FAILED: Judgement = Object.freeze({ success: false, terminated: true, code: NO_INTERACTION });

/** A field of a ported env, under its camelCase or snake_case name. */
function field<T>(env: MiniGridEnv, name: string): T {
  const rec = env as unknown as Record<string, unknown>;
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const k of [name, camel, snake]) if (rec[k] !== undefined && rec[k] !== null) return rec[k] as T;
  throw new UnsupportedEnvError(`${env.constructor.name} has no field '${name}' for its planning rule`);
}

function pointField(env: MiniGridEnv, name: string): [number, number] {
  const p = field<ArrayLike<number>>(env, name);
  return [Number(p[0]), Number(p[1])];
}

function objIndex(m: GridModel, o: WorldObj, what: string): number {
  const i = m.index.get(o);
  if (i === undefined) throw new UnsupportedEnvError(`${what} is not in the grid`);
  return i;
}

/** Base episode ends: the goal (success) and lava (failure). */
function baseJudge(m: GridModel, next: Uint16Array, goal: boolean, lava: boolean): Judgement {
  if (goal) return { success: true, terminated: true, code: m.goalCode(next[CELL]!) };
  if (lava) return FAILED;
  return NOT_OVER;
}

function goalRule(m: GridModel): Rule {
  const hasGoal = m.statics.includes(S_GOAL);
  const dist = hasGoal ? m.poseDistances("goal", (c, d) => m.statics[c + m.step4[d]!] === S_GOAL) : null;
  return {
    name: "goal",
    mapAction: (a) => a,
    judge: (_p, _a, next, goal, lava) => baseJudge(m, next, goal, lava),
    heuristic: (s) => (dist ? dist[s[CELL]! * 4 + s[1]!]! + 1 : INF),
  };
}

function unlockRule(m: GridModel, env: MiniGridEnv): Rule {
  const door = objIndex(m, field<WorldObj>(env, "door"), "the door");
  const doorCell = m.root()[OBJ0 + 2 * door]!;
  return {
    name: "unlock",
    mapAction: (a) => a,
    judge: (_p, a, next, goal, lava) => {
      if (a === 5 && next[OBJ0 + 2 * door + 1] === 0) return { success: true, terminated: true, code: m.code(SubgoalVerb.open, door) };
      return baseJudge(m, next, goal, lava);
    },
    heuristic: (s) => m.facingDistance(s, doorCell) + 1,
  };
}

function pickupTargetRule(m: GridModel, env: MiniGridEnv): Rule {
  const target = objIndex(m, field<WorldObj>(env, "obj"), "the target object");
  const boxOf = m.contents.indexOf(target);
  return {
    name: "pickup-target",
    mapAction: (a) => a,
    judge: (_p, a, next, goal, lava) => {
      if (a === 3 && next[CARRY] === target + 1) return { success: true, terminated: true, code: m.code(SubgoalVerb.pickUp, target) };
      return baseJudge(m, next, goal, lava);
    },
    heuristic: (s) => {
      const carryOther = s[CARRY] !== 0 && s[CARRY] !== target + 1 ? 1 : 0;
      const at = s[OBJ0 + 2 * target]!;
      if (at !== NOWHERE) return m.facingDistance(s, at) + 1 + carryOther;
      if (boxOf < 0) return 0;
      const boxAt = s[OBJ0 + 2 * boxOf]!;
      if (boxAt !== NOWHERE) return m.facingDistance(s, boxAt) + 2 + carryOther;
      return s[CARRY] === boxOf + 1 ? 3 : 0;
    },
  };
}

function fetchRule(m: GridModel, env: MiniGridEnv): Rule {
  const type = field<string>(env, "targetType");
  const color = field<string>(env, "targetColor");
  const matches = m.objs.map((o, i) => (o.type === type && o.color === color ? i : -1)).filter((i) => i >= 0);
  return {
    name: "fetch",
    mapAction: (a) => a,
    judge: (_p, _a, next, goal, lava) => {
      const c = next[CARRY]!;
      if (c !== 0) {
        const o = m.objs[c - 1]!;
        if (o.type === type && o.color === color) return { success: true, terminated: true, code: m.code(SubgoalVerb.pickUp, c - 1) };
        return FAILED;
      }
      return baseJudge(m, next, goal, lava);
    },
    heuristic: (s) => {
      let best = INF;
      for (const i of matches) {
        const at = s[OBJ0 + 2 * i]!;
        if (at !== NOWHERE) best = Math.min(best, m.facingDistance(s, at) + 1);
      }
      return best === INF ? 0 : best;
    },
  };
}

function goToRule(m: GridModel, env: MiniGridEnv): Rule {
  const [tx, ty] = pointField(env, "targetPos");
  const tcell = m.cellOf(tx, ty);
  const targetObj = env.grid.get(tx, ty);
  const code = targetObj ? subgoalCode(SubgoalVerb.goTo, targetObj.typeIdx, targetObj.colorIdx) : m.goalCode(tcell);
  const near = new Set([tcell - 1, tcell + 1, tcell - m.stride, tcell + m.stride]);
  return {
    name: "go-to",
    mapAction: (a) => a,
    judge: (_p, a, next, goal, lava) => {
      if (a === 6) {
        const [ax, ay] = m.xyOf(next[CELL]!);
        const ok = (ax === tx && Math.abs(ay - ty) === 1) || (ay === ty && Math.abs(ax - tx) === 1);
        return ok ? { success: true, terminated: true, code } : FAILED;
      }
      const base = baseJudge(m, next, goal, lava);
      if (a === 5 && !base.terminated) return FAILED;
      return base;
    },
    heuristic: (s) => m.reachDistance(s, `near:${tcell}`, near) + 1,
  };
}

function putNearRule(m: GridModel, env: MiniGridEnv): Rule {
  const moveType = field<string>(env, "moveType");
  const moveColor = field<string>(env, "moveColor");
  const [tx, ty] = pointField(env, "targetPos");
  return {
    name: "put-near",
    mapAction: (a) => a,
    judge: (prev, a, next, goal, lava) => {
      const base = baseJudge(m, next, goal, lava);
      if (base.terminated) return base;
      if (a === 3 && next[CARRY] !== 0) {
        const o = m.objs[next[CARRY]! - 1]!;
        if (o.type !== moveType || o.color !== moveColor) return FAILED;
      }
      if (a === 4 && prev[CARRY] !== 0) {
        const carried = prev[CARRY]! - 1;
        const f = m.front(next);
        if (next[OBJ0 + 2 * carried] === f) {
          const [ox, oy] = m.xyOf(f);
          if (Math.abs(ox - tx) <= 1 && Math.abs(oy - ty) <= 1) return { success: true, terminated: true, code: m.code(SubgoalVerb.drop, carried) };
        }
        return FAILED;
      }
      return NOT_OVER;
    },
    heuristic: () => 0,
  };
}

function redBlueRule(m: GridModel, env: MiniGridEnv): Rule {
  const red = objIndex(m, field<WorldObj>(env, "redDoor"), "the red door");
  const blue = objIndex(m, field<WorldObj>(env, "blueDoor"), "the blue door");
  const redOpen = OBJ0 + 2 * red + 1;
  const blueOpen = OBJ0 + 2 * blue + 1;
  return {
    name: "red-blue",
    mapAction: (a) => a,
    judge: (prev, _a, next, goal, lava) => {
      if (next[blueOpen] === 0) {
        if (prev[redOpen] === 0) return { success: true, terminated: true, code: m.code(SubgoalVerb.open, blue) };
        return FAILED;
      }
      if (next[redOpen] === 0 && prev[blueOpen] === 0) return FAILED;
      return baseJudge(m, next, goal, lava);
    },
    heuristic: () => 0,
  };
}

function memoryRule(m: GridModel, env: MiniGridEnv): Rule {
  const [sx, sy] = pointField(env, "successPos");
  const [fx, fy] = pointField(env, "failurePos");
  const success = m.cellOf(sx, sy);
  const failure = m.cellOf(fx, fy);
  // The matching object is the success cell's one non-wall neighbour.
  let code = m.goalCode(success);
  for (const c of [success - m.stride, success + m.stride, success - 1, success + 1]) {
    const i = m.objectAt(m.root(), c);
    if (i >= 0) {
      code = m.code(SubgoalVerb.goTo, i);
      break;
    }
  }
  const target = new Set([success]);
  return {
    name: "memory",
    mapAction: (a) => (a === 3 ? 5 : a),
    judge: (_p, _a, next, goal, lava) => {
      const c = next[CELL]!;
      if (c === success) return { success: true, terminated: true, code };
      if (c === failure) return FAILED;
      return baseJudge(m, next, goal, lava);
    },
    heuristic: (s) => m.reachDistance(s, "memory", target),
  };
}

/** Playground: no task, no reward; nothing to plan. */
function noTaskRule(m: GridModel, _env: MiniGridEnv): Rule {
  return {
    name: "no-task",
    mapAction: (a) => a,
    judge: (_p, _a, next, goal, lava) => baseJudge(m, next, goal, lava),
    heuristic: () => INF,
  };
}

type RuleMaker = (m: GridModel, env: MiniGridEnv) => Rule;

/** Normalised family-name prefix → rule. */
const RULES: [string, RuleMaker][] = [
  ["empty", goalRule],
  ["doorkey", goalRule],
  ["fourrooms", goalRule],
  ["lavagap", goalRule],
  ["crossing", goalRule],
  ["lavacrossing", goalRule],
  ["simplecrossing", goalRule],
  ["distshift", goalRule],
  ["multiroom", goalRule],
  ["lockedroom", goalRule],
  ["unlockpickup", pickupTargetRule],
  ["blockedunlockpickup", pickupTargetRule],
  ["unlock", unlockRule],
  ["keycorridor", pickupTargetRule],
  ["obstructedmaze", pickupTargetRule],
  ["fetch", fetchRule],
  ["gotodoor", goToRule],
  ["gotoobject", goToRule],
  ["putnear", putNearRule],
  ["redbluedoor", redBlueRule],
  ["memory", memoryRule],
  ["playground", noTaskRule],
];

function normalise(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "").replace(/env$/, "").replace(/^minigrid/, "");
}

/** The rule for an env's family (by registered family name, else class name), or null. */
export function ruleFor(family: string, className: string): RuleMaker | null {
  for (const name of [normalise(family), normalise(className)]) {
    if (!name) continue;
    // Longest matching prefix wins (so `unlockpickup` beats `unlock`).
    let best: [string, RuleMaker] | null = null;
    for (const r of RULES) if (name.startsWith(r[0]) && (!best || r[0].length > best[0].length)) best = r;
    if (best) return best[1];
  }
  return null;
}

