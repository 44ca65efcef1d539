import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { objects } from "./layout.test-util.js";

test("Fetch ids carry Python's sizes, object counts and max_steps = 5·size²", () => {
  for (const [id, size, maxSteps] of [
    ["MiniGrid-Fetch-5x5-N2-v0", 5, 125],
    ["MiniGrid-Fetch-6x6-N2-v0", 6, 180],
    ["MiniGrid-Fetch-8x8-N3-v0", 8, 320],
  ] as const) {
    const env = makeEnv(id);
    assert.equal(env.width, size);
    assert.equal(env.maxSteps, maxSteps);
    assert.equal(env.seeThroughWalls, true);
  }
});

test("Fetch-8x8-N3 seed 1 places three objects (repeats of a colour allowed) and names one", () => {
  const env = makeEnv("MiniGrid-Fetch-8x8-N3-v0");
  const { obs } = env.reset({ seed: 1 });
  // As recorded from Python Minigrid 3.1.0.
  assert.deepEqual(objects(env), ["purple key@1,2", "grey ball@2,6", "grey key@5,4"]);
  assert.deepEqual(env.agentPos, [6, 6]);
  assert.equal(env.agentDir, 3);
  assert.equal(obs.mission, "you must fetch a grey ball");
});

test("Fetch-5x5-N2 seed 0: picking up the named object pays the success reward and ends the episode", () => {
  const env = makeEnv("MiniGrid-Fetch-5x5-N2-v0");
  const { obs } = env.reset({ seed: 0 });
  assert.equal(obs.mission, "go get a blue key");
  assert.deepEqual(objects(env), ["purple ball@2,1", "blue key@2,3"]);
  assert.deepEqual([env.agentPos, env.agentDir], [[3, 2], 2]);

  let r = env.step(Actions.forward); // to (2,2), between the two objects
  assert.deepEqual([r.reward, r.terminated], [0, false]);
  env.step(Actions.left); // face down, at the blue key
  r = env.step(Actions.pickup);
  assert.equal(env.carrying?.type, "key");
  assert.equal(r.terminated, true);
  assert.equal(r.reward, 1 - 0.9 * (3 / 125));
});

test("Fetch-5x5-N2 seed 0: picking up the other object ends the episode with reward 0", () => {
  const env = makeEnv("MiniGrid-Fetch-5x5-N2-v0");
  env.reset({ seed: 0 });
  env.step(Actions.forward);
  env.step(Actions.right); // face up, at the purple ball
  const r = env.step(Actions.pickup);
  assert.equal(env.carrying?.color, "purple");
  assert.deepEqual([r.reward, r.terminated, r.truncated], [0, true, false]);
});
