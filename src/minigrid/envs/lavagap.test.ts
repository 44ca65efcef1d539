import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { LavaGapEnv } from "./lavagap.js";
import { picture, play, recordedEpisode } from "./layout.test-util.js";

const { left, right, forward } = Actions;

test("LavaGapS7 seed 0 puts the lava strip at x = 4 with the gap at (4, 4)", () => {
  const env = makeEnv("MiniGrid-LavaGapS7-v0") as LavaGapEnv;
  const { obs } = env.reset({ seed: 0 });
  assert.deepEqual(env.gapPos, [4, 4]);
  assert.deepEqual(picture(env), [
    "#######",
    "#>..~.#",
    "#...~.#",
    "#...~.#",
    "#.....#",
    "#...~G#",
    "#######",
  ]);
  assert.equal(obs.mission, "avoid the lava and get to the green goal square");
  assert.equal(env.maxSteps, 196);
  assert.equal(digits(env.grid.encode()), recordedEpisode("MiniGrid-LavaGapS7-v0", 0).grid);
});

test("LavaGapS5 has one possible strip column (x = 2), so only the gap's row is drawn", () => {
  const env = makeEnv("MiniGrid-LavaGapS5-v0") as LavaGapEnv;
  for (let seed = 0; seed < 5; seed++) {
    env.reset({ seed });
    assert.equal(env.gapPos[0], 2);
    // One 32-bit half-word used: one PCG64 output, its upper half still buffered.
    assert.deepEqual([env.rngSnapshot().draws, env.rngSnapshot().has_uint32], [1, 1]);
  }
  env.reset({ seed: 2 });
  assert.deepEqual(env.gapPos, [2, 3]);
  assert.equal(digits(env.grid.encode()), recordedEpisode("MiniGrid-LavaGapS5-v0", 2).grid);
});

test("LavaGapS7 seed 0: through the gap to the goal pays 1 - 0.9 * 11/196 and terminates", () => {
  const env = makeEnv("MiniGrid-LavaGapS7-v0");
  env.reset({ seed: 0 });
  const results = play(env, [right, forward, forward, forward, left, forward, forward, forward, forward, right, forward]);
  assert.ok(results.slice(0, -1).every((r) => !r.terminated));
  assert.deepEqual(env.agentPos, [5, 5]);
  assert.deepEqual([results[10]!.terminated, results[10]!.reward], [true, 1 - 0.9 * (11 / 196)]);
});

test("LavaGapS7 seed 0: stepping into the strip ends the episode with reward 0", () => {
  const env = makeEnv("MiniGrid-LavaGapS7-v0");
  env.reset({ seed: 0 });
  const results = play(env, [forward, forward, forward]);
  assert.deepEqual(env.agentPos, [4, 1]);
  assert.deepEqual([results[2]!.terminated, results[2]!.reward], [true, 0]);
});

test("LavaGap with wall obstacles asks to find the opening", () => {
  const env = new LavaGapEnv({ size: 6, obstacleType: "wall" });
  const { obs } = env.reset({ seed: 0 });
  assert.equal(obs.mission, "find the opening and get to the green goal square");
  const [gapX, gapY] = env.gapPos;
  const strip = [1, 2, 3, 4].map((y) => (y === gapY ? null : env.grid.get(gapX, y)?.type));
  assert.deepEqual(strip, [1, 2, 3, 4].map((y) => (y === gapY ? null : "wall")));
});
