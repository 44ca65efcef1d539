import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions, type ActionIndex } from "../constants.js";
import { makeEnv } from "../registry.js";
import { Door } from "../world-object.js";
import { objects } from "./layout.test-util.js";

const times = (n: number, a: ActionIndex): ActionIndex[] => Array<ActionIndex>(n).fill(a);
const { left, right, forward, pickup, toggle } = Actions;

test("LockedRoom-v0 is 19×19 with max_steps = 10·size = 190", () => {
  const env = makeEnv("MiniGrid-LockedRoom-v0");
  assert.deepEqual([env.width, env.height, env.maxSteps], [19, 19, 190]);
});

test("LockedRoom seed 0: six doors of distinct colours off the hallway, one locked, the goal behind it", () => {
  const env = makeEnv("MiniGrid-LockedRoom-v0");
  const { obs } = env.reset({ seed: 0 });
  // As recorded from Python Minigrid 3.1.0.
  assert.deepEqual(objects(env), [
    "green door@7,3", "blue door@7,9", "red door@7,15", "grey door@11,3", "purple door@11,9",
    "yellow door@11,15", "green goal@15,15", "yellow key@16,4",
  ]);
  const locked = env.grid.get(11, 15);
  assert.ok(locked instanceof Door && locked.isLocked);
  assert.deepEqual([env.agentPos, env.agentDir], [[10, 9], 2]);
  assert.equal(obs.mission, "get the yellow key from the grey room, unlock the yellow door and go to the goal");
});

test("LockedRoom seed 0: the locked door does not open without its key", () => {
  const env = makeEnv("MiniGrid-LockedRoom-v0");
  env.reset({ seed: 0 });
  for (const a of [left, ...times(6, forward), left, toggle]) env.step(a);
  assert.deepEqual([env.agentPos, env.agentDir], [[10, 15], 0]);
  const door = env.grid.get(11, 15) as Door;
  assert.deepEqual([door.isLocked, door.isOpen], [true, false]);
});

test("LockedRoom seed 0: key from the grey room, unlock the yellow door, reach the goal", () => {
  const env = makeEnv("MiniGrid-LockedRoom-v0");
  env.reset({ seed: 0 });
  const toKey = [right, ...times(6, forward), right, toggle, ...times(6, forward), right, pickup];
  const toDoor = [right, ...times(6, forward), left, ...times(12, forward), left, toggle];
  const toGoal = times(5, forward);
  const plan = [...toKey, ...toDoor, ...toGoal];
  let r = env.step(plan[0]!);
  for (const a of plan.slice(1)) {
    assert.equal(r.terminated, false);
    r = env.step(a);
  }
  assert.equal(env.carrying?.color, "yellow");
  assert.deepEqual(env.agentPos, [15, 15]);
  assert.deepEqual([r.reward, r.terminated], [1 - 0.9 * (plan.length / 190), true]);
});
