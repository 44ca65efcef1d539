import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { UnlockPickupEnv } from "./unlockpickup.js";
import { fixtureEpisode, walkToFace } from "./roomgrid-script.test-util.js";

test("UnlockPickup seed 0: a purple box at (8, 1) behind a locked green door at (5, 4), the green key at (4, 3)", () => {
  const env = makeEnv("MiniGrid-UnlockPickup-v0") as UnlockPickupEnv;
  const { obs } = env.reset({ seed: 0 });
  assert.equal(obs.mission, "pick up the purple box");
  assert.deepEqual([env.width, env.height, env.maxSteps], [11, 6, 288]);
  assert.equal(env.grid.get(8, 1), env.obj);
  assert.deepEqual([env.obj?.type, env.obj?.color], ["box", "purple"]);
  assert.deepEqual([env.grid.get(5, 4)?.type, env.grid.get(5, 4)?.color, env.grid.get(5, 4)?.stateIdx()], ["door", "green", 2]);
  assert.deepEqual([env.grid.get(4, 3)?.type, env.grid.get(4, 3)?.color], ["key", "green"]);
  assert.deepEqual([env.agentPos, env.agentDir], [[3, 3], 3]);
  const ep = fixtureEpisode("MiniGrid-UnlockPickup-v0", 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  assert.equal(env.rngSnapshot().draws, ep.rng_after_reset.draws);
});

test("UnlockPickup: key, door, then picking up the box ends the episode with the success reward", () => {
  const env = new UnlockPickupEnv();
  env.reset({ seed: 0 });
  walkToFace(env, [4, 3]);
  const key = env.step(Actions.pickup);
  assert.deepEqual([env.carrying?.type, key.reward, key.terminated], ["key", 0, false]);
  walkToFace(env, [5, 4]);
  env.step(Actions.toggle);
  assert.equal(env.grid.get(5, 4)?.stateIdx(), 0);
  // Hands must be free to lift the box: drop the key in the doorway's room first.
  env.step(Actions.left);
  env.step(Actions.drop);
  assert.equal(env.carrying, null);
  walkToFace(env, [8, 1]);
  const win = env.step(Actions.pickup);
  assert.equal(env.carrying, env.obj);
  assert.equal(win.terminated, true);
  assert.equal(win.reward, 1 - 0.9 * (env.stepCount / 288));
});
