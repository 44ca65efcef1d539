import { test } from "node:test";
import assert from "node:assert/strict";
import { makeEnv } from "../minigrid/registry.js";
import { Door, Key, Wall } from "../minigrid/world-object.js";
import { deepClone } from "./clone.js";
import { cloneEnv } from "./env-model.js";

test("deepClone keeps prototypes, cycles, and every identity relation inside the copy", () => {
  const key = new Key("yellow");
  const door = new Door("yellow", { isLocked: true });
  const world = { cells: [key, null, door], target: key, doors: new Map([["d", door]]), set: new Set([door]), buf: new Uint8Array([1, 2]), self: null as unknown };
  world.self = world;
  const c = deepClone(world);
  assert.notEqual(c.cells[0], key);
  assert.ok(c.cells[0] instanceof Key);
  assert.equal(c.target, c.cells[0], "a field pointing at a grid object points at the copy's grid object");
  assert.equal(c.doors.get("d"), c.cells[2]);
  assert.ok(c.set.has(c.cells[2] as Door));
  assert.equal(c.self, c);
  assert.deepEqual(Array.from(c.buf), [1, 2]);
  assert.notEqual(c.buf, world.buf);
  (c.cells[2] as Door).isLocked = false;
  assert.equal(door.isLocked, true, "the original is untouched");
});

test("deepClone shares what `share` says is immutable", () => {
  const wall = new Wall();
  const c = deepClone({ a: wall, b: [wall] }, { share: (o) => o instanceof Wall });
  assert.equal(c.a, wall);
  assert.equal(c.b[0], wall);
});

test("cloneEnv: a copy steps on its own, and env fields still point into its own grid (UnlockPickup's target box)", () => {
  const env = makeEnv("MiniGrid-UnlockPickup-v0") as ReturnType<typeof makeEnv> & { obj: { curPos: [number, number] } };
  env.reset({ seed: 1 });
  const copy = cloneEnv(env) as typeof env;
  const [x, y] = env.obj.curPos;
  assert.equal(copy.grid.get(x, y), copy.obj);
  assert.notEqual(copy.obj, env.obj);
  const before = Array.from(env.grid.encode());
  for (const a of [2, 2, 1, 2, 3, 0, 2]) copy.step(a);
  assert.deepEqual(Array.from(env.grid.encode()), before);
  assert.equal(env.stepCount, 0);
  // Same actions from the same state give the same results in the original and a fresh copy.
  const again = cloneEnv(env);
  for (const a of [0, 2, 2, 1, 2, 5]) assert.deepEqual(again.step(a), env.step(a));
});
