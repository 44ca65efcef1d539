import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeEnv } from "../minigrid/registry.js";
import { repoRoot } from "../testing/paths.js";
import { UserError } from "../util/errors.js";
import { collect, collectDataset, defaultDatasetName } from "./collect.js";
import { indexDataset, openDataset, readJsonl } from "./load.js";
import { parseSeeds, PRESETS, resolveEnvs } from "./presets.js";
import type { EpisodeRecord, Manifest, StepRecord } from "./record.js";
import { loadDemonstrations } from "./sample.js";

const scratch = mkdtempSync(join(tmpdir(), "gridtune-dataset-test-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

const ENVS = ["MiniGrid-DoorKey-5x5-v0", "MiniGrid-Unlock-v0", "MiniGrid-Fetch-5x5-N2-v0", "MiniGrid-LavaGapS5-v0"];
const small = join(scratch, "small");
const collected = collectDataset({ envIds: ENVS, seeds: [3, 7], episodes: 3, out: small, envsSpec: ENVS.join(","), seedsSpec: "3,7" });

function readLines<T>(path: string): T[] {
  return readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l) as T);
}

test("collect writes manifest.json, episodes.jsonl and steps.jsonl with the documented fields and counts", () => {
  assert.deepEqual(readdirSync(small).sort(), ["episodes.jsonl", "manifest.json", "steps.jsonl"]);
  const m = JSON.parse(readFileSync(join(small, "manifest.json"), "utf8")) as Manifest;
  assert.equal(m.format, "gridtune-dataset/1");
  assert.equal(m.versions.minigrid, "3.1.0");
  assert.deepEqual(m.options.env_ids, ENVS);
  assert.deepEqual([m.options.seeds, m.options.episodes, m.options.max_steps], ["3,7", 3, null]);
  const episodes = readLines<EpisodeRecord>(join(small, "episodes.jsonl"));
  const steps = readLines<StepRecord>(join(small, "steps.jsonl"));
  assert.equal(episodes.length, ENVS.length * 2 * 3);
  assert.equal(m.counts.episodes, episodes.length);
  assert.equal(m.counts.steps, steps.length);
  assert.equal(Object.values(m.counts.per_category).reduce((a, b) => a + b, 0), steps.length);
  for (const id of ENVS) assert.equal(m.counts.per_env[id]!.episodes, 6);
  assert.deepEqual(Object.keys(steps[0]!), [
    "env_id", "seed", "episode", "step", "mission", "width", "height", "agent_pos", "agent_dir", "carrying", "image", "grid",
    "action", "optimal_actions", "optimal_exact", "subgoal", "reward", "terminated", "truncated",
  ]);
  for (const s of steps) {
    assert.equal(s.image.length, 147);
    assert.equal(s.grid.length, s.width * s.height * 3);
    assert.ok(s.optimal_actions.includes(s.action));
  }
  for (const e of episodes) assert.equal(e.success, true, `${e.env_id} seed ${e.seed} episode ${e.episode}`);
  assert.equal(collected.manifest.counts.successes, episodes.length);
});

test("replaying the dataset through the engine reproduces every state and outcome (episode 0 from reset(seed), later ones from reset())", () => {
  const steps = readLines<StepRecord>(join(small, "steps.jsonl"));
  const episodes = readLines<EpisodeRecord>(join(small, "episodes.jsonl"));
  const byEpisode = new Map<string, StepRecord[]>();
  for (const s of steps) {
    const k = `${s.env_id}|${s.seed}|${s.episode}`;
    if (!byEpisode.has(k)) byEpisode.set(k, []);
    byEpisode.get(k)!.push(s);
  }
  const envs = new Map(ENVS.map((id) => [id, makeEnv(id)]));
  for (const e of episodes) {
    const env = envs.get(e.env_id)!;
    let obs = (e.episode === 0 ? env.reset({ seed: e.seed }) : env.reset()).obs;
    let ret = 0;
    const recs = byEpisode.get(`${e.env_id}|${e.seed}|${e.episode}`)!;
    assert.equal(recs.length, e.length);
    recs.forEach((r, i) => {
      const where = `${e.env_id} seed ${e.seed} episode ${e.episode} step ${i}`;
      assert.equal(r.step, i, where);
      assert.equal(r.mission, obs.mission, where);
      assert.deepEqual(r.agent_pos, [...env.agentPos], where);
      assert.equal(r.agent_dir, env.agentDir, where);
      assert.deepEqual(r.carrying, env.carrying ? [env.carrying.type, env.carrying.color] : null, where);
      assert.deepEqual(r.image, Array.from(obs.image), where);
      assert.deepEqual(r.grid, Array.from(env.grid.encode()), where);
      const out = env.step(r.action);
      assert.deepEqual([r.reward, r.terminated, r.truncated], [out.reward, out.terminated, out.truncated], where);
      ret += out.reward;
      obs = out.obs;
    });
    assert.equal(ret, e.return);
  }
});

test("the 9env preset names nine registered ids; default directory names follow dataset_<label>_<n>seed_<e>episodes_v2_MMDD_HHMM", () => {
  assert.equal(PRESETS["9env"]!.length, 9);
  assert.deepEqual(resolveEnvs("9env"), [...PRESETS["9env"]!]);
  assert.equal(defaultDatasetName("9env", 5, 5, new Date(2025, 0, 2, 3, 4)), "dataset_9env_5seed_5episodes_v2_0102_0304");
});

test("loading: counts, categories, stratified sampling per category, splits by episode", async () => {
  const log: string[] = [];
  const d = await loadDemonstrations(small, { samplesPerCategory: 4, seed: 1, log: (l) => log.push(l) });
  const steps = readLines<StepRecord>(join(small, "steps.jsonl"));
  assert.equal(log[0], `Loaded ${steps.length} demonstrations`);
  const cats: Record<string, number> = {};
  for (const s of steps) cats[String(s.action)] = (cats[String(s.action)] ?? 0) + 1;
  const keys = Object.keys(cats).sort();
  assert.equal(log[1], `Available categories: {${keys.map((k) => `'${k}': ${cats[k]}`).join(", ")}}`);
  keys.forEach((k, i) => assert.equal(log[2 + i], `Category '${k}': sampled ${Math.min(4, cats[k]!)}/${cats[k]} samples`));
  const all = [...d.train, ...d.validation, ...d.test];
  assert.equal(all.length, keys.reduce((n, k) => n + Math.min(4, cats[k]!), 0));
  const splitOf = new Map<string, string>();
  for (const [name, part] of [["train", d.train], ["validation", d.validation], ["test", d.test]] as const) {
    for (const r of part) {
      const k = `${r.env_id}|${r.seed}|${r.episode}`;
      assert.equal(splitOf.get(k) ?? name, name, `episode ${k} straddles two splits`);
      splitOf.set(k, name);
    }
  }
  // The same seed gives the same sample.
  const again = await loadDemonstrations(small, { samplesPerCategory: 4, seed: 1 });
  assert.deepEqual(again.train.map((r) => [r.env_id, r.seed, r.episode, r.step]), d.train.map((r) => [r.env_id, r.seed, r.episode, r.step]));
});

test("bad input: missing or empty directory, missing manifest, corrupt line (file:line), unknown env or preset, bad seeds", async () => {
  await assert.rejects(loadDemonstrations(join(scratch, "nope")), /does not exist/);
  const empty = join(scratch, "empty");
  mkdirSync(empty);
  await assert.rejects(loadDemonstrations(empty), /is empty/);
  const noManifest = join(scratch, "no-manifest");
  mkdirSync(noManifest);
  writeFileSync(join(noManifest, "steps.jsonl"), "");
  await assert.rejects(loadDemonstrations(noManifest), /manifest\.json is missing/);
  const corrupt = join(scratch, "corrupt");
  mkdirSync(corrupt);
  for (const f of ["manifest.json", "episodes.jsonl"]) writeFileSync(join(corrupt, f), readFileSync(join(small, f)));
  const lines = readFileSync(join(small, "steps.jsonl"), "utf8").split("\n");
  lines[4] = lines[4]!.slice(0, 40);
  writeFileSync(join(corrupt, "steps.jsonl"), lines.join("\n"));
  await assert.rejects(loadDemonstrations(corrupt), (e: Error) => e instanceof UserError && e.message.includes(`${join(corrupt, "steps.jsonl")}:5:`));
  assert.throws(() => resolveEnvs("10env"), /unknown preset or env id '10env'/);
  assert.throws(() => resolveEnvs("MiniGrid-DoorKey-9x9-v0"), /closest ids: MiniGrid-DoorKey/);
  assert.deepEqual(parseSeeds("0-4"), [0, 1, 2, 3, 4]);
  assert.deepEqual(parseSeeds("0-1,7"), [0, 1, 7]);
  for (const bad of ["", "4-1", "a", "1,1", "-3"]) assert.throws(() => parseSeeds(bad), UserError, bad);
});

test("collect refuses an existing non-empty --out and leaves nothing behind when it fails", () => {
  assert.throws(() => collectDataset({ envIds: ENVS, seeds: [0], episodes: 1, out: small }), /already exists/);
  const out = join(scratch, "failed");
  assert.throws(() => collectDataset({ envIds: ["MiniGrid-Empty-5x5-v0"], seeds: [0], episodes: 0, out }), /--episodes/);
  assert.throws(() => collectDataset({ envIds: ["MiniGrid-Empty-5x5-v0"], seeds: [0], episodes: 1, out, expert: { model: "grid" }, onProgress: (e) => {
    if (e.done === 1) throw new Error("interrupted");
  } }), /interrupted/);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(scratch).filter((n) => n.includes(".tmp-")), []);
});

test("collect (async) writes the same bytes as collectDataset and reports every episode", async () => {
  const out = join(scratch, "async");
  const events: number[] = [];
  const r = await collect({ envIds: ENVS, seeds: [3, 7], episodes: 3, out, envsSpec: ENVS.join(","), seedsSpec: "3,7" }, { progress: (e) => events.push(e.done) });
  assert.equal(r.dir, out);
  assert.deepEqual(events, Array.from({ length: ENVS.length * 2 * 3 + 1 }, (_, i) => i));
  for (const f of ["steps.jsonl", "episodes.jsonl"]) assert.ok(readFileSync(join(out, f)).equals(readFileSync(join(small, f))), f);
  const strip = (m: Manifest) => ({ ...m, created: "", versions: { ...m.versions } });
  assert.deepEqual(strip(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"))), strip(JSON.parse(readFileSync(join(small, "manifest.json"), "utf8"))));
});

test("collect: an abort from a timer stops within a step, rejects with the signal's reason and leaves nothing behind", async () => {
  const out = join(scratch, "aborted");
  const controller = new AbortController();
  let abortedAt = 0;
  let episodes = 0;
  setTimeout(() => {
    abortedAt = performance.now();
    controller.abort();
  }, 100);
  const seeds = Array.from({ length: 500 }, (_, i) => i); // far more than 100 ms of work
  const err = await collect({ envIds: ["MiniGrid-DoorKey-8x8-v0"], seeds, episodes: 1, out }, { signal: controller.signal, progress: (e) => (episodes = e.done) }).then(
    () => assert.fail("the collection should have been cancelled"),
    (e: unknown) => e,
  );
  const latency = performance.now() - abortedAt;
  assert.equal((err as Error).name, "AbortError");
  assert.equal(err, controller.signal.reason);
  assert.ok(episodes > 0 && episodes < seeds.length, `${episodes} episodes before the abort`);
  assert.ok(latency < 250, `the abort took ${latency.toFixed(0)} ms to take effect`);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(scratch).filter((n) => n.includes(".tmp-")), []);
  // An already-aborted signal: nothing starts; the reason is what rejects.
  const reason = new Error("not now");
  await assert.rejects(collect({ envIds: ENVS, seeds: [0], episodes: 1, out }, { signal: AbortSignal.abort(reason) }), (e) => e === reason);
  assert.equal(existsSync(out), false);
});

test("the CLI: Ctrl-C during collect stops it, says so, exits 130 and writes nothing", async () => {
  const cli = join(repoRoot, "dist", "src", "cli", "main.js");
  const parent = join(scratch, "sigint");
  mkdirSync(parent);
  const out = join(parent, "data");
  const child = spawn(process.execPath, [cli, "collect", "--envs", "MiniGrid-DoorKey-8x8-v0", "--seeds", "0-4999", "--episodes", "1", "--out", out], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((resolve) => {
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (/collect: \d+\/5000/.test(stderr) && !child.killed) child.kill("SIGINT"); // the first progress line: the work has started
    });
    child.on("close", (c) => resolve(c));
  });
  assert.equal(code, 130, stderr);
  assert.match(stderr, /error: collection stopped by SIGINT; nothing was written to .*data/);
  assert.doesNotMatch(stdout, /wrote/);
  assert.deepEqual(readdirSync(parent), []);
});

test("the CLI: collect with a progress bar, clear errors and a non-zero exit code on bad input", () => {
  const cli = join(repoRoot, "dist", "src", "cli", "main.js");
  const out = join(scratch, "cli");
  const ok = spawnSync(process.execPath, [cli, "collect", "--envs", "MiniGrid-Empty-5x5-v0,MiniGrid-DoorKey-5x5-v0", "--seeds", "0-1", "--episodes", "2", "--out", out], { encoding: "utf8" });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /8 episodes \(8 successful\)/);
  assert.match(ok.stderr, /collect/);
  for (const args of [
    ["collect", "--envs", "nine", "--out", join(scratch, "x")],
    ["collect", "--envs", "9env", "--seeds", "3-1", "--out", join(scratch, "x")],
    ["dataset", join(scratch, "missing")],
  ]) {
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /^error: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  }
  assert.equal(existsSync(join(scratch, "x")), false);
});

test("a large dataset streams in bounded memory: 300 000 steps index in far less memory than their text", async () => {
  const dir = join(scratch, "large");
  mkdirSync(dir);
  writeFileSync(join(dir, "manifest.json"), readFileSync(join(small, "manifest.json")));
  writeFileSync(join(dir, "episodes.jsonl"), readFileSync(join(small, "episodes.jsonl")));
  const grid = JSON.stringify(Array.from({ length: 192 }, (_, i) => i % 10));
  const image = JSON.stringify(Array.from({ length: 147 }, (_, i) => i % 10));
  const chunks: string[] = [];
  const n = 300_000;
  for (let i = 0; i < n; i++) {
    chunks.push(
      `{"env_id":"MiniGrid-Empty-8x8-v0","seed":${i >> 10},"episode":0,"step":${i & 1023},"mission":"m","width":8,"height":8,"agent_pos":[1,1],"agent_dir":0,"carrying":null,"image":${image},"grid":${grid},"action":${i % 3},"optimal_actions":[${i % 3}],"optimal_exact":true,"subgoal":"go to the green goal","reward":0,"terminated":false,"truncated":false}\n`,
    );
  }
  writeFileSync(join(dir, "steps.jsonl"), chunks.join(""));
  chunks.length = 0;
  const bytes = readFileSync(join(dir, "steps.jsonl")).length;
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const index = await indexDataset(openDataset(dir));
  // What the index keeps, not the garbage parsing left behind (run-tests.mjs passes --expose-gc).
  globalThis.gc?.();
  const after = process.memoryUsage().heapUsed;
  assert.equal(index.count, n);
  assert.ok(after - before < bytes / 4, `index grew the heap by ${((after - before) / 2 ** 20).toFixed(1)} MB for ${(bytes / 2 ** 20).toFixed(0)} MB of text`);
  const d = await loadDemonstrations(dir, { samplesPerCategory: 10 });
  assert.equal(d.train.length + d.validation.length + d.test.length, 30);
  let lines = 0;
  for await (const _ of readJsonl(join(dir, "episodes.jsonl"))) lines++;
  assert.ok(lines > 0);
});

test("loadDataset reports the indexing in bytes (phase index) and stops between chunks when its signal aborts", async () => {
  const dir = join(scratch, "progress");
  mkdirSync(dir);
  for (const f of ["manifest.json", "episodes.jsonl"]) writeFileSync(join(dir, f), readFileSync(join(small, f)));
  const text = readFileSync(join(small, "steps.jsonl"), "utf8");
  writeFileSync(join(dir, "steps.jsonl"), text.repeat(Math.ceil((4 << 20) / text.length))); // ≥ 4 MiB
  const bytes = readFileSync(join(dir, "steps.jsonl")).length;
  const events: { phase: string; done: number; total: number }[] = [];
  const d = await loadDemonstrations(dir, { samplesPerCategory: 2, progress: (e) => events.push(e) });
  assert.ok(d.train.length > 0);
  assert.ok(events.every((e) => e.phase === "index" && e.total === bytes));
  assert.deepEqual([events[0]!.done, events.at(-1)!.done], [0, bytes]);
  assert.ok(events.length > 10, `${events.length} progress events`);
  assert.ok(events.every((e, i) => i === 0 || e.done >= events[i - 1]!.done));
  // Aborted after the first quarter: rejects with the reason, before the end of the file.
  const controller = new AbortController();
  const reason = new Error("stop loading");
  let last = 0;
  await assert.rejects(
    loadDemonstrations(dir, {
      signal: controller.signal,
      progress: (e) => {
        last = e.done;
        if (e.done > bytes / 4) controller.abort(reason);
      },
    }),
    (e) => e === reason,
  );
  assert.ok(last < bytes / 2, `stopped at ${last} of ${bytes} bytes`);
  await assert.rejects(loadDemonstrations(dir, { signal: AbortSignal.abort(reason) }), (e) => e === reason);
});
