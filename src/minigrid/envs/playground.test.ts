import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { objects } from "./layout.test-util.js";

test("Playground-v0 is 19×19 with max_steps 100 and no mission", () => {
  const env = makeEnv("MiniGrid-Playground-v0");
  assert.deepEqual([env.width, env.height, env.maxSteps, env.seeThroughWalls], [19, 19, 100, false]);
});

test("Playground seed 0: nine 6×6 rooms, twelve closed doors between them, twelve random objects", () => {
  const env = makeEnv("MiniGrid-Playground-v0");
  const { obs } = env.reset({ seed: 0 });
  assert.equal(obs.mission, "");
  // As recorded from Python Minigrid 3.1.0.
  assert.deepEqual(objects(env), [
    "yellow ball@2,10", "green door@3,6", "purple door@3,12", "purple door@6,4", "yellow door@6,9",
    "red door@6,14", "blue door@7,6", "grey key@8,7", "yellow box@9,7", "purple door@9,12",
    "grey key@9,13", "blue key@10,1", "red ball@10,4", "red key@11,9", "blue key@11,14",
    "blue door@12,2", "red door@12,10", "blue door@12,15", "red door@13,6", "grey ball@13,13",
    "red key@13,16", "yellow door@15,12", "red ball@16,5", "blue box@17,10",
  ]);
  assert.deepEqual([env.agentPos, env.agentDir], [[7, 16], 2]);
  for (const x of [6, 12]) for (const y of [0, 1, 5, 7, 11, 18]) assert.equal(env.grid.get(x, y)?.type, "wall");
});

test("Playground never pays or terminates; it is truncated at step 100", () => {
  const env = makeEnv("MiniGrid-Playground-v0");
  env.reset({ seed: 0 });
  const cycle = [Actions.forward, Actions.toggle, Actions.pickup, Actions.right, Actions.forward, Actions.drop, Actions.done];
  for (let k = 1; k <= 100; k++) {
    const r = env.step(cycle[k % cycle.length]!);
    assert.deepEqual([r.reward, r.terminated, r.truncated], [0, false, k === 100]);
  }
});
