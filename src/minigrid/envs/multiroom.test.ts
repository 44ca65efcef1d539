import { test } from "node:test";
import assert from "node:assert/strict";
import { Actions } from "../constants.js";
import { makeEnv } from "../registry.js";
import { digits } from "../../testing/reference-fixtures.js";
import { Door } from "../world-object.js";
import { MultiRoomEnv } from "./multiroom.js";
import { picture, play, recordedEpisode } from "./layout.test-util.js";

const { left, forward, toggle } = Actions;

test("MultiRoom-N2-S4 seed 0: two 4×4 rooms joined by a closed door at (20, 17), the goal at (20, 19)", () => {
  const env = makeEnv("MiniGrid-MultiRoom-N2-S4-v0") as MultiRoomEnv;
  const { obs } = env.reset({ seed: 0 });
  assert.deepEqual(picture(env).slice(14, 21), [
    "...................####..",
    "...................#..#..",
    "...................#.^#..",
    "..................##D##..",
    "..................#..#...",
    "..................#.G#...",
    "..................####...",
  ]);
  assert.deepEqual(
    env.rooms.map((r) => [r.top, r.size]),
    [
      [[19, 14], [4, 4]],
      [[18, 17], [4, 4]],
    ],
  );
  assert.deepEqual(env.rooms[0]!.exitDoorPos, [20, 17]);
  assert.deepEqual(env.goalPos, [20, 19]);
  assert.deepEqual([obs.mission, env.maxSteps], ["traverse the rooms to get to the goal", 40]);
  const ep = recordedEpisode("MiniGrid-MultiRoom-N2-S4-v0", 0);
  assert.equal(digits(env.grid.encode()), ep.grid);
  assert.equal(env.rngSnapshot().draws, ep.rng_after_reset.draws);
});

test("MultiRoom-N2-S4 seed 0: a closed door blocks; toggled open, it leads to the goal: 1 - 0.9 * 8/40", () => {
  const env = makeEnv("MiniGrid-MultiRoom-N2-S4-v0");
  env.reset({ seed: 0 });
  play(env, [left, forward, left]);
  const blocked = env.step(forward);
  assert.deepEqual([env.agentPos, blocked.terminated], [[20, 16], false]);
  const results = play(env, [toggle, forward, forward, forward]);
  assert.equal((env.grid.get(20, 17) as Door).isOpen, true);
  assert.deepEqual(env.agentPos, [20, 19]);
  const last = results.at(-1)!;
  assert.deepEqual([last.terminated, last.reward], [true, 1 - 0.9 * (8 / 40)]);
});

test("MultiRoom-N4-S5-v0 is the legacy 6-room configuration; v1 has 4 rooms; N6 has 6 rooms up to 10 wide", () => {
  const cases = [
    ["MiniGrid-MultiRoom-N4-S5-v0", 6, 5, 120],
    ["MiniGrid-MultiRoom-N4-S5-v1", 4, 5, 80],
    ["MiniGrid-MultiRoom-N6-v0", 6, 10, 120],
  ] as const;
  for (const [id, rooms, maxSize, maxSteps] of cases) {
    const env = makeEnv(id) as MultiRoomEnv;
    env.reset({ seed: 1 });
    assert.equal(env.rooms.length, rooms, id);
    assert.ok(env.rooms.every((r) => r.size.every((s) => s >= 4 && s <= maxSize)), id);
    assert.equal(env.maxSteps, maxSteps, id);
    assert.equal(digits(env.grid.encode()), recordedEpisode(id, 1).grid, id);
  }
});

test("MultiRoom: consecutive doors never share a colour", () => {
  const env = makeEnv("MiniGrid-MultiRoom-N6-v0") as MultiRoomEnv;
  for (let seed = 0; seed < 5; seed++) {
    env.reset({ seed });
    const colors = env.rooms.slice(1).map((r) => (env.grid.get(...r.entryDoorPos) as Door).color);
    assert.ok(colors.every((c, i) => i === 0 || c !== colors[i - 1]), `seed ${seed}: ${colors.join(", ")}`);
  }
});
