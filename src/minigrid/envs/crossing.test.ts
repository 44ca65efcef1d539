import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { Ball } from "../world-object.js";
import { CrossingEnv } from "./crossing.js";
import { picture, play, recordedEpisode } from "./layout.test-util.js";

const { left, right, forward } = Actions;

test("LavaCrossingS9N2 seed 0: a lava row at y = 2 open at x = 1 and a lava column at x = 6 open at y = 7", () => {
  const env = makeEnv("MiniGrid-LavaCrossingS9N2-v0");
  const { obs } = env.reset({ seed: 0 });
  assert.deepEqual(picture(env), [
    "#########",
    "#>....~.#",
    "#.~~~~~~#",
    "#.....~.#",
    "#.....~.#",
    "#.....~.#",
    "#.....~.#",
    "#......G#",
    "#########",
  ]);
  assert.equal(obs.mission, "avoid the lava and get to the green goal square");
  assert.equal(env.maxSteps, 4 * 9 * 9);
  // Two shuffles (6 and 2 candidates) and two choices over 5 cells: the same 5 PCG64 outputs as Python.
  const ep = recordedEpisode("MiniGrid-LavaCrossingS9N2-v0", 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  const rng = env.rngSnapshot();
  assert.deepEqual([rng.draws, rng.has_uint32, rng.state], [5, 0, ep.rng_after_reset.state]);
});

test("SimpleCrossingS9N3 seed 1: three wall rivers, one opening each, and the wall mission", () => {
  const env = makeEnv("MiniGrid-SimpleCrossingS9N3-v0");
  const { obs } = env.reset({ seed: 1 });
  assert.deepEqual(picture(env), [
    "#########",
    "#>....#.#",
    "#.#...#.#",
    "#.#.....#",
    "#######.#",
    "#.#...#.#",
    "#.#...#.#",
    "#.#...#G#",
    "#########",
  ]);
  assert.equal(obs.mission, "find the opening and get to the green goal square");
  assert.equal(digits(env.grid.encode()), recordedEpisode("MiniGrid-SimpleCrossingS9N3-v0", 1).grid);
});

test("LavaCrossingS9N2 seed 0: through both openings to the goal pays 1 - 0.9 * 14/324 and terminates", () => {
  const env = makeEnv("MiniGrid-LavaCrossingS9N2-v0");
  env.reset({ seed: 0 });
  const path = [right, ...Array(6).fill(forward), left, ...Array(6).fill(forward)];
  const results = play(env, path);
  assert.ok(results.slice(0, -1).every((r) => !r.terminated && r.reward === 0));
  const last = results.at(-1)!;
  assert.deepEqual(env.agentPos, [7, 7]);
  assert.deepEqual([last.terminated, last.truncated, last.reward], [true, false, 1 - 0.9 * (14 / 324)]);
});

test("LavaCrossingS9N2 seed 0: walking into the lava column ends the episode with reward 0", () => {
  const env = makeEnv("MiniGrid-LavaCrossingS9N2-v0");
  env.reset({ seed: 0 });
  const results = play(env, [forward, forward, forward, forward, forward]);
  assert.deepEqual(env.agentPos, [6, 1]);
  assert.equal(env.grid.get(6, 1)?.type, "lava");
  assert.deepEqual([results[4]!.terminated, results[4]!.reward], [true, 0]);
  assert.ok(results.slice(0, 4).every((r) => !r.terminated));
});

test("SimpleCrossing: a wall river blocks the agent without ending the episode", () => {
  const env = makeEnv("MiniGrid-SimpleCrossingS9N3-v0");
  env.reset({ seed: 1 });
  const results = play(env, [forward, forward, forward, forward, forward, forward]);
  assert.deepEqual(env.agentPos, [5, 1]);
  assert.ok(results.every((r) => !r.terminated && r.reward === 0));
});

test("Crossing options: obstacle names are case-insensitive, other classes get the plain mission, sizes must be odd", () => {
  const walls = makeEnv("MiniGrid-LavaCrossingS9N1-v0", { obstacle_type: "WALL" });
  assert.equal(walls.reset({ seed: 0 }).obs.mission, "find the opening and get to the green goal square");
  const balls = new CrossingEnv({ size: 7, numCrossings: 2, obstacleType: Ball });
  assert.equal(balls.reset({ seed: 0 }).obs.mission, "get to the green goal square");
  assert.ok(balls.grid.contains("ball"));
  assert.throws(() => new CrossingEnv({ size: 8 }), RangeError);
  assert.throws(() => new CrossingEnv({ obstacleType: "water" as "lava" }), /unknown obstacleType 'water'/);
});
