import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../testing/paths.js";

const bin = join(repoRoot, "dist", "src", "cli", "main.js");
function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("gridtune envs lists every registered id, grouped by family", () => {
  const r = run("envs");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /MiniGrid-DoorKey-8x8-v0/);
  assert.match(r.out, /\d+ envs/);
  const json = JSON.parse(run("envs", "--json", "--filter", "doorkey").out) as { id: string }[];
  assert.deepEqual(
    json.map((e) => e.id),
    ["MiniGrid-DoorKey-16x16-v0", "MiniGrid-DoorKey-5x5-v0", "MiniGrid-DoorKey-6x6-v0", "MiniGrid-DoorKey-8x8-v0"],
  );
});

test("gridtune bench env prints the JSON the issue asks for", () => {
  const r = run("bench", "env", "--env", "MiniGrid-Empty-5x5-v0", "--seconds", "0.2", "--json");
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as Record<string, unknown>;
  assert.equal(j.env, "MiniGrid-Empty-5x5-v0");
  assert.ok((j.steps_per_s as number) > 0 && (j.resets_per_s as number) > 0);
});

test("bad input: unknown env id suggests the closest ids, bad flags name the flag, no stack traces", () => {
  let r = run("bench", "env", "--env", "MiniGrid-DorKey-8x8-v0", "--seconds", "0.1");
  assert.notEqual(r.code, 0);
  assert.match(r.err, /unknown env id 'MiniGrid-DorKey-8x8-v0'; closest ids: MiniGrid-DoorKey-8x8-v0/);
  assert.doesNotMatch(r.err, /\n\s+at /);
  r = run("bench", "env", "--seconds", "-3");
  assert.notEqual(r.code, 0);
  assert.match(r.err, /--seconds must be a positive number/);
  r = run("no-such-command");
  assert.notEqual(r.code, 0);
  assert.match(r.err, /unknown command/);
});
