/**
 * The BabyAI demonstrator: actions from the BabyAI bot (the reference demonstrator for BabyAI), the
 * bot's current subgoal as the subgoal label, and exact optimal action sets where the exact search is
 * tractable.
 *
 * Optimal sets: when the instruction is a single clause (go to / pick up / open / put next to), or a
 * sequence ("then", "after you", "and", nested) of clauses without locations in which no pick up or
 * put next waits behind another clause (BALROG's pick_up_seq_go_to is one), the world is planned with
 * the compact GridModel and a rule that mirrors the verifier (verifier.ts) — see `babyaiPlanning`; a
 * sequence's state carries slots for which parts are done and where the carried object was picked up
 * (go-to targets move when the env re-finds them after a drop). The search (search.ts, A* with a
 * consistent heuristic) runs under a state budget (`maxNodes`); within it the set is exact
 * (`optimalExact: true`). Other sequences, a passed budget, or a model that ever disagrees with the
 * real env (checked after every step: predicted state and outcome against `env.step`'s) give
 * `optimalActions = [bot action]` and `optimalExact: false` for the rest of the episode.
 *
 * Known gap: a single clause whose description has a location ("the red ball on your left") is
 * planned with the objects it named at reset; after the agent drops something, the env re-finds it
 * without the location and may accept more objects. Executed steps are still checked against the env. The recorded action is always the bot's;
 * `botOptimal` says whether it lies in the exact set.
 *
 * Subgoal labels (the dataset grammar of subgoal.ts, plus three BabyAI forms):
 *
 *     "go to the " color " " type | "pick up the …" | "open the …" | "close the …" | "drop the …"
 *     | "go to the cell " x "," y   (a go-next-to an empty cell, e.g. to drop a blocker there)
 *     | "explore"                  (the bot's exploratory go-next-to and explore subgoals)
 *     | "done"                     (the bot's stack is empty: it says `done`)
 */
import type { ActionIndex } from "../minigrid/constants.js";
import type { MiniGridEnv, StepResult } from "../minigrid/minigrid-env.js";
import { BabyAIBot, BotError, type SubgoalInfo } from "../minigrid/babyai/bot.js";
import { RoomGridLevel } from "../minigrid/babyai/roomgrid-level.js";
import { ActionInstr, AfterInstr, AndInstr, BeforeInstr, GoToInstr, ObjDesc, OpenInstr, PickupInstr, PutNextInstr, type Instr } from "../minigrid/babyai/verifier.js";
import type { WorldObj } from "../minigrid/world-object.js";
import { CARRY, GridModel, NOWHERE, OBJ0, UnsupportedEnvError } from "./grid-model.js";
import type { ExpertDecision, Transition } from "./model.js";
import type { Judgement, Rule } from "./rules.js";
import { Plan, SearchBudgetError, search } from "./search.js";
import { NO_INTERACTION, SubgoalVerb } from "./subgoal.js";

export { BotError };

/** The BabyAI subgoal grammar: the dataset's, plus a bare cell, "explore" and "done". */
export const BABYAI_SUBGOAL_PATTERN =
  /^(?:(go to|pick up|open|close|drop) the (red|green|blue|purple|yellow|grey) (goal|key|ball|box|door|lava|floor|wall)|go to the cell \d+,\d+|explore|done)$/;

const INF = 0x3fffffff;
const NOT_OVER: Judgement = Object.freeze({ success: false, terminated: false, code: NO_INTERACTION });
const FAILED: Judgement = Object.freeze({ success: false, terminated: true, code: NO_INTERACTION });

export function isBabyAI(env: MiniGridEnv): env is RoomGridLevel {
  return env instanceof RoomGridLevel;
}

/** Render a bot subgoal in the grammar above. */
export function renderBotSubgoal(env: MiniGridEnv, s: SubgoalInfo | null): string {
  if (s === null) return "done";
  if (s.kind === "explore") return "explore";
  const objAt = (p: readonly number[] | null): WorldObj | null =>
    p && p[0]! >= 0 && p[1]! >= 0 && p[0]! < env.width && p[1]! < env.height ? env.grid.get(p[0]!, p[1]!) : null;
  const text = (verb: string, o: { color: string; type: string } | null, fallback: string | null): string => {
    if (o) return `${verb} the ${o.color} ${o.type}`;
    if (fallback && /^\w+ \w+$/.test(fallback)) return `${verb} the ${fallback}`;
    return "explore";
  };
  switch (s.kind) {
    case "go next to": {
      const o = objAt(s.pos);
      if (o && o.type !== "wall") return text("go to", o, null);
      if (s.pos) return `go to the cell ${s.pos[0]},${s.pos[1]}`;
      return text("go to", null, s.target);
    }
    case "drop":
      return text("drop", env.carrying, s.target);
    case "pickup":
      return text("pick up", objAt(s.pos), s.target);
    case "open":
      return text("open", objAt(s.pos), s.target);
    case "close":
      return text("close", objAt(s.pos), s.target);
    default:
      return "explore";
  }
}

/** How to plan an instruction exactly: its GridModel rule, and the state slots that rule keeps. */
export interface BabyAIPlanning {
  makeRule: (m: GridModel, env: MiniGridEnv) => Rule;
  /** Slots after the objects: which parts of a sequence are done, and a pickup cell (see {@link PickCell}). */
  slots: number;
}

/**
 * The exact planning of an instruction, mirroring its verifier (with BABYAI_DONE_ACTIONS off): a
 * single clause, or a tree of sequences ("then", "after you", "and") over clauses that
 * {@link instrTree} accepts; null otherwise. Facts it relies on (all checked at run time by the
 * expert's prediction check): a go-to target never moves before success (facing it already
 * succeeds), and the verifier's `preCarrying` is the carried object of the previous state.
 */
export function babyaiPlanning(instr: Instr): BabyAIPlanning | null {
  if (instr instanceof ActionInstr) return { makeRule: (m) => clauseRule(instr, m), slots: 0 };
  const tree = instrTree(instr, false, { next: 0 });
  if (tree === null) return null;
  return { makeRule: (m) => treeRule(tree, m), slots: tree.slots + 1 }; // + the pickup cell
}

/**
 * An instruction as the exact search mirrors it. A sequence node keeps, in a slot, whether its first
 * part is done (the verifier's aDone of "then", bDone of "after you"); an "and" keeps one per part.
 */
type InstrTree =
  | { kind: "clause"; instr: ActionInstr; slots: number }
  | { kind: "seq"; instr: BeforeInstr | AfterInstr; first: InstrTree; second: InstrTree; slot: number; slots: number }
  | { kind: "and"; instr: AndInstr; a: InstrTree; b: InstrTree; slotA: number; slotB: number; slots: number };

/**
 * The tree of an instruction, or null when the search cannot mirror it: strict sequences (they check
 * the other part too), and pick up / put next where Python starts their verifier late — in the second
 * part of a sequence, it first runs only once the first part is done, and their verifier remembers
 * the carried object of the previous step it ran on, which the state cannot tell.
 */
function instrTree(instr: Instr, late: boolean, slots: { next: number }): InstrTree | null {
  if (instr instanceof ActionInstr) {
    if (late && (instr instanceof PickupInstr || instr instanceof PutNextInstr)) return null;
    // After a drop the env re-finds every description without its location (update_objs_poss).
    if (descsOf(instr).some((d) => d.loc !== null)) return null;
    return { kind: "clause", instr, slots: 0 };
  }
  if (instr instanceof BeforeInstr || instr instanceof AfterInstr) {
    if (instr.strict) return null;
    const before = instr instanceof BeforeInstr;
    const slot = slots.next++;
    const first = instrTree(before ? instr.instrA : instr.instrB, late, slots);
    const second = first && instrTree(before ? instr.instrB : instr.instrA, true, slots);
    if (!first || !second) return null;
    return { kind: "seq", instr, first, second, slot, slots: slots.next };
  }
  if (instr instanceof AndInstr) {
    const slotA = slots.next++;
    const slotB = slots.next++;
    const a = instrTree(instr.instrA, late, slots);
    const b = a && instrTree(instr.instrB, late, slots);
    if (!a || !b) return null;
    return { kind: "and", instr, a, b, slotA, slotB, slots: slots.next };
  }
  return null;
}

/** An {@link InstrTree} with the clause rules made for a model. */
type BoundTree =
  | { kind: "clause"; rule: Rule }
  | { kind: "seq"; first: BoundTree; second: BoundTree; slot: number; done: () => boolean }
  | { kind: "and"; a: BoundTree; b: BoundTree; slotA: number; slotB: number; aDone: () => boolean; bDone: () => boolean };

function bindTree(t: InstrTree, m: GridModel, pick: PickCell): BoundTree {
  switch (t.kind) {
    case "clause":
      return { kind: "clause", rule: t.instr instanceof GoToInstr ? movingGoToRule(t.instr, m, pick) : clauseRule(t.instr, m) };
    case "seq": {
      const instr = t.instr;
      const before = instr instanceof BeforeInstr;
      return { kind: "seq", first: bindTree(t.first, m, pick), second: bindTree(t.second, m, pick), slot: t.slot, done: () => (before ? instr.aDone : instr.bDone) === "success" };
    }
    case "and": {
      const instr = t.instr;
      return { kind: "and", a: bindTree(t.a, m, pick), b: bindTree(t.b, m, pick), slotA: t.slotA, slotB: t.slotB, aDone: () => instr.aDone === "success", bDone: () => instr.bDone === "success" };
    }
  }
}

type Verdict = "success" | "failure" | "incomplete";

/**
 * The rule of a sequence tree: `judge` runs the verifiers' logic (verifier.ts: BeforeInstr,
 * AfterInstr, AndInstr) on the transition, reading and updating the parts' progress in the slots.
 */
function treeRule(tree: InstrTree, m: GridModel): Rule {
  // Box contents would appear on the grid without a drop, outside what the go-to targets track.
  if (m.contents.some((c) => c >= 0)) throw new UnsupportedEnvError("a box holds an object");
  const slot0 = m.slot0;
  const nSlots = tree.slots;
  const pick: PickCell = { slot: slot0 + nSlots, next: 0, descs: goToDescs(tree) };
  const root = bindTree(tree, m, pick);
  const done = new Uint8Array(nSlots);
  let code = NO_INTERACTION;
  const verify = (t: BoundTree, prev: Uint16Array, a: ActionIndex, next: Uint16Array, goal: boolean, lava: boolean, raw: ActionIndex): Verdict => {
    switch (t.kind) {
      case "clause": {
        const j = t.rule.judge(prev, a, next, goal, lava, raw);
        if (j.success) code = j.code;
        return j.success ? "success" : j.terminated ? "failure" : "incomplete";
      }
      case "seq": {
        if (done[t.slot]) return verify(t.second, prev, a, next, goal, lava, raw);
        const r = verify(t.first, prev, a, next, goal, lava, raw);
        if (r !== "success") return r;
        // As the verifier: the step that finishes the first part is also checked against the second.
        done[t.slot] = 1;
        return verify(t.second, prev, a, next, goal, lava, raw);
      }
      case "and": {
        if (!done[t.slotA] && verify(t.a, prev, a, next, goal, lava, raw) === "success") done[t.slotA] = 1;
        if (!done[t.slotB] && verify(t.b, prev, a, next, goal, lava, raw) === "success") done[t.slotB] = 1;
        return done[t.slotA] && done[t.slotB] ? "success" : "incomplete";
      }
    }
  };
  // Consistent: a part's bound is at most 1 where that part can be finished in one step, and a
  // maximum of consistent bounds is consistent.
  const bound = (t: BoundTree, s: Uint16Array): number => {
    switch (t.kind) {
      case "clause":
        return t.rule.heuristic(s);
      case "seq":
        return s[slot0 + t.slot] ? bound(t.second, s) : bound(t.first, s);
      case "and":
        return Math.max(s[slot0 + t.slotA] ? 0 : bound(t.a, s), s[slot0 + t.slotB] ? 0 : bound(t.b, s));
    }
  };
  const fill = (t: BoundTree, s: Uint16Array): void => {
    if (t.kind === "seq") {
      s[slot0 + t.slot] = t.done() ? 1 : 0;
      fill(t.first, s);
      fill(t.second, s);
    } else if (t.kind === "and") {
      s[slot0 + t.slotA] = t.aDone() ? 1 : 0;
      s[slot0 + t.slotB] = t.bDone() ? 1 : 0;
      fill(t.a, s);
      fill(t.b, s);
    }
  };
  return {
    name: "babyai-sequence",
    mapAction: (a) => a,
    judge: (prev, a, next, goal, lava, raw) => {
      for (let k = 0; k < nSlots; k++) done[k] = prev[slot0 + k]!;
      pick.next = nextPickCell(m, pick, prev, a, next);
      code = NO_INTERACTION;
      const r = verify(root, prev, a, next, goal, lava, raw);
      if (r === "success") return { success: true, terminated: true, code };
      if (r === "failure") return FAILED;
      const changed: [number, number][] = [];
      for (let k = 0; k < nSlots; k++) if (done[k] !== prev[slot0 + k]) changed.push([slot0 + k, done[k]!]);
      if (pick.next !== prev[pick.slot]) changed.push([pick.slot, pick.next]);
      return changed.length === 0 ? NOT_OVER : { success: false, terminated: false, code: NO_INTERACTION, setSlots: changed };
    },
    heuristic: (s) => {
      pick.next = s[pick.slot]!;
      return bound(root, s);
    },
    fillSlots: (s, env) => {
      fill(root, s);
      s[pick.slot] = realPickCell(m, pick, env);
    },
  };
}

/**
 * Where the carried object was picked up, for go-to targets inside sequences. The env re-finds the
 * descriptions' positions after every drop (RoomGridLevel.update_objs_poss), so between drops a
 * go-to accepts the cells its objects had at the last drop: the matching objects on the grid now,
 * plus the cell the carried object left, if it matches (hands hold one object, and boxes hold none
 * here). That cell is kept in a slot (0 when nothing matching was picked up since the last drop).
 */
interface PickCell {
  slot: number;
  /** The cell for the state being judged (set before the go-to leaves look at it). */
  next: number;
  /** The go-to descriptions of the tree. */
  descs: ObjDesc[];
}

function descsOf(instr: ActionInstr): ObjDesc[] {
  if (instr instanceof PutNextInstr) return [instr.descMove, instr.descFixed];
  return [(instr as GoToInstr | PickupInstr | OpenInstr).desc];
}

function goToDescs(t: InstrTree): ObjDesc[] {
  if (t.kind === "clause") return t.instr instanceof GoToInstr ? [t.instr.desc] : [];
  return t.kind === "seq" ? [...goToDescs(t.first), ...goToDescs(t.second)] : [...goToDescs(t.a), ...goToDescs(t.b)];
}

function matches(d: ObjDesc, o: WorldObj): boolean {
  return (d.type === null || d.type === o.type) && (d.color === null || d.color === o.color);
}

/** The pickup-cell slot after a transition: set by picking up a go-to lookalike, cleared by a drop. */
function nextPickCell(m: GridModel, pick: PickCell, prev: Uint16Array, a: ActionIndex, next: Uint16Array): number {
  if (a === 3 && prev[CARRY] === 0 && next[CARRY] !== 0) {
    const o = m.objs[next[CARRY]! - 1]!;
    return pick.descs.some((d) => matches(d, o)) ? m.front(prev) : 0;
  }
  if (a === 4 && prev[CARRY] !== 0 && next[CARRY] === 0) return 0;
  return prev[pick.slot]!;
}

/** The same slot read from a real env: the cell its verifier still lists for the carried object. */
function realPickCell(m: GridModel, pick: PickCell, env: MiniGridEnv): number {
  const carried = env.carrying;
  if (!carried) return 0;
  for (const d of pick.descs) {
    if (!matches(d, carried)) continue;
    for (const [x, y] of d.objPoss) {
      const o = env.grid.get(x, y);
      if (!o || !matches(d, o)) return m.cellOf(x, y);
    }
  }
  return 0;
}

/** A go-to inside a sequence: its targets move as the env re-finds them (see {@link PickCell}). */
function movingGoToRule(instr: GoToInstr, m: GridModel, pick: PickCell): Rule {
  const desc = instr.desc;
  const objs: number[] = [];
  for (let i = 0; i < m.objs.length; i++) if (matches(desc, m.objs[i]!)) objs.push(i);
  const targets = (s: Uint16Array, pickCell: number): number[] => {
    const out: number[] = [];
    for (const i of objs) if (s[OBJ0 + 2 * i] !== NOWHERE) out.push(s[OBJ0 + 2 * i]!);
    if (pickCell !== 0 && s[CARRY] !== 0 && objs.includes(s[CARRY]! - 1)) out.push(pickCell);
    return out;
  };
  return {
    name: "babyai-goto-moving",
    mapAction: (a) => a,
    judge: (_p, _a, next) => {
      const f = m.front(next);
      if (!targets(next, pick.next).includes(f)) return NOT_OVER;
      const i = m.objectAt(next, f);
      return { success: true, terminated: true, code: i >= 0 ? m.code(SubgoalVerb.goTo, i) : NO_INTERACTION };
    },
    heuristic: (s) => {
      let best = INF;
      for (const c of targets(s, pick.next)) best = Math.min(best, m.facingDistance(s, c));
      return best === INF ? 0 : best;
    },
  };
}

/** The rule of one clause (go to, pick up, open, put next to). */
function clauseRule(instr: ActionInstr, m: GridModel): Rule {
  const idx = (objs: WorldObj[]): number[] =>
    objs.map((o) => {
      const i = m.index.get(o);
      if (i === undefined) throw new UnsupportedEnvError("a described object is not in the grid");
      return i;
    });
  const minFacing = (s: Uint16Array, objs: number[], extra: number): number => {
    let best = INF;
    for (const i of objs) {
      const at = s[OBJ0 + 2 * i]!;
      if (at === NOWHERE) return 0; // in a box or carried: no cheap bound
      best = Math.min(best, m.facingDistance(s, at) + extra);
    }
    return best === INF ? 0 : best;
  };
  if (instr instanceof GoToInstr) {
    const targets = new Set(instr.desc.objPoss.map(([x, y]) => m.cellOf(x, y)));
    const codeOf = (cell: number): number => {
      const i = m.objectAt(m.root(), cell);
      return i >= 0 ? m.code(SubgoalVerb.goTo, i) : NO_INTERACTION;
    };
    const cells = [...targets];
    return {
      name: "babyai-goto",
      mapAction: (a) => a,
      judge: (_p, _a, next) => {
        const f = m.front(next);
        return targets.has(f) ? { success: true, terminated: true, code: codeOf(f) } : NOT_OVER;
      },
      heuristic: (s) => {
        let best = INF;
        for (const c of cells) best = Math.min(best, m.facingDistance(s, c));
        return best === INF ? 0 : best;
      },
    };
  }
  if (instr instanceof OpenInstr) {
    const doors = idx(instr.desc.objSet);
    const set = new Set(doors);
    return {
      name: "babyai-open",
      mapAction: (a) => a,
      judge: (prev, a, next) => {
        if (a !== 5) return NOT_OVER;
        const fo = m.objectAt(prev, m.front(prev));
        if (fo >= 0 && set.has(fo) && prev[OBJ0 + 2 * fo + 1] !== 0 && next[OBJ0 + 2 * fo + 1] === 0) {
          return { success: true, terminated: true, code: m.code(SubgoalVerb.open, fo) };
        }
        if (instr.strict && fo >= 0 && m.objs[fo]!.type === "door") return FAILED;
        return NOT_OVER;
      },
      heuristic: (s) => minFacing(s, doors, 1),
    };
  }
  if (instr instanceof PickupInstr) {
    const objs = idx(instr.desc.objSet);
    const set = new Set(objs);
    return {
      name: "babyai-pickup",
      mapAction: (a) => a,
      judge: (prev, a, next) => {
        if (a !== 3) return NOT_OVER;
        if (prev[CARRY] === 0 && next[CARRY] !== 0 && set.has(next[CARRY]! - 1)) {
          return { success: true, terminated: true, code: m.code(SubgoalVerb.pickUp, next[CARRY]! - 1) };
        }
        if (instr.strict && next[CARRY] !== 0) return FAILED;
        return NOT_OVER;
      },
      // Carrying something else: it must be dropped first (one more action that does not move).
      heuristic: (s) => {
        const h = minFacing(s, objs, 1);
        return s[CARRY] === 0 ? h : Math.max(h + 1, 1);
      },
    };
  }
  if (instr instanceof PutNextInstr) {
    const moveList = idx(instr.descMove.objSet);
    const move = new Set(moveList);
    const fixed = idx(instr.descFixed.objSet);
    return {
      name: "babyai-putnext",
      mapAction: (a) => a,
      judge: (prev, a, next) => {
        if (instr.strict && a === 3 && next[CARRY] !== 0) return FAILED;
        if (a !== 4 || prev[CARRY] === 0 || next[CARRY] !== 0) return NOT_OVER;
        const o = prev[CARRY]! - 1;
        if (!move.has(o)) return NOT_OVER;
        const at = next[OBJ0 + 2 * o]!;
        for (const f of fixed) {
          const fc = next[OBJ0 + 2 * f]!;
          if (fc === NOWHERE || f === o) continue;
          if (fc === at + 1 || fc === at - 1 || fc === at + m.stride || fc === at - m.stride) {
            return { success: true, terminated: true, code: m.code(SubgoalVerb.drop, o) };
          }
        }
        return NOT_OVER;
      },
      // At least: reach and pick up an object to move (unless carrying one), then drop it; one
      // more drop first when carrying anything else. None of these actions moves the agent.
      heuristic: (s) => {
        const c = s[CARRY]!;
        if (c !== 0 && move.has(c - 1)) return 1;
        return minFacing(s, moveList, 1) + (c === 0 ? 1 : 2);
      },
    };
  }
  throw new UnsupportedEnvError(`no rule for ${instr.constructor.name}`);
}

export interface BabyAIDecision extends ExpertDecision {
  /** The bot's action lies in the exact optimal set (always true when the set is not exact). */
  botOptimal: boolean;
}

export interface BabyAIExpertOptions {
  /** Distinct states one exact search may visit (default 200 000). */
  maxNodes?: number;
  /** States all the searches of one episode may visit before it goes inexact (default 400 000). */
  maxEpisodeNodes?: number;
}

/**
 * Drive one episode at a time: `begin(env)` right after reset (throws BotError when the bot cannot
 * take the instruction), then per step `act(env)` → decision, `env.step(decision.action)`,
 * `observe(env, result)`.
 */
export class BabyAIExpert {
  /** Steps whose bot action was outside the exact optimal set. */
  botSuboptimalSteps = 0;
  /** Times the exact model's prediction disagreed with the real env (the episode then goes inexact). */
  mismatches = 0;
  /** Exact searches run, and searches that passed their budget. */
  searches = 0;
  budgetExceeded = 0;
  private bot: BabyAIBot | null = null;
  private lastAction: number | null = null;
  private exactOk = false;
  /** The current episode's planning (its instruction does not change within the episode). */
  private planning: BabyAIPlanning | null = null;
  private model: GridModel | null = null;
  private plan: Plan<Uint16Array> | null = null;
  private rootStep = 0;
  private episodeNodes = 0;
  private predicted: { state: Uint16Array; t: Transition<Uint16Array>; action: number } | null = null;
  /** Whether every step of the current episode had an exact set. */
  episodeExact = true;

  constructor(private readonly opts: BabyAIExpertOptions = {}) {}

  begin(env: RoomGridLevel): void {
    this.bot = null;
    this.lastAction = null;
    this.model = null;
    this.plan = null;
    this.predicted = null;
    this.planning = babyaiPlanning(env.instrs);
    this.exactOk = this.planning !== null && !env.doneActions;
    this.episodeExact = true;
    this.episodeNodes = 0;
    this.bot = new BabyAIBot(env);
  }

  act(env: RoomGridLevel): BabyAIDecision {
    if (!this.bot) throw new Error("BabyAIExpert.act before begin");
    const action = this.bot.replan(this.lastAction) as ActionIndex;
    const subgoal = renderBotSubgoal(env, this.bot.currentSubgoal());
    this.lastAction = action;
    const exact = this.optimalSet(env);
    this.predicted = null;
    if (exact === null) {
      this.episodeExact = false;
      return { action, optimalActions: [action], optimalExact: false, subgoal, botOptimal: true };
    }
    const botOptimal = exact.includes(action);
    if (!botOptimal) this.botSuboptimalSteps++;
    const s = this.model!.stateOf(env)!;
    this.predicted = { state: s, t: this.model!.expand(s)[action]!, action };
    return { action, optimalActions: exact, optimalExact: true, subgoal, botOptimal };
  }

  /** Check the exact model's prediction of the step just taken against the real env. */
  observe(env: RoomGridLevel, r: StepResult): void {
    const p = this.predicted;
    this.predicted = null;
    if (!p || !this.model) return;
    const success = r.terminated && r.reward > 0;
    let ok = p.t.terminated === r.terminated && p.t.success === success;
    if (ok && !r.terminated) {
      const real = this.model.stateOf(env);
      const want = p.t.next!;
      if (real === null) ok = false;
      else if (this.model.key(real) !== this.model.key(want)) {
        // Closing an open door is not generated by the model (never optimal): replan, no mismatch.
        if (!(p.action === 5 && want === p.state)) ok = false;
        this.plan = null;
      }
    }
    if (!ok) {
      this.mismatches++;
      this.exactOk = false;
      this.plan = null;
    }
  }

  /** The exact optimal set in the env's state, or null when not tractable. */
  private optimalSet(env: RoomGridLevel): ActionIndex[] | null {
    if (!this.exactOk) return null;
    if (this.plan && this.model) {
      const s = this.model.stateOf(env);
      const node = s === null ? undefined : this.plan.node(s);
      if (node !== undefined && this.plan.isOptimalAt(node, env.stepCount - this.rootStep)) return this.plan.optimalActions(node);
      if (node !== undefined && this.plan.dStar === null) return [];
    }
    if (!this.planning) return null;
    try {
      this.model = new GridModel(env, this.planning.makeRule, this.planning.slots);
    } catch (e) {
      if (!(e instanceof UnsupportedEnvError)) throw e;
      this.exactOk = false;
      return null;
    }
    this.searches++;
    const left = (this.opts.maxEpisodeNodes ?? 400_000) - this.episodeNodes;
    try {
      if (left <= 0) throw new SearchBudgetError(0);
      this.plan = search(this.model, { horizon: env.maxSteps - env.stepCount, maxNodes: Math.min(this.opts.maxNodes ?? 200_000, left) });
      this.episodeNodes += this.plan.states;
    } catch (e) {
      if (!(e instanceof SearchBudgetError)) throw e;
      this.budgetExceeded++;
      this.episodeNodes += left;
      this.exactOk = false;
      this.plan = null;
      return null;
    }
    this.rootStep = env.stepCount;
    if (this.plan.dStar === null) return [];
    const root = this.plan.node(this.model.root())!;
    return this.plan.optimalActions(root);
  }
}
