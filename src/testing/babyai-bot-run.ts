/** Runs gridtune's port of Minigrid's BabyAIBot the way the reference fixtures recorded Python's bot. */
import { makeEnv } from "../minigrid/registry.js";
import type { RoomGridLevel } from "../minigrid/babyai/roomgrid-level.js";
import { BabyAIBot, BotError } from "../minigrid/babyai/bot.js";
import type { FixtureBot } from "./reference-fixtures.js";

/**
 * One bot episode: the actions taken and how it ended, as the fixtures record it (`error` is
 * `Kind: message` of the error the bot raised, or null), plus the error's kind alone.
 */
export interface BotRun extends Omit<FixtureBot, "known_unsupported"> {
  errorKind: string | null;
}

/** Run the bot on `envId` from `reset(seed)` for at most `maxActions` actions. */
export function runBot(envId: string, seed: number, maxActions = Infinity): BotRun {
  const env = makeEnv(envId) as RoomGridLevel;
  env.reset({ seed });
  const bot = new BabyAIBot(env);
  const run: BotRun = { actions: "", steps: 0, terminated: false, truncated: false, reward: 0, success: false, error: null, errorKind: null };
  let last: number | null = null;
  try {
    while (run.steps < maxActions) {
      const a = bot.replan(last);
      const r = env.step(a);
      last = a;
      run.actions += String(a);
      run.steps++;
      run.terminated = r.terminated;
      run.truncated = r.truncated;
      run.reward = r.reward;
      if (r.terminated || r.truncated) break;
    }
  } catch (e) {
    if (!(e instanceof BotError)) throw e;
    run.error = e.pythonForm;
    run.errorKind = e.kind;
  }
  run.success = run.terminated && run.reward > 0;
  return run;
}

