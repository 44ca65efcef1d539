import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { BlockedUnlockPickupEnv } from "./blockedunlockpickup.js";
import { fixtureEpisode, walkToFace } from "./roomgrid-script.test-util.js";

test("BlockedUnlockPickup seed 0: a blue ball at (4, 4) blocks the locked green door at (5, 4); the box is purple", () => {
  const env = makeEnv("MiniGrid-BlockedUnlockPickup-v0") as BlockedUnlockPickupEnv;
  const { obs } = env.reset({ seed: 0 });
  assert.equal(obs.mission, "pick up the purple box");
  assert.deepEqual([env.width, env.height, env.maxSteps], [11, 6, 576]);
  assert.equal(env.grid.get(8, 1), env.obj);
  assert.deepEqual([env.grid.get(4, 4)?.type, env.grid.get(4, 4)?.color], ["ball", "blue"]);
  assert.deepEqual([env.grid.get(5, 4)?.type, env.grid.get(5, 4)?.color, env.grid.get(5, 4)?.stateIdx()], ["door", "green", 2]);
  assert.deepEqual([env.grid.get(1, 4)?.type, env.grid.get(1, 4)?.color], ["key", "green"]);
  const ep = fixtureEpisode("MiniGrid-BlockedUnlockPickup-v0", 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  assert.deepEqual([env.agentPos, env.agentDir], [ep.agent_pos, ep.agent_dir]);
  assert.equal(env.rngSnapshot().draws, ep.rng_after_reset.draws);
});

test("BlockedUnlockPickup: move the ball, fetch the key, open the door, pick up the box for the success reward", () => {
  const env = new BlockedUnlockPickupEnv();
  env.reset({ seed: 0 });
  walkToFace(env, [4, 4]);
  const ball = env.step(Actions.pickup);
  assert.deepEqual([env.carrying?.type, ball.reward, ball.terminated], ["ball", 0, false]);
  walkToFace(env, [2, 2]);
  env.step(Actions.drop);
  walkToFace(env, [1, 4]);
  env.step(Actions.pickup);
  assert.equal(env.carrying?.type, "key");
  walkToFace(env, [5, 4]);
  env.step(Actions.toggle);
  assert.equal(env.grid.get(5, 4)?.stateIdx(), 0);
  walkToFace(env, [3, 4]);
  env.step(Actions.drop);
  walkToFace(env, [8, 1]);
  const win = env.step(Actions.pickup);
  assert.equal(env.carrying, env.obj);
  assert.equal(win.terminated, true);
  assert.equal(win.reward, 1 - 0.9 * (env.stepCount / 576));
});
