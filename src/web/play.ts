/**
 * Play: live envs stepped from the browser. Each session is one `PlaySession` (src/agent/play-session.ts,
 * what `gridtune play` drives in the terminal) in server memory, keyed by a random id; the oldest idle
 * sessions are dropped beyond `MAX_SESSIONS`. This file only validates requests and shapes the JSON.
 */
import { randomUUID } from "node:crypto";
import { PlaySession } from "../agent/play-session.js";
import { isActionIndex } from "../minigrid/constants.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import { envRegistration } from "../minigrid/registry.js";
import type { ExpertHint, PlayState } from "./api-types.js";
import { HttpError } from "./http.js";

const MAX_SESSIONS = 64;
/** Envs whose reset is slow (huge BabyAI levels) are still fine; this only bounds seeds to numpy's range. */
const MAX_SEED = 2 ** 53 - 1;

interface Session {
  id: string;
  play: PlaySession;
  /** The session's env (`play.env`), for the agent and the pictures. */
  env: MiniGridEnv;
  actions: number[];
  lastUsed: number;
  /** Serialises agent calls and steps on this session. */
  busy: Promise<unknown>;
}

export class PlaySessions {
  private readonly sessions = new Map<string, Session>();

  create(envId: unknown, seed: unknown): PlayState {
    if (typeof envId !== "string" || envId === "") throw new HttpError(400, "'env_id' must be a registered env id (see /api/envs)");
    if (seed !== undefined && seed !== null && !(typeof seed === "number" && Number.isSafeInteger(seed) && seed >= 0 && seed <= MAX_SEED)) {
      throw new HttpError(400, `'seed' must be a non-negative integer, got ${JSON.stringify(seed)}`);
    }
    try {
      envRegistration(envId);
    } catch (e) {
      throw new HttpError(404, (e as Error).message);
    }
    const play = new PlaySession({ env: envId, seed: (seed as number | undefined) ?? Math.floor(Math.random() * 1_000_000) });
    const session: Session = { id: randomUUID(), play, env: play.env, actions: [], lastUsed: Date.now(), busy: Promise.resolve() };
    this.sessions.set(session.id, session);
    if (this.sessions.size > MAX_SESSIONS) {
      const oldest = [...this.sessions.values()].sort((a, b) => a.lastUsed - b.lastUsed)[0]!;
      this.sessions.delete(oldest.id);
    }
    return stateOf(session);
  }

  get(id: string): Session {
    const s = this.sessions.get(id);
    if (!s) throw new HttpError(404, `unknown play session '${id}' (it may have expired; start a new episode)`);
    s.lastUsed = Date.now();
    return s;
  }

  state(id: string): PlayState {
    return stateOf(this.get(id));
  }

  step(id: string, action: unknown): PlayState {
    const s = this.get(id);
    if (!isActionIndex(action)) throw new HttpError(400, `'action' must be an integer 0–6 (0 left, 1 right, 2 forward, 3 pickup, 4 drop, 5 toggle, 6 done), got ${JSON.stringify(action)}`);
    if (s.play.done) throw new HttpError(409, "the episode is over; start a new one");
    s.play.act(action);
    s.actions.push(action);
    return stateOf(s);
  }

  /** Run `fn` on the session after any call already running on it. */
  exclusive<T>(id: string, fn: (s: Session) => Promise<T>): Promise<T> {
    const s = this.get(id);
    const next = s.busy.then(() => fn(s));
    s.busy = next.catch(() => undefined);
    return next;
  }
}

/** The expert's advice for the session's current state, as `gridtune play` prints it; an env the expert cannot plan says why. */
function expertOf(play: PlaySession): { expert: ExpertHint | null; expert_error: string | null } {
  try {
    const d = play.expertHint();
    return { expert: d && { action: d.action, optimal_actions: [...d.optimalActions], optimal_exact: d.optimalExact, subgoal: d.subgoal }, expert_error: null };
  } catch (e) {
    return { expert: null, expert_error: (e as Error).message };
  }
}

function stateOf(s: Session): PlayState {
  const { play, env } = s;
  const last = play.lastStep;
  return {
    id: s.id,
    env_id: env.envId,
    seed: play.seed,
    mission: env.mission,
    step: env.stepCount,
    max_steps: env.maxSteps,
    agent_pos: [env.agentPos[0], env.agentPos[1]],
    agent_dir: env.agentDir,
    carrying: env.carrying ? [env.carrying.type, env.carrying.color] : null,
    reward: last?.reward ?? 0,
    return: play.totalReward,
    terminated: last?.terminated ?? false,
    truncated: last?.truncated ?? false,
    actions: [...s.actions],
    ...expertOf(play),
  };
}
