import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { UnlockEnv } from "./unlock.js";
import { fixtureEpisode, walkToFace } from "./roomgrid-script.test-util.js";

test("Unlock seed 0: a locked purple door at (5, 4), its key at (3, 1), the agent at (1, 4) facing left", () => {
  const env = makeEnv("MiniGrid-Unlock-v0") as UnlockEnv;
  const { obs } = env.reset({ seed: 0 });
  assert.equal(obs.mission, "open the door");
  assert.deepEqual([env.width, env.height, env.maxSteps], [11, 6, 288]);
  const door = env.grid.get(5, 4);
  assert.equal(door, env.door);
  assert.deepEqual([door?.type, door?.color, env.door?.isLocked], ["door", "purple", true]);
  assert.deepEqual([env.grid.get(3, 1)?.type, env.grid.get(3, 1)?.color], ["key", "purple"]);
  assert.deepEqual([env.agentPos, env.agentDir], [[1, 4], 2]);
  const ep = fixtureEpisode("MiniGrid-Unlock-v0", 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  assert.equal(env.rngSnapshot().draws, ep.rng_after_reset.draws);
});

test("Unlock: toggling the door without its key does nothing; with the key it opens and pays the success reward", () => {
  const env = new UnlockEnv();
  env.reset({ seed: 0 });
  walkToFace(env, [5, 4]);
  const miss = env.step(Actions.toggle);
  assert.deepEqual([miss.reward, miss.terminated, env.door?.isOpen], [0, false, false]);
  walkToFace(env, [3, 1]);
  env.step(Actions.pickup);
  assert.equal(env.carrying?.type, "key");
  walkToFace(env, [5, 4]);
  const win = env.step(Actions.toggle);
  assert.equal(env.door?.isOpen, true);
  assert.equal(win.terminated, true);
  assert.equal(win.reward, 1 - 0.9 * (env.stepCount / 288));
});
