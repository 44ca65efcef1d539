/**
 * BabyAI-MixedTrainLocal-v0 (BALROG's BabyAI level) against episodes recorded from babyai-text's
 * level on Python Minigrid 3.1.0 (fixtures/mixed-train-local.json), and its task option and ids.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../testing/paths.js";
import { listEnvIds, makeEnv } from "../registry.js";
import { BABYAI_ENVS } from "./index.js";
import { BALROG_TASKS, MixedTrainLocal } from "./balrog.js";
import { BabyAIBot } from "./bot.js";

interface RecordedEpisode {
  task: string;
  seed: number;
  mission: string;
  agent: [number, number, number];
  size: [number, number];
  max_steps: number;
  grid_sha1: string;
  rng_state: string;
  bot_actions: string;
  terminated: boolean;
  truncated: boolean;
  final_reward: number;
}

const fixture = JSON.parse(readFileSync(join(repoRoot, "src/minigrid/babyai/fixtures/mixed-train-local.json"), "utf8")) as {
  episodes: RecordedEpisode[];
};

test("each task's seeded layout matches babyai-text's level on Python Minigrid (seeds 0–9)", () => {
  assert.equal(fixture.episodes.length, 50);
  for (const ep of fixture.episodes) {
    const env = makeEnv(`BabyAI-MixedTrainLocal-v0/${ep.task}`);
    env.reset({ seed: ep.seed });
    const grid = createHash("sha1").update(Array.from(env.grid.encode()).join("")).digest("hex");
    assert.deepEqual(
      [env.mission, [...env.agentPos, env.agentDir], [env.width, env.height], env.maxSteps, grid, env.rngSnapshot().state],
      [ep.mission, ep.agent, ep.size, ep.max_steps, ep.grid_sha1, ep.rng_state],
      `${ep.task} seed ${ep.seed}`,
    );
  }
});

test("the BabyAI bot plays each recorded episode with Python's actions and reward", () => {
  for (const ep of fixture.episodes) {
    const env = makeEnv(`BabyAI-MixedTrainLocal-v0/${ep.task}`) as MixedTrainLocal;
    env.reset({ seed: ep.seed });
    const bot = new BabyAIBot(env);
    let actions = "";
    let last: number | null = null;
    for (;;) {
      last = bot.replan(last);
      actions += last;
      const r = env.step(last);
      if (r.terminated || r.truncated) {
        assert.deepEqual([actions, r.terminated, r.truncated, r.reward], [ep.bot_actions, ep.terminated, ep.truncated, ep.final_reward], `${ep.task} seed ${ep.seed}`);
        break;
      }
    }
  }
});

test("open: two rooms, a locked door in a colour other than red or grey, the agent outside", () => {
  const env = makeEnv("BabyAI-MixedTrainLocal-v0/open") as MixedTrainLocal;
  for (let seed = 0; seed < 10; seed++) {
    env.reset({ seed });
    assert.deepEqual([env.numCols, env.numRows, env.width], [2, 1, 15]);
    const doors = env.grid.cells.filter((c) => c?.type === "door");
    assert.equal(doors.length, 1);
    assert.ok(["yellow", "green", "blue", "purple"].includes(doors[0]!.color), doors[0]!.color);
    assert.notEqual(env.roomFromPos(...env.agentPos), env.lockedRoom);
    assert.match(env.mission, /^open the (\w+ )?door$/);
  }
});

test("BabyAI-MixedTrainLocal-v0/<task> is the level with that task option, under the suffixed id", () => {
  for (const task of BALROG_TASKS) {
    const a = makeEnv(`BabyAI-MixedTrainLocal-v0/${task}`) as MixedTrainLocal;
    const b = makeEnv("BabyAI-MixedTrainLocal-v0", { task }) as MixedTrainLocal;
    assert.equal(a.envId, `BabyAI-MixedTrainLocal-v0/${task}`);
    assert.equal(a.task, task);
    a.reset({ seed: 7 });
    b.reset({ seed: 7 });
    assert.equal(a.mission, b.mission);
    assert.deepEqual(a.grid.encode(), b.grid.encode());
  }
  assert.deepEqual(listEnvIds("BabyAI-MixedTrainLocal"), [
    "BabyAI-MixedTrainLocal-v0",
    "BabyAI-MixedTrainLocal-v0/goto",
    "BabyAI-MixedTrainLocal-v0/open",
    "BabyAI-MixedTrainLocal-v0/pick_up_seq_go_to",
    "BabyAI-MixedTrainLocal-v0/pickup",
    "BabyAI-MixedTrainLocal-v0/putnext",
  ]);
  // Not one of Minigrid 3.1.0's own 96 BabyAI ids.
  assert.ok(!BABYAI_ENVS.some((r) => r.id.startsWith("BabyAI-MixedTrainLocal")));
});

test("an unknown task names the option and the allowed values; snake_case options work", () => {
  assert.throws(() => makeEnv("BabyAI-MixedTrainLocal-v0", { task: "go_to" }), /option task must be one of goto, pickup, open, putnext, pick_up_seq_go_to; got "go_to"/);
  assert.throws(() => makeEnv("BabyAI-MixedTrainLocal-v0/goto", { num_cols: 3 }), /1 row and 1 column/);
  const env = makeEnv("BabyAI-MixedTrainLocal-v0/goto", { num_dists: 2, room_size: 6 }) as MixedTrainLocal;
  env.reset({ seed: 0 });
  assert.equal(env.width, 6);
  assert.equal(env.grid.cells.filter((c) => c !== null && c.type !== "wall").length, 3);
});

test("without a task option, the env draws one of the five at construction and keeps it", () => {
  const seen = new Set<string>();
  for (let k = 0; k < 40; k++) {
    const env = makeEnv("BabyAI-MixedTrainLocal-v0") as MixedTrainLocal;
    assert.ok((BALROG_TASKS as readonly string[]).includes(env.task), env.task);
    env.reset({ seed: 0 });
    const first = env.mission;
    env.reset({ seed: 0 });
    assert.equal(env.mission, first);
    seen.add(env.task);
  }
  // 40 draws miss a given task with probability 0.8^40 ≈ 1e-4 each.
  assert.ok(seen.size >= 3, [...seen].join(", "));
});
