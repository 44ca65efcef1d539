import { test } from "node:test";
import assert from "node:assert/strict";
import { makeEnv, closestIds } from "./registry.js";
import { EnvNotResetError, InvalidActionError, UnknownEnvError } from "./errors.js";
import { SeedError } from "./rng.js";
import { Actions } from "./constants.js";

test("step before the first reset is refused, as Gymnasium's order enforcing does", () => {
  const env = makeEnv("MiniGrid-Empty-5x5-v0");
  assert.throws(() => env.step(Actions.forward), EnvNotResetError);
});

test("invalid actions are clear errors", () => {
  const env = makeEnv("MiniGrid-Empty-5x5-v0");
  env.reset({ seed: 0 });
  for (const bad of [-1, 7, 2.5, Number.NaN]) assert.throws(() => env.step(bad), InvalidActionError);
  assert.throws(() => env.step("forward" as unknown as number), /invalid action "forward": an action is an integer 0–6/);
});

test("negative or non-integer seeds are rejected", () => {
  const env = makeEnv("MiniGrid-Empty-5x5-v0");
  assert.throws(() => env.reset({ seed: -1 }), SeedError);
  assert.throws(() => env.reset({ seed: 0.5 }), SeedError);
});

test("an unknown env id lists the closest ids", () => {
  assert.throws(() => makeEnv("MiniGrid-DoorKey-8x8-v1"), (e: unknown) => {
    assert.ok(e instanceof UnknownEnvError);
    assert.equal(e.suggestions[0], "MiniGrid-DoorKey-8x8-v0");
    assert.match(e.message, /closest ids: MiniGrid-DoorKey-8x8-v0/);
    return true;
  });
  assert.deepEqual(closestIds("doorkey-5x5").slice(0, 1), ["MiniGrid-DoorKey-5x5-v0"]);
});

test("Empty-5x5: the agent starts at (1,1) facing right and reaching the goal pays 1 - 0.9*steps/max_steps", () => {
  const env = makeEnv("MiniGrid-Empty-5x5-v0");
  const { obs } = env.reset({ seed: 0 });
  assert.equal(obs.image.length, 7 * 7 * 3);
  assert.equal(obs.mission, "get to the green goal square");
  assert.deepEqual(env.agentPos, [1, 1]);
  const plan = [Actions.forward, Actions.forward, Actions.right, Actions.forward];
  let last;
  for (const a of plan) last = env.step(a);
  assert.ok(last);
  assert.deepEqual(env.agentPos, [3, 2]);
  assert.equal(last.terminated, false);
  last = env.step(Actions.forward);
  assert.equal(last.terminated, true);
  assert.equal(last.reward, 1 - 0.9 * (5 / 100));
});

test("the episode is truncated at max_steps", () => {
  const env = makeEnv("MiniGrid-Empty-5x5-v0", { max_steps: 3 });
  env.reset({ seed: 1 });
  assert.equal(env.step(Actions.left).truncated, false);
  assert.equal(env.step(Actions.left).truncated, false);
  assert.equal(env.step(Actions.left).truncated, true);
});

test("the agent's own view cell shows what it carries; the cell in front is at view (3, 5)", () => {
  const env = makeEnv("MiniGrid-DoorKey-5x5-v0");
  env.reset({ seed: 0 });
  // Turn until the key is in front, then pick it up.
  let picked = false;
  for (let k = 0; k < 4 && !picked; k++) {
    const [fx, fy] = env.frontPos;
    if (env.grid.get(fx, fy)?.type === "key") {
      env.step(Actions.pickup);
      picked = true;
    } else env.step(Actions.left);
  }
  if (picked) {
    const obs = env.genObs();
    const at = (i: number, j: number) => Array.from(obs.image.slice((i * 7 + j) * 3, (i * 7 + j) * 3 + 3));
    assert.deepEqual(at(3, 6), [5, 4, 0]); // yellow key in hand
    assert.equal(env.carrying?.type, "key");
  }
});

test("reset() without a seed continues the generator; reset({seed}) restarts it", () => {
  const a = makeEnv("MiniGrid-DoorKey-8x8-v0");
  const b = makeEnv("MiniGrid-DoorKey-8x8-v0");
  a.reset({ seed: 5 });
  b.reset({ seed: 5 });
  a.reset();
  b.reset();
  assert.deepEqual(a.grid.encode(), b.grid.encode());
  const again = makeEnv("MiniGrid-DoorKey-8x8-v0");
  again.reset({ seed: 5 });
  const first = again.grid.encode();
  const drawsAfterFirst = again.rngSnapshot().draws;
  again.reset({ seed: 5 });
  assert.deepEqual(again.grid.encode(), first);
  assert.equal(again.rngSnapshot().draws, drawsAfterFirst);
  assert.ok(a.rngSnapshot().draws > drawsAfterFirst, "the unseeded reset kept drawing from the same stream");
});

test("options may be given camel-cased or in Python's snake_case", () => {
  assert.equal(makeEnv("MiniGrid-DoorKey-5x5-v0", { maxSteps: 7 }).maxSteps, 7);
  assert.equal(makeEnv("MiniGrid-DoorKey-5x5-v0", { max_steps: 9 }).maxSteps, 9);
});
