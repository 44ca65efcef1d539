import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { objects } from "./layout.test-util.js";

test("GoToObject ids: 6x6 and 8x8 with two objects; max_steps = 5·size²", () => {
  for (const [id, size, maxSteps] of [
    ["MiniGrid-GoToObject-6x6-N2-v0", 6, 180],
    ["MiniGrid-GoToObject-8x8-N2-v0", 8, 320],
  ] as const) {
    const env = makeEnv(id);
    assert.deepEqual([env.width, env.height, env.maxSteps, env.seeThroughWalls], [size, size, maxSteps, true]);
  }
});

test("GoToObject-8x8-N2 seed 2 places a blue ball and a green box and names the box", () => {
  const env = makeEnv("MiniGrid-GoToObject-8x8-N2-v0");
  const { obs } = env.reset({ seed: 2 });
  // As recorded from Python Minigrid 3.1.0.
  assert.deepEqual(objects(env), ["blue ball@2,4", "green box@3,6"]);
  assert.deepEqual([env.agentPos, env.agentDir], [[6, 5], 3]);
  assert.equal(obs.mission, "go to the green box");
});

test("GoToObject-6x6-N2 seed 0: walking next to the named key and saying `done` pays the success reward", () => {
  const env = makeEnv("MiniGrid-GoToObject-6x6-N2-v0");
  const { obs } = env.reset({ seed: 0 });
  assert.equal(obs.mission, "go to the blue key");
  assert.deepEqual(objects(env), ["blue key@1,4", "purple box@3,1"]);
  assert.deepEqual([env.agentPos, env.agentDir], [[3, 3], 3]);
  const plan = [Actions.left, Actions.left, Actions.forward, Actions.right, Actions.forward];
  for (const a of plan) assert.equal(env.step(a).terminated, false);
  assert.deepEqual(env.agentPos, [2, 4]); // beside the key
  const r = env.step(Actions.done);
  assert.deepEqual([r.reward, r.terminated], [1 - 0.9 * (6 / 180), true]);
});

test("GoToObject-6x6-N2 seed 0: `done` next to the other object ends the episode with reward 0", () => {
  const env = makeEnv("MiniGrid-GoToObject-6x6-N2-v0");
  env.reset({ seed: 0 });
  env.step(Actions.forward); // to (3,2), beside the purple box
  const r = env.step(Actions.done);
  assert.deepEqual([r.reward, r.terminated], [0, true]);
});

test("GoToObject: toggle ends the episode (here it opens the empty box, as in Python)", () => {
  const env = makeEnv("MiniGrid-GoToObject-6x6-N2-v0");
  env.reset({ seed: 0 });
  env.step(Actions.forward);
  const r = env.step(Actions.toggle);
  assert.deepEqual([r.reward, r.terminated], [0, true]);
  assert.equal(env.grid.get(3, 1), null);
});
