/**
 * The BabyAI demonstrator: actions from the BabyAI bot (the reference demonstrator for BabyAI), the
 * bot's current subgoal as the subgoal label, and exact optimal action sets where the exact search is
 * tractable.
 *
 * Optimal sets: when the instruction is a single clause (go to / pick up / open / put next to), or a
 * sequence "A, then B" / "B after you A" whose B is a go to or an open (BALROG's pick_up_seq_go_to),
 * the world is planned with the compact GridModel and a rule that mirrors the verifier (verifier.ts)
 * — see `babyaiRule`; a sequence's state carries one more slot, whether A is done. The search
 * (search.ts, A* with a consistent heuristic) runs under a state budget (`maxNodes`); within it the
 * set is exact (`optimalExact: true`). Other sequences ("and", a pick up or put next as B), a passed
 * budget, or a model that ever disagrees with the real env (checked after every step: predicted
 * state and outcome against `env.step`'s) give `optimalActions = [bot action]` and
 * `optimalExact: false` for the rest of the episode. The recorded action is always the bot's;
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
import { ActionInstr, AfterInstr, BeforeInstr, GoToInstr, OpenInstr, PickupInstr, PutNextInstr, type Instr } from "../minigrid/babyai/verifier.js";
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

/**
 * The GridModel rule of an instruction, mirroring its verifier (with BABYAI_DONE_ACTIONS off): a single
 * clause, or a sequence of {@link sequenceParts} (its model needs {@link babyaiRuleSlots} slots); null
 * for other sequences. Facts it relies on (all checked at run time by the expert's prediction
 * check): a go-to target never moves before success (facing it already succeeds), and the verifier's
 * `preCarrying` is the carried object of the previous state.
 */
export function babyaiRule(instr: Instr): ((m: GridModel, env: MiniGridEnv) => Rule) | null {
  if (instr instanceof ActionInstr) return (m) => clauseRule(instr, m);
  const seq = sequenceParts(instr);
  if (seq === null) return null;
  return (m) => sequenceRule(seq, clauseRule(seq.first, m), clauseRule(seq.second, m), m.slot0);
}

/** The rule slots {@link babyaiRule}'s rule keeps in each state: 1 for a sequence (its progress), else 0. */
export function babyaiRuleSlots(instr: Instr): number {
  return sequenceParts(instr) === null ? 0 : 1;
}

/** A two-clause sequence the exact search handles, in the order its clauses must be done. */
interface SequenceParts {
  first: ActionInstr;
  second: ActionInstr;
  /** Whether the real verifier has seen the first clause done. */
  firstDone: () => boolean;
}

/**
 * "A, then B" (BeforeInstr) and "B after you A" (AfterInstr), not strict, with a second clause whose
 * verifier keeps no state of its own (go to, open): Python starts that verifier only once the first
 * clause is done, which a state-free clause cannot notice. Pick up and put next as second clauses
 * remember the previous step's carried object from that start, and are left to the bot.
 */
function sequenceParts(instr: Instr): SequenceParts | null {
  if (!(instr instanceof BeforeInstr || instr instanceof AfterInstr) || instr.strict) return null;
  const before = instr instanceof BeforeInstr;
  const first = before ? instr.instrA : instr.instrB;
  const second = before ? instr.instrB : instr.instrA;
  if (!(first instanceof ActionInstr) || !(second instanceof GoToInstr || second instanceof OpenInstr)) return null;
  return { first, second, firstDone: () => (before ? instr.aDone : instr.bDone) === "success" };
}

/**
 * The sequence's rule: slot `p` says whether the first clause is done. As in the verifier, the step
 * that completes the first clause is also checked against the second.
 */
function sequenceRule(seq: SequenceParts, first: Rule, second: Rule, p: number): Rule {
  const FIRST_DONE: readonly [number, number] = [p, 1];
  return {
    name: `babyai-sequence(${first.name}, ${second.name})`,
    mapAction: (a) => a,
    judge: (prev, a, next, goal, lava, raw) => {
      if (prev[p] === 1) return second.judge(prev, a, next, goal, lava, raw);
      const j = first.judge(prev, a, next, goal, lava, raw);
      if (!j.success) return j;
      const k = second.judge(prev, a, next, goal, lava, raw);
      return k.terminated ? k : { success: false, terminated: false, code: j.code, setSlot: FIRST_DONE };
    },
    // Consistent: the first clause's bound is at most 1 where it can be done in one step.
    heuristic: (s) => (s[p] === 1 ? second.heuristic(s) : first.heuristic(s)),
    fillSlots: (s) => {
      s[p] = seq.firstDone() ? 1 : 0;
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
    this.exactOk = babyaiRule(env.instrs) !== null && !process.env["BABYAI_DONE_ACTIONS"];
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
    const make = babyaiRule(env.instrs);
    if (!make) return null;
    try {
      this.model = new GridModel(env, make, babyaiRuleSlots(env.instrs));
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
