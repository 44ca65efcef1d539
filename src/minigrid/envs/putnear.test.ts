import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { objects } from "./layout.test-util.js";

// Seed 0 of PutNear-6x6-N2: the agent at (3,3) facing up, the blue key at (1,4), the purple box at (3,1).
const TO_THE_KEY = [Actions.left, Actions.left, Actions.forward, Actions.right, Actions.forward];

test("PutNear ids: 6x6 with two objects, 8x8 with three; max_steps = 5·size", () => {
  for (const [id, size, maxSteps] of [
    ["MiniGrid-PutNear-6x6-N2-v0", 6, 30],
    ["MiniGrid-PutNear-8x8-N3-v0", 8, 40],
  ] as const) {
    const env = makeEnv(id);
    assert.deepEqual([env.width, env.maxSteps, env.seeThroughWalls], [size, maxSteps, true]);
  }
});

test("PutNear-8x8-N3 seed 3 spaces three distinct objects apart and names two different ones", () => {
  const env = makeEnv("MiniGrid-PutNear-8x8-N3-v0");
  const { obs } = env.reset({ seed: 3 });
  // As recorded from Python Minigrid 3.1.0.
  assert.deepEqual(objects(env), ["blue box@1,1", "blue key@2,3", "red key@6,4"]);
  assert.deepEqual([env.agentPos, env.agentDir], [[4, 3], 1]);
  assert.equal(obs.mission, "put the blue box near the blue key");
});

test("PutNear-6x6-N2 seed 0: dropping the key beside the box pays the success reward", () => {
  const env = makeEnv("MiniGrid-PutNear-6x6-N2-v0");
  const { obs } = env.reset({ seed: 0 });
  assert.equal(obs.mission, "put the blue key near the purple box");
  assert.deepEqual(objects(env), ["blue key@1,4", "purple box@3,1"]);
  const plan = [...TO_THE_KEY, Actions.pickup, Actions.right, Actions.forward, Actions.forward];
  for (const a of plan) assert.equal(env.step(a).terminated, false);
  assert.equal(env.carrying?.type, "key");
  assert.deepEqual(env.frontPos, [2, 1]); // diagonal to the box counts as near
  const r = env.step(Actions.drop);
  assert.deepEqual([r.reward, r.terminated], [1 - 0.9 * (10 / 30), true]);
  assert.equal(env.grid.get(2, 1)?.type, "key");
});

test("PutNear-6x6-N2 seed 0: dropping the key far from the box ends the episode with reward 0", () => {
  const env = makeEnv("MiniGrid-PutNear-6x6-N2-v0");
  env.reset({ seed: 0 });
  for (const a of [...TO_THE_KEY, Actions.pickup]) env.step(a);
  const r = env.step(Actions.drop); // back where it was, at (1,4)
  assert.deepEqual([r.reward, r.terminated], [0, true]);
});

test("PutNear-6x6-N2 seed 0: a drop that fails (facing a wall) still ends the episode", () => {
  const env = makeEnv("MiniGrid-PutNear-6x6-N2-v0");
  env.reset({ seed: 0 });
  for (const a of [...TO_THE_KEY, Actions.pickup, Actions.left]) env.step(a);
  const r = env.step(Actions.drop);
  assert.deepEqual([r.reward, r.terminated], [0, true]);
  assert.equal(env.carrying?.type, "key");
});

test("PutNear-6x6-N2 seed 0: picking up the target instead ends the episode with reward 0", () => {
  const env = makeEnv("MiniGrid-PutNear-6x6-N2-v0");
  env.reset({ seed: 0 });
  env.step(Actions.forward); // to (3,2), facing the purple box
  const r = env.step(Actions.pickup);
  assert.equal(env.carrying?.type, "box");
  assert.deepEqual([r.reward, r.terminated], [0, true]);
});
