import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { DistShiftEnv } from "./distshift.js";
import { picture, play, recordedEpisode } from "./layout.test-util.js";

const { left, right, forward } = Actions;

test("DistShift1 and DistShift2 differ only in the second lava strip's row (2 vs 5), and draw nothing", () => {
  const one = makeEnv("MiniGrid-DistShift1-v0");
  one.reset({ seed: 3 });
  assert.deepEqual(picture(one), [
    "#########",
    "#>.~~~.G#",
    "#..~~~..#",
    "#.......#",
    "#.......#",
    "#.......#",
    "#########",
  ]);
  const two = makeEnv("MiniGrid-DistShift2-v0");
  two.reset({ seed: 1 });
  assert.deepEqual(picture(two), [
    "#########",
    "#>.~~~.G#",
    "#.......#",
    "#.......#",
    "#.......#",
    "#..~~~..#",
    "#########",
  ]);
  assert.equal(digits(one.grid.encode()), recordedEpisode("MiniGrid-DistShift1-v0", 3).grid);
  assert.equal(digits(two.grid.encode()), recordedEpisode("MiniGrid-DistShift2-v0", 1).grid);
  assert.equal(one.rngSnapshot().draws, 0);
  assert.deepEqual([one.maxSteps, one.seeThroughWalls], [252, true]);
});

test("DistShift1: around the lava to the goal at (7, 1) pays 1 - 0.9 * 13/252 and terminates", () => {
  const env = makeEnv("MiniGrid-DistShift1-v0");
  env.reset({ seed: 0 });
  const path = [right, forward, forward, left, ...Array(6).fill(forward), left, forward, forward];
  const results = play(env, path);
  assert.ok(results.slice(0, -1).every((r) => !r.terminated));
  assert.deepEqual(env.agentPos, [7, 1]);
  const last = results.at(-1)!;
  assert.deepEqual([last.terminated, last.reward], [true, 1 - 0.9 * (13 / 252)]);
});

test("DistShift1: two steps forward is lava, ending the episode with reward 0", () => {
  const env = makeEnv("MiniGrid-DistShift1-v0");
  env.reset({ seed: 0 });
  const results = play(env, [forward, forward]);
  assert.deepEqual(env.agentPos, [3, 1]);
  assert.deepEqual([results[1]!.terminated, results[1]!.reward], [true, 0]);
});

test("DistShift with agentStartPos: null places the agent at random, facing a random way", () => {
  const env = new DistShiftEnv({ agentStartPos: null });
  env.reset({ seed: 0 });
  assert.equal(env.grid.get(env.agentPos[0], env.agentPos[1]), null);
  assert.ok(env.rngSnapshot().draws > 0);
});
