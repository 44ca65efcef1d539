/**
 * Play: live envs stepped from the browser. Each session is one env in server memory, keyed by a
 * random id; the oldest idle sessions are dropped beyond `MAX_SESSIONS`.
 */
import { randomUUID } from "node:crypto";
import { isActionIndex } from "../minigrid/constants.js";
import type { MiniGridEnv } from "../minigrid/minigrid-env.js";
import { envRegistration, makeEnv } from "../minigrid/registry.js";
import { liveAgentState } from "../agent/observation.js";
import type { PlayState } from "./api-types.js";
import { HttpError } from "./http.js";

const MAX_SESSIONS = 64;
/** Envs whose reset is slow (huge BabyAI levels) are still fine; this only bounds seeds to numpy's range. */
const MAX_SEED = 2 ** 53 - 1;

interface Session {
  id: string;
  envId: string;
  seed: number;
  env: MiniGridEnv;
  reward: number;
  ret: number;
  terminated: boolean;
  truncated: boolean;
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
    const env = makeEnv(envId);
    const s = (seed as number | undefined) ?? Math.floor(Math.random() * 1_000_000);
    env.reset({ seed: s });
    const session: Session = {
      id: randomUUID(),
      envId,
      seed: s,
      env,
      reward: 0,
      ret: 0,
      terminated: false,
      truncated: false,
      actions: [],
      lastUsed: Date.now(),
      busy: Promise.resolve(),
    };
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
    if (s.terminated || s.truncated) throw new HttpError(409, "the episode is over; start a new one");
    const r = s.env.step(action);
    s.actions.push(action);
    s.reward = r.reward;
    s.ret += r.reward;
    s.terminated = r.terminated;
    s.truncated = r.truncated;
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

function stateOf(s: Session): PlayState {
  const env = s.env;
  return {
    id: s.id,
    env_id: s.envId,
    seed: s.seed,
    ...liveAgentState(env),
    max_steps: env.maxSteps,
    reward: s.reward,
    return: s.ret,
    terminated: s.terminated,
    truncated: s.truncated,
    actions: [...s.actions],
  };
}
