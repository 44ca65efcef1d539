/** The one dataset API: ids, the line parser and its defaults, the sampler and the splitter with their plans. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NumpyGenerator } from "../minigrid/rng.js";
import { DatasetError } from "./errors.js";
import { indexEpisodeRanges, readEpisodeSteps } from "./episode-index.js";
import { episodeId, parseEpisodeId, parseStepId, stepId } from "./ids.js";
import { parseEpisodeLine, parseStepLine } from "./parse.js";
import { assignSplits, sampleByCategory, splitEpisodes } from "./sample.js";

const scratch = mkdtempSync(join(tmpdir(), "gridtune-dataset-api-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

const minimal = { env_id: "MiniGrid-Empty-5x5-v0", seed: 3, episode: 1, step: 4, width: 5, height: 5, agent_pos: [1, 1], agent_dir: 0, image: [], grid: [], action: 2 };

test("ids are env_id/seed/episode[/step], and parse back from the right (an env id may hold a '/')", () => {
  assert.equal(episodeId({ env_id: "MiniGrid-Empty-5x5-v0", seed: 3, episode: 1 }), "MiniGrid-Empty-5x5-v0/3/1");
  assert.equal(stepId({ env_id: "MiniGrid-Empty-5x5-v0", seed: 3, episode: 1, step: 4 }), "MiniGrid-Empty-5x5-v0/3/1/4");
  assert.deepEqual(parseStepId("ns/Env-v0/-2/0/17"), { env_id: "ns/Env-v0", seed: -2, episode: 0, step: 17 });
  assert.deepEqual(parseEpisodeId(episodeId({ env_id: "ns/Env-v0", seed: 9, episode: 2 })), { env_id: "ns/Env-v0", seed: 9, episode: 2 });
  assert.throws(() => parseStepId("Env/1/x/2"), RangeError);
  assert.throws(() => parseEpisodeId("3/1"), RangeError);
});

test("a step line lacking optional fields gets one default each: optimal_exact false, optimal_actions [action], …", () => {
  const r = parseStepLine(JSON.stringify(minimal), { path: "d/steps.jsonl", line: 7 });
  assert.equal(r.optimal_exact, false);
  assert.deepEqual(r.optimal_actions, [2]);
  assert.equal(r.mission, "");
  assert.equal(r.subgoal, "");
  assert.equal(r.reward, 0);
  assert.equal(r.terminated, false);
  assert.equal(r.truncated, false);
  assert.equal(r.carrying, null);
  assert.equal(parseStepLine(JSON.stringify({ ...minimal, optimal_exact: true }), { path: "x", line: 1 }).optimal_exact, true);
  const e = parseEpisodeLine('{"env_id":"E","seed":0,"episode":0}', { path: "d/episodes.jsonl", line: 1 });
  assert.deepEqual([e.length, e.success, e.return, e.optimal_exact, e.planner], [0, false, 0, false, ""]);
});

test("a bad line is a DatasetError naming file:line and the field", () => {
  const at = { path: "d/steps.jsonl", line: 12 };
  assert.throws(() => parseStepLine("{oops", at), (e: unknown) => e instanceof DatasetError && /^d\/steps\.jsonl:12: corrupt JSON line/.test(e.message));
  assert.throws(() => parseStepLine(JSON.stringify({ ...minimal, action: 9 }), at), /d\/steps\.jsonl:12: action 9 is not 0–6/);
  assert.throws(() => parseStepLine(JSON.stringify({ ...minimal, width: "5" }), at), /:12: width must be a number/);
  assert.throws(() => parseStepLine(JSON.stringify({ ...minimal, grid: null }), at), /:12: grid must be an array/);
  assert.throws(() => parseEpisodeLine('{"seed":0,"episode":0}', { path: "e.jsonl", line: 3 }), /e\.jsonl:3: env_id is missing/);
});

test("the episode index reads one episode straight from its byte ranges, through the same parser", async () => {
  const path = join(scratch, "steps.jsonl");
  const lines = [0, 1, 2].flatMap((ep) => [0, 1, 2].map((step) => JSON.stringify({ ...minimal, episode: ep, step, action: step })));
  writeFileSync(path, lines.join("\n") + "\n");
  const ranges = await indexEpisodeRanges(path, Buffer.byteLength(lines.join("\n") + "\n"));
  assert.equal(ranges.steps, 9);
  assert.deepEqual(ranges.perCategory, { "0": 3, "1": 3, "2": 3 });
  assert.deepEqual([...ranges.episodes.keys()], ["MiniGrid-Empty-5x5-v0/3/0", "MiniGrid-Empty-5x5-v0/3/1", "MiniGrid-Empty-5x5-v0/3/2"]);
  const steps = await readEpisodeSteps(path, ranges, { env_id: minimal.env_id, seed: 3, episode: 1 });
  assert.deepEqual(steps.map((s) => [s.episode, s.step, s.optimal_exact]), [[1, 0, false], [1, 1, false], [1, 2, false]]);
  assert.deepEqual(await readEpisodeSteps(path, ranges, { env_id: minimal.env_id, seed: 4, episode: 1 }), []);
});

test("the splitter deals a seeded shuffle by a plan: default train first; test first with at least one each", () => {
  const fractions = { train: 0.6, validation: 0.2, test: 0.2 };
  const a = assignSplits(10, { fractions }, new NumpyGenerator(1));
  assert.deepEqual([0, 1, 2].map((k) => a.split.filter((s) => s === k).length), [6, 2, 2]);
  assert.deepEqual(a.order.slice(0, 6).map((i) => a.split[i]), [0, 0, 0, 0, 0, 0], "the first six dealt go to train");
  const b = assignSplits(10, { fractions, deal: ["test", "validation", "train"] }, new NumpyGenerator(1));
  assert.deepEqual(a.order, b.order, "the same seed shuffles alike whatever the deal");
  assert.deepEqual(b.order.slice(0, 2).map((i) => b.split[i]), [2, 2], "the first two dealt go to test");
  const tiny = assignSplits(3, { fractions, deal: ["test", "validation", "train"], atLeastOne: true }, new NumpyGenerator(0));
  assert.deepEqual([...tiny.split].sort(), [0, 1, 2], "three items: one in each split");
  assert.deepEqual(splitEpisodes(10, fractions, new NumpyGenerator(1)), a.split);
  assert.throws(() => assignSplits(4, { fractions: { train: -1, validation: 0, test: 1 } }, new NumpyGenerator(0)), /split fraction train must be ≥ 0/);
});

test("the sampler draws per category in the map's order with one RNG; undefined keeps every item", () => {
  const groups = new Map([
    ["0", [0, 3, 6, 9]],
    ["2", [1, 2, 4, 5, 7, 8]],
  ]);
  const heard: string[] = [];
  const s = sampleByCategory(groups, 2, new NumpyGenerator(0), (k, n, of) => heard.push(`${k}:${n}/${of}`));
  assert.deepEqual(heard, ["0:2/4", "2:2/6"]);
  assert.deepEqual(s.available, { "0": 4, "2": 6 });
  assert.deepEqual(s.sampled, { "0": 2, "2": 2 });
  assert.equal(s.chosen.length, 4);
  assert.deepEqual([...s.chosen].sort((x, y) => x - y), s.chosen, "ascending");
  assert.deepEqual(sampleByCategory(groups, 2, new NumpyGenerator(0)).chosen, s.chosen, "seeded");
  assert.deepEqual(sampleByCategory(groups, undefined, new NumpyGenerator(0)).chosen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});
