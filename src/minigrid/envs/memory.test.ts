import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { MemoryEnv } from "./memory.js";
import { picture, play, recordedEpisode } from "./layout.test-util.js";

const { left, right, forward, pickup } = Actions;

test("MemoryS7 seed 0: a ball in the start room; key above and ball below the corridor, so (5, 4) wins", () => {
  const env = makeEnv("MiniGrid-MemoryS7-v0") as MemoryEnv;
  const { obs } = env.reset({ seed: 0 });
  assert.deepEqual(picture(env), [
    "#######",
    "#####K#",
    "#o..#.#",
    "#...>.#",
    "#...#.#",
    "#####o#",
    "#######",
  ]);
  assert.deepEqual([env.successPos, env.failurePos], [[5, 4], [5, 2]]);
  assert.deepEqual([obs.mission, env.maxSteps], ["go to the matching object at the end of the hallway", 245]);
  const ep = recordedEpisode("MiniGrid-MemoryS7-v0", 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  assert.deepEqual([env.rngSnapshot().draws, env.rngSnapshot().has_uint32], [2, 1]);
});

test("MemoryS13Random seed 1: the hallway ends at x = 7 instead of size - 3 = 10", () => {
  const env = makeEnv("MiniGrid-MemoryS13Random-v0") as MemoryEnv;
  env.reset({ seed: 1 });
  assert.deepEqual(picture(env).slice(4, 9), [
    "#####..#K#..#",
    "#o..####.#..#",
    "#...>....#..#",
    "#...####.#..#",
    "#####..#o#..#",
  ]);
  assert.deepEqual([env.successPos, env.failurePos], [[8, 7], [8, 5]]);
  assert.equal(digits(env.grid.encode()), recordedEpisode("MiniGrid-MemoryS13Random-v0", 1).grid);
});

test("MemoryS7 seed 0: reaching the cell beside the matching ball pays 1 - 0.9 * 3/245", () => {
  const env = makeEnv("MiniGrid-MemoryS7-v0");
  env.reset({ seed: 0 });
  const results = play(env, [forward, right, forward]);
  assert.deepEqual(env.agentPos, [5, 4]);
  assert.deepEqual([results[2]!.terminated, results[2]!.reward], [true, 1 - 0.9 * (3 / 245)]);
});

test("MemoryS7 seed 0: reaching the cell beside the key ends the episode with reward 0", () => {
  const env = makeEnv("MiniGrid-MemoryS7-v0");
  env.reset({ seed: 0 });
  const results = play(env, [forward, left, forward]);
  assert.deepEqual(env.agentPos, [5, 2]);
  assert.deepEqual([results[2]!.terminated, results[2]!.reward], [true, 0]);
});

test("Memory: pickup acts as toggle, so objects cannot be picked up", () => {
  const env = makeEnv("MiniGrid-MemoryS7-v0");
  env.reset({ seed: 0 });
  play(env, [left, left, forward, forward, forward, right]); // at (1, 3) facing up, at the start-room ball
  assert.equal(env.grid.get(1, 2)?.type, "ball");
  const r = env.step(pickup);
  assert.deepEqual([env.carrying, env.grid.get(1, 2)?.type, r.terminated], [null, "ball", false]);
});

test("Memory sizes must be odd: the hallway runs along the middle row", () => {
  assert.throws(() => new MemoryEnv({ size: 8 }), /odd size/);
});
