import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions, type ActionIndex } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { Wall } from "../world-object.js";
import { DynamicObstaclesEnv } from "./dynamicobstacles.js";
import { picture, play, recordedEpisode } from "./layout.test-util.js";

const { left, right, forward } = Actions;

test("Dynamic-Obstacles-5x5 seed 4: balls placed at (2, 3), then (1, 2); the agent at (1, 1) facing right", () => {
  const env = makeEnv("MiniGrid-Dynamic-Obstacles-5x5-v0") as DynamicObstaclesEnv;
  const { obs } = env.reset({ seed: 4 });
  assert.deepEqual(picture(env), [
    "#####", //
    "#>..#",
    "#o..#",
    "#.oG#",
    "#####",
  ]);
  assert.equal(obs.mission, "get to the green goal square");
  assert.deepEqual(env.obstacles.map((b) => [b.color, b.curPos]), [["blue", [2, 3]], ["blue", [1, 2]]]);
  assert.equal(digits(env.grid.encode()), recordedEpisode("MiniGrid-Dynamic-Obstacles-5x5-v0", 4).grid);
  assert.equal(env.nObstacles, 2);
  assert.equal(new DynamicObstaclesEnv({ size: 6, nObstacles: 9 }).nObstacles, 3); // too many: size/2
});

test("Dynamic-Obstacles-5x5 seed 4: the balls move every step, and dodging them to the goal pays 1 - 0.9 * 5/100", () => {
  const env = makeEnv("MiniGrid-Dynamic-Obstacles-5x5-v0") as DynamicObstaclesEnv;
  env.reset({ seed: 4 });
  const r1 = env.step(forward);
  assert.deepEqual(picture(env), ["#####", "#.>.#", "#.o.#", "#o.G#", "#####"]);
  assert.ok(env.rngSnapshot().draws > 10); // the reset used 10 outputs; the step drew more
  const rest = play(env, [forward, right, forward, forward]);
  assert.ok([r1, ...rest].slice(0, -1).every((r) => !r.terminated));
  assert.deepEqual(env.agentPos, [3, 3]);
  assert.deepEqual([rest[3]!.terminated, rest[3]!.reward], [true, 1 - 0.9 * (5 / 100)]);
});

test("Dynamic-Obstacles: moving forward into whatever was in front (a ball or a wall) gives -1 and ends the episode", () => {
  const env = makeEnv("MiniGrid-Dynamic-Obstacles-5x5-v0");
  env.reset({ seed: 0 });
  assert.equal(env.grid.get(2, 1)?.type, "ball");
  const hit = env.step(forward);
  assert.deepEqual([hit.reward, hit.terminated], [-1, true]);

  const walled = makeEnv("MiniGrid-Dynamic-Obstacles-5x5-v0");
  walled.reset({ seed: 0 });
  walled.step(left); // face the top wall
  const bump = walled.step(forward);
  assert.deepEqual([bump.reward, bump.terminated], [-1, true]);
});

test("Dynamic-Obstacles allows left, right and forward only: pickup, drop, toggle and done turn left", () => {
  const env = makeEnv("MiniGrid-Dynamic-Obstacles-8x8-v0");
  for (const action of [3, 4, 5, 6] as ActionIndex[]) {
    env.reset({ seed: 0 });
    env.step(action);
    assert.equal(env.agentDir, 3);
  }
});

test("Dynamic-Obstacles-5x5 seed 1: the generator's state after the recorded steps matches Python's", () => {
  const ep = recordedEpisode("MiniGrid-Dynamic-Obstacles-5x5-v0", 1);
  const env = makeEnv(ep.env_id);
  env.reset({ seed: ep.seed });
  play(env, ep.steps.map((s) => s.action as ActionIndex));
  assert.equal(env.rngSnapshot().draws, ep.rng_final.draws);
  assert.equal(env.rngSnapshot().state, ep.rng_final.state);
});

test("Dynamic-Obstacles: a boxed-in ball stays put after 101 failed tries (202 draws of 32 bits)", () => {
  const env = new DynamicObstaclesEnv({ size: 5, nObstacles: 1 });
  env.reset({ seed: 0 });
  const ball = env.obstacles[0]!;
  env.grid.set(ball.curPos![0], ball.curPos![1], null);
  env.putObj(ball, 1, 3);
  for (const [x, y] of [[1, 2], [2, 2], [2, 3]] as const) env.grid.set(x, y, new Wall());
  const before = env.rngSnapshot();
  const r = env.step(right);
  assert.deepEqual(ball.curPos, [1, 3]);
  assert.equal(env.grid.get(1, 3), ball);
  assert.equal(env.rngSnapshot().draws - before.draws, 101);
  assert.deepEqual([r.reward, r.terminated], [0, false]);
});
