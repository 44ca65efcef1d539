import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../testing/paths.js";
import { tempDir } from "../testing/temp-dir.js";
import { makeEnv } from "../minigrid/registry.js";
import { encode } from "../encoding/index.js";
import { stepFromEnv } from "../agent/observation.js";
import { makeDirectory } from "../util/make-dir.js";

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

// ---- output paths, pipes, and what the commands print (issue 14) ----

const cliTmp = tempDir("cli");

test("collect and render: an --out that cannot be written is an error naming the flag and the path", () => {
  const file = join(cliTmp, "a-file");
  writeFileSync(file, "x");
  const unwritable = [join(file, "sub")]; // a parent that is a file: fails for every user, root included
  if (existsSync("/proc/self")) unwritable.push("/proc/gridtune-no/such"); // files cannot be created in /proc
  if (process.getuid?.() !== 0) {
    const ro = join(cliTmp, "read-only");
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    unwritable.push(join(ro, "out"));
  }
  for (const out of unwritable) {
    const c = run("collect", "--envs", "MiniGrid-Empty-5x5-v0", "--seeds", "0", "--episodes", "1", "--out", out, "--quiet");
    assert.equal(c.code, 2, c.err);
    assert.match(c.err, new RegExp(`^error: --out ${out.replace(/[/.]/g, "\\$&")}: cannot write there: `));
    assert.doesNotMatch(c.err, /unexpected|\n\s+at /);
    const r = run("render", "--env", "MiniGrid-Empty-5x5-v0", "--seed", "0", "--out", `${out}.png`);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /^error: --out .*\.png: cannot write there: /);
    assert.doesNotMatch(r.err, /unexpected|\n\s+at /);
  }
});

test("gridtune play | head: the closed pipe ends the command quietly, without an EPIPE trace", () => {
  const r = spawnSync("bash", ["-c", `yes 2 | head -n 40 | "${process.execPath}" "${bin}" play --env MiniGrid-Empty-5x5-v0 --no-color | head -n 3 > /dev/null; echo "exit \${PIPESTATUS[2]}" >&2`], { encoding: "utf8", timeout: 60_000 });
  assert.match(r.stderr, /exit 0\s*$/);
  assert.doesNotMatch(r.stderr, /EPIPE|\n\s+at /);
});

test("gridtune play draws the grid in the ascii encoding's cell tokens (We, Ky, vv), the tokens the agent reads", () => {
  const r = spawnSync(process.execPath, [bin, "play", "--env", "MiniGrid-DoorKey-8x8-v0", "--seed", "0", "--no-color"], { input: "q\n", encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const env = makeEnv("MiniGrid-DoorKey-8x8-v0");
  env.reset({ seed: 0 });
  const ascii = encode(stepFromEnv(env), { type: "ascii", view: "full" });
  const rows = ascii.split("\n").filter((l) => /^(\S\S )+\S\S$/.test(l)).map((l) => l.replace(/ /g, ""));
  assert.equal(rows.length, env.height);
  assert.ok(r.stdout.includes(rows.join("\n")), `play's grid is the ascii encoding's:\n${rows.join("\n")}\n--- got ---\n${r.stdout}`);
  assert.match(r.stdout, /We....vv..We/);
  assert.doesNotMatch(r.stdout, /WGWG/);
});

test("gridtune dataset names each category's action (0 left, 2 forward), with the sample beside the counts", () => {
  const ds = join(cliTmp, "ds");
  assert.equal(run("collect", "--envs", "MiniGrid-DoorKey-5x5-v0", "--seeds", "0-2", "--episodes", "2", "--out", ds, "--quiet").code, 0);
  const r = run("dataset", ds);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Steps per category \(the expert's action\):\n {2}0 left +\d+\n {2}1 right +\d+\n {2}2 forward +\d+/);
  assert.doesNotMatch(r.out, /\{'0'/);
  const s = run("dataset", ds, "--samples", "2");
  assert.match(s.out, /sampled \/ available:\n {2}0 left +2 \/ +\d+/);
});

test("finetune --output-dir where no file can be created (/proc): refused at once by the write check, before any LM call", { skip: !existsSync("/proc/self") }, () => {
  const ds = join(cliTmp, "ds-proc");
  assert.equal(run("collect", "--envs", "MiniGrid-Empty-5x5-v0", "--seeds", "0-2", "--episodes", "1", "--out", ds, "--quiet").code, 0);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, "finetune", "--dataset-path", ds, "--output-dir", "/proc/gridtune", "--no-progress"], {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, GROQ_API_KEY: "gsk_unused", GROQ_BASE_URL: "http://127.0.0.1:9/v1", OLLAMA_HOST: "http://127.0.0.1:9", GRIDTUNE_CACHE_DIR: join(cliTmp, "cache") },
  });
  assert.equal(r.status, 2, r.stderr + r.stdout);
  assert.match(r.stderr, /--output-dir \/proc\/gridtune: cannot be created \(\/proc: files cannot be created there\)/);
  assert.ok(performance.now() - t0 < 20_000);
});

test("makeDirectory fails at once where Node's recursive mkdir would spin (/proc), and makes missing levels elsewhere", { skip: !existsSync("/proc/self") }, () => {
  assert.throws(() => makeDirectory("/proc/gridtune-x/y"), (e: NodeJS.ErrnoException) => e.code === "ENOENT");
  const deep = join(cliTmp, "a", "b", "c");
  makeDirectory(deep);
  makeDirectory(deep);
  assert.ok(existsSync(deep));
});
