import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { Door } from "../world-object.js";
import { objects } from "./layout.test-util.js";

test("GoToDoor ids: size 5 by default, 6 and 8 registered; max_steps = 4·size²", () => {
  assert.deepEqual(
    ["MiniGrid-GoToDoor-5x5-v0", "MiniGrid-GoToDoor-6x6-v0", "MiniGrid-GoToDoor-8x8-v0"].map((id) => {
      const env = makeEnv(id);
      return [env.width, env.maxSteps];
    }),
    [[5, 100], [6, 144], [8, 256]],
  );
});

test("GoToDoor-8x8 seed 4 draws a 7×8 room inside the 8×8 grid, with four differently coloured doors", () => {
  const env = makeEnv("MiniGrid-GoToDoor-8x8-v0");
  const { obs } = env.reset({ seed: 4 });
  // As recorded from Python Minigrid 3.1.0: the room's right wall is at x = 6, column 7 stays empty.
  assert.deepEqual(objects(env), ["grey door@0,5", "blue door@3,7", "yellow door@4,0", "purple door@6,5"]);
  assert.equal(env.grid.get(6, 0)?.type, "wall");
  assert.equal(env.grid.get(7, 0), null);
  assert.deepEqual([env.agentPos, env.agentDir], [[1, 3], 2]);
  assert.equal(obs.mission, "go to the purple door");
});

test("GoToDoor-5x5 seed 4: `done` next to the named door pays the success reward", () => {
  const env = makeEnv("MiniGrid-GoToDoor-5x5-v0");
  const { obs } = env.reset({ seed: 4 });
  assert.equal(obs.mission, "go to the yellow door");
  assert.deepEqual(objects(env), ["purple door@0,2", "red door@2,0", "yellow door@2,4", "blue door@4,2"]);
  assert.deepEqual(env.agentPos, [2, 3]); // just above the yellow door
  const r = env.step(Actions.done);
  assert.deepEqual([r.reward, r.terminated], [1 - 0.9 * (1 / 100), true]);
});

test("GoToDoor-5x5 seed 0: `done` away from the named door ends the episode with reward 0", () => {
  const env = makeEnv("MiniGrid-GoToDoor-5x5-v0");
  const { obs } = env.reset({ seed: 0 });
  assert.equal(obs.mission, "go to the green door"); // green is at (0,2), the agent at (2,3)
  env.step(Actions.left);
  const r = env.step(Actions.done);
  assert.deepEqual([r.reward, r.terminated], [0, true]);
});

test("GoToDoor-5x5 seed 4: toggling ends the episode with reward 0 (the door does open, as in Python)", () => {
  const env = makeEnv("MiniGrid-GoToDoor-5x5-v0");
  env.reset({ seed: 4 });
  const r = env.step(Actions.toggle);
  assert.deepEqual([r.reward, r.terminated], [0, true]);
  const door = env.grid.get(2, 4);
  assert.ok(door instanceof Door && door.isOpen);
});
