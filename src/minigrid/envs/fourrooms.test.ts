import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { FourRoomsEnv } from "./fourrooms.js";
import { picture, play, recordedEpisode } from "./layout.test-util.js";

const { left, right, forward } = Actions;

test("FourRooms seed 0: gaps at (9, 7), (6, 9), (14, 9) and (9, 12); the goal at (13, 12); the agent at (3, 15) facing left", () => {
  const env = makeEnv("MiniGrid-FourRooms-v0");
  const { obs } = env.reset({ seed: 0 });
  assert.deepEqual(picture(env), [
    "###################",
    "#........#........#",
    "#........#........#",
    "#........#........#",
    "#........#........#",
    "#........#........#",
    "#........#........#",
    "#.................#",
    "#........#........#",
    "######.#######.####",
    "#........#........#",
    "#........#........#",
    "#............G....#",
    "#........#........#",
    "#........#........#",
    "#..<.....#........#",
    "#........#........#",
    "#........#........#",
    "###################",
  ]);
  assert.deepEqual([obs.mission, env.maxSteps], ["reach the goal", 100]);
  const ep = recordedEpisode("MiniGrid-FourRooms-v0", 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  assert.equal(env.rngSnapshot().draws, ep.rng_after_reset.draws);
});

test("FourRooms seed 0: up three cells and right through the bottom gap reaches the goal: 1 - 0.9 * 15/100", () => {
  const env = makeEnv("MiniGrid-FourRooms-v0");
  env.reset({ seed: 0 });
  const results = play(env, [right, forward, forward, forward, right, ...Array(10).fill(forward)]);
  assert.ok(results.slice(0, -1).every((r) => !r.terminated && r.reward === 0));
  assert.deepEqual(env.agentPos, [13, 12]);
  const last = results.at(-1)!;
  assert.deepEqual([last.terminated, last.reward], [true, 1 - 0.9 * (15 / 100)]);
});

test("FourRooms: the episode is truncated after 100 steps", () => {
  const env = makeEnv("MiniGrid-FourRooms-v0");
  env.reset({ seed: 0 });
  const results = play(env, Array(100).fill(left));
  assert.ok(results.slice(0, 99).every((r) => !r.truncated));
  assert.deepEqual([results[99]!.truncated, results[99]!.terminated], [true, false]);
});

test("FourRooms with agentPos and goalPos: fixed cells, still a random direction", () => {
  const env = new FourRoomsEnv({ agentPos: [1, 1], goalPos: [17, 17] });
  env.reset({ seed: 0 });
  assert.deepEqual(env.agentPos, [1, 1]);
  assert.equal(env.grid.get(17, 17)?.type, "goal");
  assert.ok(env.agentDir >= 0 && env.agentDir < 4);
});
