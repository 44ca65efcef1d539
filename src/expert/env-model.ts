/**
 * The reference planning model: a state is a cloned env, and a transition is the real env's
 * `step()` on a fresh clone, so every family's rules (step overrides included) apply as written.
 * Slow, but it needs nothing family-specific; the fast GridModel is tested against it.
 *
 * Clones share what never changes (walls, goals, lava, floor tiles, the random generator of the
 * planning copy) and skip the observation (genObs is stubbed on the copies).
 */
import type { ActionIndex } from "../minigrid/constants.js";
import { OBJECT_TO_IDX } from "../minigrid/constants.js";
import type { MiniGridEnv, Observation } from "../minigrid/minigrid-env.js";
import { NumpyGenerator } from "../minigrid/rng.js";
import { WorldObj } from "../minigrid/world-object.js";
import { deepClone } from "./clone.js";
import type { PlanningModel, Transition } from "./model.js";
import { NO_INTERACTION, SubgoalVerb, subgoalCode } from "./subgoal.js";

const STATIC_TYPES = new Set(["wall", "goal", "lava", "floor"]);
const STUB_OBS: Observation = { image: new Uint8Array(0), direction: 0, mission: "" };

/** Whether a value never changes inside a planning copy. */
function isImmutable(o: object): boolean {
  return (o instanceof WorldObj && STATIC_TYPES.has(o.type)) || o instanceof NumpyGenerator;
}

/**
 * A full, independent deep copy of an env (its random generator included): stepping the copy never
 * touches the original.
 */
export function cloneEnv<E extends MiniGridEnv>(env: E): E {
  return deepClone(env, { share: (o) => o instanceof WorldObj && STATIC_TYPES.has(o.type) });
}

export class EnvModel implements PlanningModel<MiniGridEnv> {
  readonly name = "env";
  private readonly rootEnv: MiniGridEnv;
  /** Stable object ids, carried from each env to its clones. */
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;

  constructor(env: MiniGridEnv) {
    const memo = new Map<object, unknown>();
    this.rootEnv = deepClone(env, { memo, share: (o) => o instanceof WorldObj && STATIC_TYPES.has(o.type) });
    (this.rootEnv as unknown as { genObs: () => Observation }).genObs = () => STUB_OBS;
    // Ids for the objects of the original env and of the root copy alike, so that the real env's
    // state has the same key as the planned one.
    const visit = (o: WorldObj | null): void => {
      if (o === null || this.ids.has(o)) return;
      this.ids.set(o, this.nextId);
      const copy = memo.get(o);
      if (copy) this.ids.set(copy as object, this.nextId);
      this.nextId++;
      visit(o.contains);
    };
    for (const c of env.grid.cells) visit(c);
    visit(env.carrying);
  }

  root(): MiniGridEnv {
    return this.rootEnv;
  }

  private copy(env: MiniGridEnv): MiniGridEnv {
    const memo = new Map<object, unknown>();
    const c = deepClone(env, { memo, share: isImmutable });
    for (const [orig, copy] of memo) {
      const id = this.ids.get(orig);
      if (id !== undefined && copy !== orig) this.ids.set(copy as object, id);
    }
    return c;
  }

  private id(o: WorldObj): number {
    let id = this.ids.get(o);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(o, id);
    }
    return id;
  }

  /** Agent pose, carried object, then every non-static object with its cell and state. */
  key(env: MiniGridEnv): string {
    const parts: number[] = [env.agentPos[0], env.agentPos[1], env.agentDir, env.carrying ? this.id(env.carrying) : -1];
    const cells = env.grid.cells;
    for (let k = 0; k < cells.length; k++) {
      const o = cells[k];
      if (!o || STATIC_TYPES.has(o.type)) continue;
      parts.push(k, this.id(o), o.stateIdx());
    }
    return parts.join(",");
  }

  expand(env: MiniGridEnv): Transition<MiniGridEnv>[] {
    const out: Transition<MiniGridEnv>[] = [];
    const before = this.key(env);
    for (let a = 0; a < 7; a++) {
      const c = this.copy(env);
      const [fx, fy] = c.frontPos;
      const front = inside(c, fx, fy) ? c.grid.get(fx, fy) : null;
      const carried = c.carrying;
      const wasOpen = front !== null && front.type === "door" && front.stateIdx() === 0;
      const r = c.step(a as ActionIndex);
      const success = r.terminated && r.reward > 0;
      const changed = success || (a >= 3 && a <= 5 && !r.terminated && this.key(c) !== before);
      const interaction = changed ? describe(c, a as ActionIndex, front, carried, wasOpen, success) : NO_INTERACTION;
      out.push({ next: r.terminated ? null : c, success, terminated: r.terminated, interaction });
    }
    return out;
  }

  heuristic(): number {
    return 0;
  }
}

function inside(env: MiniGridEnv, x: number, y: number): boolean {
  return x >= 0 && y >= 0 && x < env.width && y < env.height;
}

/** The subgoal code of an interaction, from what was in front and what was carried before it. */
function describe(after: MiniGridEnv, a: ActionIndex, front: WorldObj | null, carried: WorldObj | null, wasOpen: boolean, success: boolean): number {
  switch (a) {
    case 3:
      return after.carrying ? subgoalCode(SubgoalVerb.pickUp, after.carrying.typeIdx, after.carrying.colorIdx) : front ? code(SubgoalVerb.pickUp, front) : NO_INTERACTION;
    case 4:
      return carried ? code(SubgoalVerb.drop, carried) : NO_INTERACTION;
    case 5:
      if (front === null) return NO_INTERACTION;
      if (front.type === "door") return code(wasOpen ? SubgoalVerb.close : SubgoalVerb.open, front);
      return code(SubgoalVerb.open, front);
    default:
      return success ? goToTarget(after, front) : NO_INTERACTION;
  }
}

function code(verb: (typeof SubgoalVerb)[keyof typeof SubgoalVerb], o: WorldObj): number {
  return subgoalCode(verb, o.typeIdx, o.colorIdx);
}

/**
 * What a successful move or `done` went to: the object entered (a goal), else the neighbouring
 * object the mission names, else the first neighbouring non-wall object.
 */
export function goToTarget(env: MiniGridEnv, front: WorldObj | null): number {
  const [ax, ay] = env.agentPos;
  const here = env.grid.get(ax, ay);
  if (here && here.type !== "wall") return code(SubgoalVerb.goTo, here);
  const near: WorldObj[] = [];
  for (const [dx, dy] of [[1, 0], [0, 1], [-1, 0], [0, -1]] as const) {
    const x = ax + dx;
    const y = ay + dy;
    if (!inside(env, x, y)) continue;
    const o = env.grid.get(x, y);
    if (o && o.type !== "wall") near.push(o);
  }
  const named = near.find((o) => env.mission.includes(`${o.color} ${o.type}`));
  const pick = named ?? (front && front.type !== "wall" ? front : near[0]);
  return pick ? code(SubgoalVerb.goTo, pick) : subgoalCode(SubgoalVerb.goTo, OBJECT_TO_IDX.goal, 1);
}
