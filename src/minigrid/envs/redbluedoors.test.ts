import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { RedBlueDoorEnv } from "./redbluedoors.js";

test("RedBlueDoors ids: a size×size room in a 2·size×size grid; max_steps = 20·size²", () => {
  for (const [id, w, h, maxSteps] of [
    ["MiniGrid-RedBlueDoors-6x6-v0", 12, 6, 720],
    ["MiniGrid-RedBlueDoors-8x8-v0", 16, 8, 1280],
  ] as const) {
    const env = makeEnv(id);
    assert.deepEqual([env.width, env.height, env.maxSteps, env.seeThroughWalls], [w, h, maxSteps, false]);
  }
});

test("RedBlueDoors-8x8 seed 1: the room spans x = 4..11, red door on its left wall, blue on its right", () => {
  const env = makeEnv("MiniGrid-RedBlueDoors-8x8-v0") as RedBlueDoorEnv;
  const { obs } = env.reset({ seed: 1 });
  // As recorded from Python Minigrid 3.1.0.
  assert.equal(env.grid.get(4, 6), env.redDoor);
  assert.equal(env.grid.get(11, 1), env.blueDoor);
  assert.deepEqual([env.redDoor.isOpen, env.redDoor.isLocked, env.blueDoor.isOpen], [false, false, false]);
  // Walls at x = 0, 4, 11 and 15; the strips between the outer wall and the room stay empty.
  const row3 = Array.from({ length: 16 }, (_, x) => env.grid.get(x, 3)?.type ?? ".");
  assert.equal(row3.join(" "), "wall . . . wall . . . . . . wall . . . wall");
  assert.deepEqual([env.agentPos, env.agentDir], [[7, 4], 3]);
  assert.equal(obs.mission, "open the red door then the blue door");
});

test("RedBlueDoors-6x6 seed 0: red then blue pays the success reward when the blue door opens", () => {
  const env = makeEnv("MiniGrid-RedBlueDoors-6x6-v0") as RedBlueDoorEnv;
  env.reset({ seed: 0 });
  assert.deepEqual([env.agentPos, env.agentDir], [[6, 1], 1]);
  assert.equal(env.grid.get(3, 1), env.redDoor);
  assert.equal(env.grid.get(8, 1), env.blueDoor);

  for (const a of [Actions.right, Actions.forward, Actions.forward]) env.step(a);
  let r = env.step(Actions.toggle);
  assert.equal(env.redDoor.isOpen, true);
  assert.deepEqual([r.reward, r.terminated], [0, false]);
  for (const a of [Actions.left, Actions.left, Actions.forward, Actions.forward, Actions.forward]) env.step(a);
  r = env.step(Actions.toggle);
  assert.equal(env.blueDoor.isOpen, true);
  assert.deepEqual([r.reward, r.terminated], [1 - 0.9 * (10 / 720), true]);
});

test("RedBlueDoors-6x6 seed 0: opening the blue door first ends the episode with reward 0", () => {
  const env = makeEnv("MiniGrid-RedBlueDoors-6x6-v0") as RedBlueDoorEnv;
  env.reset({ seed: 0 });
  for (const a of [Actions.left, Actions.forward]) env.step(a);
  const r = env.step(Actions.toggle);
  assert.equal(env.blueDoor.isOpen, true);
  assert.deepEqual([r.reward, r.terminated], [0, true]);
});
