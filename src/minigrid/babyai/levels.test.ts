/**
 * BabyAI levels against episodes recorded from Python Minigrid 3.1.0 (fixtures/minigrid/babyai.json.gz):
 * seeded layouts per family, Python's generation quirks, and recorded action sequences that succeed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { digits, loadFixtureFile, type FixtureEpisode } from "../../testing/reference-fixtures.js";
import { fixturePath } from "../../testing/paths.js";
import { makeEnv } from "../registry.js";
import type { MiniGridEnv } from "../minigrid-env.js";
import { BABYAI_ENVS } from "./index.js";
import { LevelGen } from "./levelgen.js";
import type { RoomGridLevel } from "./roomgrid-level.js";
import type { PutNext } from "./putnext.js";

const fixture = loadFixtureFile(fixturePath("minigrid/babyai.json.gz"));

function recorded(envId: string, seed: number): FixtureEpisode {
  const ep = fixture.episodes.find((e) => e.env_id === envId && e.seed === seed);
  if (!ep) throw new Error(`no recorded episode for ${envId} seed ${seed}`);
  return ep;
}

function level(envId: string, seed: number): RoomGridLevel {
  const env = makeEnv(envId) as RoomGridLevel;
  env.reset({ seed });
  return env;
}

/** What a reset must reproduce, as the fixture stores it. */
function resetState(env: MiniGridEnv, image: Uint8Array) {
  return {
    mission: env.mission,
    size: [env.width, env.height],
    maxSteps: env.maxSteps,
    agent: [...env.agentPos, env.agentDir],
    carrying: env.carrying ? [env.carrying.type, env.carrying.color] : null,
    grid: digits(env.grid.encode()),
    image: digits(image),
    draws: env.rngSnapshot().draws,
  };
}

function recordedState(ep: FixtureEpisode) {
  return {
    mission: ep.mission,
    size: [ep.width, ep.height],
    maxSteps: ep.max_steps,
    agent: [...ep.agent_pos, ep.agent_dir],
    carrying: ep.carrying,
    grid: ep.grid,
    image: ep.image,
    draws: ep.rng_after_reset.draws,
  };
}

test("every registered BabyAI id is ported, under the same id", () => {
  const ids = BABYAI_ENVS.map((r) => r.id);
  assert.equal(ids.length, 96);
  assert.deepEqual([...ids].sort(), [...fixture.env_ids].sort());
});

test("each family's seeded layout matches the recorded Python reset (first id of each family, seeds 0–4)", () => {
  const firstOfFamily = new Map<string, string>();
  for (const r of BABYAI_ENVS) if (!firstOfFamily.has(r.family)) firstOfFamily.set(r.family, r.id);
  assert.ok(firstOfFamily.size >= 30);
  for (const id of firstOfFamily.values()) {
    for (let seed = 0; seed < 5; seed++) {
      const env = makeEnv(id);
      const { obs } = env.reset({ seed });
      assert.deepEqual(resetState(env, obs.image), recordedState(recorded(id, seed)), `${id} seed ${seed}`);
    }
  }
});

test("GoToLocal seed 0: 'go to the green ball' in an 8×8 room, agent at (6, 5) facing left, max_steps 64", () => {
  const env = level("BabyAI-GoToLocal-v0", 0);
  assert.equal(env.mission, "go to the green ball");
  assert.equal(env.maxSteps, 64);
  assert.deepEqual([...env.agentPos, env.agentDir], [6, 5, 2]);
  // Four random actions later (recorded), the agent faces the ball: 1 − 0.9 · 4/64.
  const ep = recorded("BabyAI-GoToLocal-v0", 0);
  const last = ep.steps.map((s) => env.step(s.action)).at(-1)!;
  assert.deepEqual([ep.steps.length, last.terminated, last.reward], [4, true, 1 - 0.9 * (4 / 64)]);
});

test("BossLevel max_steps counts the navigations of every clause: 4 × 8² × 9 rooms for seed 0", () => {
  const env = level("BabyAI-BossLevel-v0", 0);
  assert.equal(
    env.mission,
    "put the red box next to a grey door and open a purple door after you pick up a key and go to the yellow box",
  );
  // put-next (2) + open (1) + pick up (1) + go to (1) = 5 navigations.
  assert.equal(env.maxSteps, 5 * 64 * 9);
});

test("rejected levels are regenerated from the same RNG stream (GoToSeq seed 1 is rejected 8 times)", () => {
  const env = level("BabyAI-GoToSeq-v0", 1);
  assert.equal(env.rejections, 8);
  assert.equal(env.rngSnapshot().draws, recorded("BabyAI-GoToSeq-v0", 1).rng_after_reset.draws);
  assert.equal(env.mission, recorded("BabyAI-GoToSeq-v0", 1).mission);
});

test("PutNext*Carrying: the reset observation still shows the object in its cell; the agent holds it afterwards", () => {
  const ep = recorded("BabyAI-PutNextS7N4Carrying-v0", 0);
  const env = makeEnv("BabyAI-PutNextS7N4Carrying-v0") as PutNext;
  const { obs } = env.reset({ seed: 0 });
  assert.equal(digits(obs.image), ep.image);
  // The agent's own view cell (3, 6) shows empty hands in that observation.
  assert.deepEqual([...obs.image.subarray((3 * 7 + 6) * 3, (3 * 7 + 6) * 3 + 3)], [1, 0, 0]);
  assert.equal(env.carrying, env.objA);
  assert.deepEqual(ep.carrying, [env.objA!.type, env.objA!.color]);
  assert.equal(env.grid.get(...env.objA!.initPos!), null);
  assert.equal(digits(env.grid.encode()), ep.grid);
});

test("UnlockPickup computes max_steps at reset (Python tests `max is None`): 2 rooms × 6² = 72", () => {
  assert.equal(level("BabyAI-UnlockPickup-v0", 0).maxSteps, 72);
  assert.equal(level("BabyAI-BlockedUnlockPickup-v0", 0).maxSteps, 16 * 36);
});

test("GoToImpUnlock and Unlock put distractors in the locked room too (Python compares numpy ints with `is`)", () => {
  for (const [id, perRoom] of [["BabyAI-GoToImpUnlock-v0", 2], ["BabyAI-Unlock-v0", 3]] as const) {
    for (let seed = 0; seed < 5; seed++) {
      const env = level(id, seed);
      for (const row of env.roomGrid) for (const room of row) assert.ok(room.objs.length >= perRoom, `${id} seed ${seed}`);
    }
  }
});

test("LevelGen keeps its last locked room across tries and episodes, as Python does", () => {
  const env = makeEnv("BabyAI-SynthLoc-v0") as LevelGen;
  let stale = 0;
  for (let seed = 0; seed < 40; seed++) {
    env.reset({ seed });
    const rooms = env.roomGrid.flat();
    if (env.lockedRoom !== null && !rooms.includes(env.lockedRoom)) stale++;
  }
  // Roughly half the episodes draw no locked room and keep an old one.
  assert.ok(stale > 5, `stale locked rooms: ${stale}`);
});

test("recorded successful action sequences succeed here too, with the same reward on the same step", () => {
  const ids = [
    "BabyAI-GoToSeq-v0",
    "BabyAI-OpenTwoDoors-v0",
    "BabyAI-OpenDoorsOrderN4-v0",
    "BabyAI-PutNextLocal-v0",
    "BabyAI-PutNextS6N3-v0",
    "BabyAI-UnlockToUnlock-v0",
    "BabyAI-KeyCorridor-v0",
    "BabyAI-MoveTwoAcrossS5N2-v0",
    "BabyAI-SynthSeq-v0",
    "BabyAI-BossLevel-v0",
  ];
  let checked = 0;
  for (const id of ids) {
    for (let seed = 0; seed < 5; seed++) {
      const bot = recorded(id, seed).bot;
      if (!bot || bot.error !== null || !bot.success) continue;
      const env = makeEnv(id);
      env.reset({ seed });
      const actions = [...bot.actions].map(Number);
      actions.forEach((a, k) => {
        const r = env.step(a);
        const last = k === actions.length - 1;
        assert.equal(r.terminated, last, `${id} seed ${seed} step ${k}`);
        if (last) assert.equal(r.reward, bot.reward, `${id} seed ${seed}`);
      });
      checked++;
    }
  }
  assert.ok(checked >= 40, `checked ${checked}`);
});
