import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { ObstructedMazeFullV1Env } from "./obstructedmaze_v1.js";
import { fixtureEpisode, walkToFace } from "./roomgrid-script.test-util.js";

const ID = (name: string): string => `MiniGrid-ObstructedMaze-${name}-v1`;

test("ObstructedMaze v1 ids: 16×16 with max_steps 576, 720, 1584 and 3600", () => {
  const expected: [string, number][] = [["2Dlhb", 576], ["1Q", 720], ["2Q", 1584], ["Full", 3600]];
  for (const [name, maxSteps] of expected) {
    const env = makeEnv(ID(name));
    assert.deepEqual([env.width, env.height, env.maxSteps], [16, 16, maxSteps], name);
  }
});

test("ObstructedMaze-Full-v1 seed 0: keys are placed after the blocking balls, so all eight key boxes stay on the grid", () => {
  const env = makeEnv(ID("Full")) as ObstructedMazeFullV1Env;
  env.reset({ seed: 0 });
  const ep = fixtureEpisode(ID("Full"), 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  assert.deepEqual([env.agentPos, env.agentDir], [ep.agent_pos, ep.agent_dir]);
  assert.equal(env.rngSnapshot().draws, ep.rng_after_reset.draws);
  const boxes = env.roomGrid.flat().flatMap((r) => r.objs.filter((o) => o.type === "box"));
  assert.equal(boxes.length, 8);
  assert.ok(boxes.every((b) => env.grid.get(...b.curPos!) === b));
});

test("ObstructedMaze-2Dlhb-v1 seed 0: agent in the right room; the blue ball beyond the locked blue door at (12, 5), blocked by a green ball", () => {
  const env = makeEnv(ID("2Dlhb")) as ObstructedMazeFullV1Env;
  env.reset({ seed: 0 });
  const ep = fixtureEpisode(ID("2Dlhb"), 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  assert.equal(env.roomFromPos(...env.agentPos), env.getRoom(2, 1));
  assert.equal(env.grid.get(12, 2), env.obj);
  assert.deepEqual([env.grid.get(12, 5)?.type, env.grid.get(12, 5)?.color, env.grid.get(12, 5)?.stateIdx()], ["door", "blue", 2]);
  assert.deepEqual([env.grid.get(12, 6)?.type, env.grid.get(12, 6)?.color], ["ball", "green"]);
});

test("ObstructedMaze-2Dlhb-v1: clear the ball, open the right box, unlock the door, pick up the blue ball for the success reward", () => {
  const env = new ObstructedMazeFullV1Env({ agentRoom: [2, 1], numQuarters: 1, numRoomsVisited: 4 });
  env.reset({ seed: 0 });
  walkToFace(env, [12, 6]);
  env.step(Actions.pickup);
  assert.equal(env.carrying?.color, "green");
  walkToFace(env, [14, 6]);
  env.step(Actions.drop);
  const box = env.getRoom(2, 1).objs.find((o) => o.type === "box" && o.contains?.color === "blue")!;
  const boxPos = box.curPos!;
  walkToFace(env, boxPos);
  env.step(Actions.toggle);
  env.step(Actions.pickup);
  assert.deepEqual([env.carrying?.type, env.carrying?.color], ["key", "blue"]);
  walkToFace(env, [12, 5]);
  env.step(Actions.toggle);
  assert.equal(env.grid.get(12, 5)?.stateIdx(), 0);
  walkToFace(env, [12, 7]);
  env.step(Actions.drop);
  walkToFace(env, [12, 2]);
  const win = env.step(Actions.pickup);
  assert.equal(env.carrying, env.obj);
  assert.equal(win.terminated, true);
  assert.equal(win.reward, 1 - 0.9 * (env.stepCount / 576));
});
