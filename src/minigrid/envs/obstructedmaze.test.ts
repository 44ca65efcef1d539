import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { ObstructedMaze1DlhbEnv, ObstructedMazeFullEnv } from "./obstructedmaze.js";
import { fixtureEpisode, walkToFace } from "./roomgrid-script.test-util.js";

const ID = (name: string): string => `MiniGrid-ObstructedMaze-${name}-v0`;

/** How many cells of a grid encoding hold an object of type index t. */
const countType = (grid: string, t: number): number => [...grid].filter((c, k) => k % 3 === 0 && Number(c) === t).length;

test("ObstructedMaze v0 ids: sizes and max_steps = 4·rooms·36", () => {
  const expected: [string, number, number, number][] = [
    ["1Dl", 11, 6, 288],
    ["1Dlh", 11, 6, 288],
    ["1Dlhb", 11, 6, 288],
    ["2Dl", 16, 16, 576],
    ["2Dlh", 16, 16, 576],
    ["2Dlhb", 16, 16, 576],
    ["1Q", 16, 16, 720],
    ["2Q", 16, 16, 1584],
    ["Full", 16, 16, 3600],
  ];
  for (const [name, w, h, maxSteps] of expected) {
    const env = makeEnv(ID(name));
    assert.deepEqual([env.width, env.height, env.maxSteps], [w, h, maxSteps], name);
  }
});

test("ObstructedMaze-1Dl/1Dlh/1Dlhb seed 0: a bare key, a key in a grey box, then also a green ball at the door", () => {
  for (const name of ["1Dl", "1Dlh", "1Dlhb"]) {
    const env = makeEnv(ID(name)) as ObstructedMaze1DlhbEnv;
    const { obs } = env.reset({ seed: 0 });
    assert.equal(obs.mission, "pick up the blue ball");
    const ep = fixtureEpisode(ID(name), 0);
    assert.equal(digits(env.grid.encode()), ep.grid, name);
    assert.equal(env.rngSnapshot().draws, ep.rng_after_reset.draws, name);
    const [keyHolder] = env.getRoom(0, 0).objs;
    assert.equal(keyHolder?.type, name === "1Dl" ? "key" : "box", name);
    assert.equal(countType(ep.grid, 6), name === "1Dlhb" ? 2 : 1, `${name}: balls`);
  }
});

test("ObstructedMaze-1Dlhb seed 0: the green ball at (4, 4) blocks the locked purple door; the key hides in the box at (1, 4)", () => {
  const env = makeEnv(ID("1Dlhb")) as ObstructedMaze1DlhbEnv;
  env.reset({ seed: 0 });
  const cell = (x: number, y: number): unknown[] => [env.grid.get(x, y)?.type, env.grid.get(x, y)?.color];
  assert.deepEqual(cell(4, 4), ["ball", "green"]);
  assert.deepEqual([...cell(5, 4), env.grid.get(5, 4)?.stateIdx()], ["door", "purple", 2]);
  assert.deepEqual(cell(1, 4), ["box", "grey"]);
  assert.deepEqual([env.grid.get(1, 4)?.contains?.type, env.grid.get(1, 4)?.contains?.color], ["key", "purple"]);
  assert.equal(env.grid.get(6, 4), env.obj);
  assert.deepEqual([env.agentPos, env.agentDir], [[2, 2], 1]);
});

test("ObstructedMaze-1Dlhb: move the ball, open the box, unlock the door, and picking up the blue ball pays the success reward", () => {
  const env = new ObstructedMaze1DlhbEnv();
  env.reset({ seed: 0 });
  walkToFace(env, [4, 4]);
  env.step(Actions.pickup);
  assert.equal(env.carrying?.color, "green");
  walkToFace(env, [3, 1]);
  env.step(Actions.drop);
  walkToFace(env, [1, 4]);
  env.step(Actions.toggle);
  assert.equal(env.grid.get(1, 4)?.type, "key");
  const key = env.step(Actions.pickup);
  assert.deepEqual([env.carrying?.type, key.terminated], ["key", false]);
  walkToFace(env, [5, 4]);
  env.step(Actions.toggle);
  assert.equal(env.grid.get(5, 4)?.stateIdx(), 0);
  walkToFace(env, [3, 4]);
  env.step(Actions.drop);
  walkToFace(env, [6, 4]);
  const win = env.step(Actions.pickup);
  assert.equal(env.carrying, env.obj);
  assert.equal(win.terminated, true);
  assert.equal(win.reward, 1 - 0.9 * (env.stepCount / 288));
});

test("ObstructedMaze-1Q seed 0: the agent starts in the centre room, the ball is in the top-right corner room", () => {
  const env = makeEnv(ID("1Q")) as ObstructedMazeFullEnv;
  env.reset({ seed: 0 });
  const ep = fixtureEpisode(ID("1Q"), 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  assert.equal(env.roomFromPos(...env.agentPos), env.getRoom(1, 1));
  assert.ok(env.getRoom(2, 0).objs.includes(env.obj));
  // One quarter: an unlocked door from the centre to the right room, locked doors up and down from it.
  assert.equal(countType(ep.grid, 4), 3);
});

test("ObstructedMaze-Full-v0 seed 0: a blocking ball lands on one of the eight key boxes and hides it", () => {
  const env = makeEnv(ID("Full")) as ObstructedMazeFullEnv;
  env.reset({ seed: 0 });
  const ep = fixtureEpisode(ID("Full"), 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  assert.equal(env.rngSnapshot().draws, ep.rng_after_reset.draws);
  const boxes = env.roomGrid.flat().flatMap((r) => r.objs.filter((o) => o.type === "box"));
  assert.equal(boxes.length, 8);
  assert.equal(boxes.filter((b) => env.grid.get(...b.curPos!) === b).length, 7);
  assert.equal(countType(ep.grid, 7), 7);
});
