import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeEnv } from "../registry.js";
import { repoRoot } from "../../testing/paths.js";
import { WorldObj } from "../world-object.js";
import { decodePng, encodePng } from "./png.js";
import { renderAgentView, renderFull, renderTile, visibleCells, type RgbImage } from "./raster.js";
import { showcase } from "./showcase-env.test.js";

/** Hashes of what Minigrid 3.1.0 draws (testdata/make-fixtures.py). */
const fixtures = JSON.parse(readFileSync(join(repoRoot, "src/minigrid/render/testdata/minigrid-render.json"), "utf8")) as {
  tiles: Record<string, string>;
  frames: { env: string; seed: number; actions: number[]; tileSize: number; full: string; plain: string; agentView: string }[];
};

const digest = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex").slice(0, 16);

function pixel(img: RgbImage, x: number, y: number): [number, number, number] {
  const o = (y * img.width + x) * 3;
  return [img.rgb[o]!, img.rgb[o + 1]!, img.rgb[o + 2]!];
}

/** The pixel at fraction (fx, fy) of cell (i, j). */
function at(img: RgbImage, tile: number, i: number, j: number, fx = 0.5, fy = 0.5): [number, number, number] {
  return pixel(img, i * tile + Math.floor(fx * tile), j * tile + Math.floor(fy * tile));
}

function doorKey8x8Seed0() {
  const env = makeEnv("MiniGrid-DoorKey-8x8-v0");
  env.reset({ seed: 0 });
  return env;
}

test("every tile — each object, colour and door state, agent direction, highlight — matches Minigrid's render_tile byte for byte", () => {
  let checked = 0;
  for (const [key, expected] of Object.entries(fixtures.tiles)) {
    const [enc, dir, hl, size] = key.split("|") as [string, string, string, string];
    const obj = enc === "-" ? null : WorldObj.decode(...(enc.split(",").map(Number) as [number, number, number]));
    const tile = renderTile(obj, dir === "-" ? null : Number(dir), hl === "1", Number(size));
    assert.equal(digest(tile), expected, `tile ${key}`);
    checked++;
  }
  assert.equal(checked, 1020);
});

test("full, unhighlighted and agent-view frames match get_full_render and get_pov_render (DoorKey solved step by step, Empty)", () => {
  for (const f of fixtures.frames) {
    const env = makeEnv(f.env);
    env.reset({ seed: f.seed });
    for (const a of f.actions) env.step(a);
    const what = `${f.env} seed ${f.seed} after [${f.actions}] at tile ${f.tileSize}`;
    assert.equal(digest(renderFull(env, { tileSize: f.tileSize }).rgb), f.full, `full render of ${what}`);
    assert.equal(digest(renderFull(env, { tileSize: f.tileSize, highlight: false }).rgb), f.plain, `plain render of ${what}`);
    assert.equal(digest(renderAgentView(env, { tileSize: f.tileSize }).rgb), f.agentView, `agent view of ${what}`);
  }
});

test("DoorKey-8x8 seed 0 renders as a 256×256 PNG at tile 32", () => {
  const img = decodePng(encodePng(renderFull(doorKey8x8Seed0())));
  assert.equal(img.width, 256);
  assert.equal(img.height, 256);
  assert.equal(img.rgb.length, 256 * 256 * 3);
});

test("DoorKey-8x8 seed 0: grey walls, green goal, yellow key and locked door, red agent, lighter view, grey grid lines", () => {
  const env = doorKey8x8Seed0();
  // The agent is at (3, 4) facing down; the key at (4, 5); the locked door at (5, 2); the goal at (6, 6).
  assert.deepEqual([env.agentPos, env.agentDir], [[3, 4], 1]);
  const img = decodePng(encodePng(renderFull(env)));
  const plain = renderFull(env, { highlight: false });

  assert.deepEqual(at(img, 32, 7, 0), [100, 100, 100], "a wall outside the view");
  assert.deepEqual(at(img, 32, 0, 7), [146, 146, 146], "a wall inside the view, lightened 30% toward white");
  assert.deepEqual(at(img, 32, 6, 6), [0, 255, 0], "the goal");
  assert.deepEqual(at(plain, 32, 4, 5, 0.56, 0.6), [255, 255, 0], "the key's shaft");
  assert.deepEqual(at(img, 32, 4, 5, 0.56, 0.6), [255, 255, 76], "the key's shaft, highlighted");
  assert.deepEqual(at(img, 32, 5, 2, 0.02, 0.02), [255, 255, 0], "the locked door's frame");
  assert.deepEqual(at(img, 32, 5, 2, 0.3, 0.3), [114, 114, 0], "the locked door's panel (0.45 × yellow)");
  assert.deepEqual(at(plain, 32, 3, 4), [255, 0, 0], "the agent triangle");
  assert.deepEqual(at(img, 32, 3, 4), [255, 76, 76], "the agent triangle, highlighted");
  assert.deepEqual(at(img, 32, 3, 4, 0.5, 0.05), [76, 76, 76], "above a down-facing triangle is floor");

  const seenFloor = at(img, 32, 2, 5);
  const unseenFloor = at(img, 32, 2, 2);
  assert.deepEqual(unseenFloor, [0, 0, 0]);
  assert.deepEqual(seenFloor, [76, 76, 76]);
  assert.ok(seenFloor[0] > unseenFloor[0], "a highlighted floor cell is lighter");

  assert.deepEqual(at(img, 32, 2, 2, 0.5, 0), [100, 100, 100], "grid line along the top edge");
  assert.deepEqual(at(img, 32, 2, 2, 0, 0.5), [100, 100, 100], "grid line along the left edge");
  assert.deepEqual(pixel(img, 2 * 32 + 16, 2 * 32 + 1), [0, 0, 0], "the line is one pixel wide at tile 32");
});

test("the highlight marks exactly the cells the agent sees", () => {
  const env = doorKey8x8Seed0();
  const seen = visibleCells(env);
  const img = renderFull(env, { tileSize: 8 });
  const plain = renderFull(env, { tileSize: 8, highlight: false });
  for (let y = 0; y < env.height; y++) {
    for (let x = 0; x < env.width; x++) {
      const sum = (c: number[]): number => c[0]! + c[1]! + c[2]!;
      const lighter = sum(at(img, 8, x, y, 0.5, 0.75)) > sum(at(plain, 8, x, y, 0.5, 0.75));
      assert.equal(lighter, seen[y * env.width + x] === 1, `cell (${x}, ${y})`);
    }
  }
  // Facing down from (3, 4) behind the split wall: rows 4–7 of columns 0–5.
  assert.equal(seen.reduce((a, b) => a + b, 0), 24);
});

test("the agent view is 7 tiles square with the agent at the bottom centre facing up", () => {
  const env = doorKey8x8Seed0();
  const img = decodePng(encodePng(renderAgentView(env, { tileSize: 32 })));
  assert.equal(img.width, 7 * 32);
  assert.equal(img.height, 7 * 32);
  assert.deepEqual(at(img, 32, 3, 6), [255, 76, 76], "agent centre");
  assert.deepEqual(at(img, 32, 3, 6, 0.5, 0.3), [255, 76, 76], "the tip points up");
  assert.deepEqual(at(img, 32, 3, 6, 0.5, 0.95), [76, 76, 76], "nothing below the base");
  // Facing down, the key one step ahead and one to the world's right (x + 1) is ahead-left in view.
  assert.deepEqual(at(img, 32, 2, 5, 0.56, 0.6), [255, 255, 76], "the key");
  assert.deepEqual(at(img, 32, 0, 6), [0, 0, 0], "hidden behind the split wall: empty and dark");
  assert.equal(renderAgentView(env, { tileSize: 5 }).width, 35);
});

test("the carried object is drawn under the agent in the agent view", () => {
  const env = doorKey8x8Seed0();
  for (const a of [2, 0, 3]) env.step(a); // down, turn to face the key, pick it up
  assert.equal(env.carrying?.type, "key");
  const img = renderAgentView(env, { tileSize: 32, highlight: false });
  assert.deepEqual(at(img, 32, 3, 6, 0.7, 0.28), [255, 255, 0], "the key's ring beside the triangle's tip");
});

test("tiles are cached by (encoding, direction, highlight, size)", () => {
  const env = showcase();
  const door = env.grid.get(3, 1);
  assert.equal(renderTile(door, null, true, 16), renderTile(door, null, true, 16));
  assert.notEqual(renderTile(door, null, true, 16), renderTile(door, null, false, 16));
  assert.notEqual(renderTile(door, 0, true, 16), renderTile(door, 1, true, 16));
  assert.notEqual(renderTile(door, null, true, 16), renderTile(door, null, true, 17));
});

test("every object of the showcase renders, and bad input is refused", () => {
  const env = showcase();
  const img = renderFull(env, { tileSize: 12 });
  assert.deepEqual([img.width, img.height], [84, 72]);
  assert.deepEqual(at(renderFull(env, { highlight: false }), 32, 1, 1, 0.05, 0.05), [255, 128, 0], "lava");
  assert.throws(() => renderFull(env, { tileSize: 0 }), /tileSize/);
  assert.throws(() => renderFull(env, { tileSize: 2.5 }), /tileSize/);
  assert.throws(() => renderFull(makeEnv("MiniGrid-Empty-5x5-v0")), /reset/);
});
