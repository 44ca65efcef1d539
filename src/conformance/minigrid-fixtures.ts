/**
 * Replays reference episodes recorded from Python Minigrid (fixtures/minigrid) and reports
 * every field that differs, grouped per episode. Used by `npm run conformance -- minigrid|babyai`.
 */
import { makeEnv } from "../minigrid/registry.js";
import type { MiniGridEnv, Observation } from "../minigrid/minigrid-env.js";
import { digits, type FixtureEpisode, type FixtureRng } from "../testing/reference-fixtures.js";

export type { FixtureBot, FixtureEpisode, FixtureFile, FixtureRng, FixtureStep } from "../testing/reference-fixtures.js";
export { digits, loadFixtureFile } from "../testing/reference-fixtures.js";

/** The outcome of replaying one episode: every field that differed. */
export interface EpisodeCheck {
  envId: string;
  seed: number;
  failures: string[];
}

function carried(env: MiniGridEnv): [string, string] | null {
  return env.carrying ? [env.carrying.type, env.carrying.color] : null;
}

/** Optional bot check, supplied by the BabyAI layer (returns failure strings). */
export type BotCheck = (episode: FixtureEpisode) => string[];

/** Replay one recorded episode; every mismatch is listed, not just the first. */
export function checkEpisode(ep: FixtureEpisode, botCheck?: BotCheck): EpisodeCheck {
  const failures: string[] = [];
  const eq = (where: string, field: string, got: unknown, want: unknown): void => {
    const g = JSON.stringify(got);
    const w = JSON.stringify(want);
    if (g !== w) failures.push(`${where} ${field}: got ${g.slice(0, 200)}, want ${w.slice(0, 200)}`);
  };
  const rngEq = (where: string, got: FixtureRng, want: FixtureRng): void => {
    eq(where, "rng.draws", got.draws, want.draws);
    eq(where, "rng.has_uint32", got.has_uint32, want.has_uint32);
    eq(where, "rng.state", got.state, want.state);
  };
  try {
    const env = makeEnv(ep.env_id);
    const { obs } = env.reset({ seed: ep.seed });
    const at = "reset";
    eq(at, "mission", obs.mission, ep.mission);
    eq(at, "width", env.width, ep.width);
    eq(at, "height", env.height, ep.height);
    eq(at, "max_steps", env.maxSteps, ep.max_steps);
    eq(at, "agent_view_size", env.agentViewSize, ep.agent_view_size);
    eq(at, "see_through_walls", env.seeThroughWalls, ep.see_through_walls);
    eq(at, "agent_pos", env.agentPos, ep.agent_pos);
    eq(at, "agent_dir", env.agentDir, ep.agent_dir);
    eq(at, "direction", obs.direction, ep.agent_dir);
    eq(at, "carrying", carried(env), ep.carrying);
    eq(at, "grid", digits(env.grid.encode()), ep.grid);
    eq(at, "image", digits(obs.image), ep.image);
    rngEq(at, env.rngSnapshot(), ep.rng_after_reset);
    let mission = ep.mission;
    for (let k = 0; k < ep.steps.length && failures.length < 20; k++) {
      const s = ep.steps[k]!;
      const r = env.step(s.action);
      const where = `step ${k} (action ${s.action})`;
      eq(where, "reward", r.reward, s.reward);
      eq(where, "terminated", r.terminated, s.terminated);
      eq(where, "truncated", r.truncated, s.truncated);
      eq(where, "agent_pos", env.agentPos, s.agent_pos);
      eq(where, "agent_dir", env.agentDir, s.agent_dir);
      eq(where, "carrying", carried(env), s.carrying);
      eq(where, "image", digits((r.obs as Observation).image), s.image);
      if (s.mission !== undefined) mission = s.mission;
      eq(where, "mission", r.obs.mission, mission);
    }
    eq("end", "final_grid", digits(env.grid.encode()), ep.final_grid);
    rngEq("end", env.rngSnapshot(), ep.rng_final);
    if (botCheck) failures.push(...botCheck(ep));
  } catch (e) {
    failures.push(`error: ${(e as Error).stack ?? String(e)}`.split("\n").slice(0, 4).join(" | "));
  }
  return { envId: ep.env_id, seed: ep.seed, failures };
}
