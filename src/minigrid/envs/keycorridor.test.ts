import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { KeyCorridorEnv } from "./keycorridor.js";
import { fixtureEpisode, walkToFace } from "./roomgrid-script.test-util.js";

test("KeyCorridor ids: S is the room size, R the rows; max_steps is 30·S²", () => {
  const expected: [string, number, number, number][] = [
    ["S3R1", 7, 3, 270],
    ["S3R2", 7, 5, 270],
    ["S3R3", 7, 7, 270],
    ["S4R3", 10, 10, 480],
    ["S5R3", 13, 13, 750],
    ["S6R3", 16, 16, 1080],
  ];
  for (const [name, w, h, maxSteps] of expected) {
    const env = makeEnv(`MiniGrid-KeyCorridor${name}-v0`);
    assert.deepEqual([env.width, env.height, env.maxSteps], [w, h, maxSteps], name);
  }
});

test("KeyCorridorS3R1 seed 0: yellow key (1, 1) behind a blue door, a locked yellow door (4, 1) before the purple ball (5, 1)", () => {
  const env = makeEnv("MiniGrid-KeyCorridorS3R1-v0") as KeyCorridorEnv;
  const { obs } = env.reset({ seed: 0 });
  assert.equal(obs.mission, "pick up the purple ball");
  const cell = (x: number, y: number): unknown[] => {
    const c = env.grid.get(x, y);
    return [c?.type, c?.color, c?.stateIdx()];
  };
  assert.deepEqual(cell(1, 1), ["key", "yellow", 0]);
  assert.deepEqual(cell(2, 1), ["door", "blue", 1]);
  assert.deepEqual(cell(4, 1), ["door", "yellow", 2]);
  assert.deepEqual(cell(5, 1), ["ball", "purple", 0]);
  assert.equal(env.grid.get(5, 1), env.obj);
  assert.deepEqual([env.agentPos, env.agentDir], [[3, 1], 1]);
  const ep = fixtureEpisode("MiniGrid-KeyCorridorS3R1-v0", 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  assert.equal(env.rngSnapshot().draws, ep.rng_after_reset.draws);
});

test("KeyCorridorS3R3 seed 0 matches the recorded layout: corridor in the middle column, every room reachable", () => {
  const env = makeEnv("MiniGrid-KeyCorridorS3R3-v0") as KeyCorridorEnv;
  env.reset({ seed: 0 });
  const ep = fixtureEpisode("MiniGrid-KeyCorridorS3R3-v0", 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  assert.deepEqual([env.agentPos, env.agentDir], [ep.agent_pos, ep.agent_dir]);
  assert.equal(env.rngSnapshot().draws, ep.rng_after_reset.draws);
  assert.equal(env.getRoom(1, 1).doors[3], true);
  assert.equal(env.getRoom(1, 2).doors[3], true);
});

test("KeyCorridorS3R1: fetch the key, unlock the door, and picking up the ball pays the success reward", () => {
  const env = new KeyCorridorEnv({ roomSize: 3, numRows: 1 });
  env.reset({ seed: 0 });
  walkToFace(env, [2, 1]);
  env.step(Actions.toggle);
  walkToFace(env, [1, 1]);
  env.step(Actions.pickup);
  assert.equal(env.carrying?.type, "key");
  walkToFace(env, [4, 1]);
  env.step(Actions.toggle);
  assert.equal(env.grid.get(4, 1)?.stateIdx(), 0);
  walkToFace(env, [1, 1]);
  env.step(Actions.drop);
  walkToFace(env, [5, 1]);
  const win = env.step(Actions.pickup);
  assert.equal(env.carrying, env.obj);
  assert.equal(win.terminated, true);
  assert.equal(win.reward, 1 - 0.9 * (env.stepCount / 270));
});
