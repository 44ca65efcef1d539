/** The pipeline's data on the dataset layer: its split plan, and examples that carry where they came from. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Prediction, type Module } from "../dspy/index.js";
import { collectDataset } from "../dataset/collect.js";
import { episodeId } from "../dataset/ids.js";
import { sampleDataset, splitByEpisode, toExample } from "./data.js";
import { evaluateExamples } from "./evaluate-examples.js";
import { Judge } from "./metrics.js";

const scratch = mkdtempSync(join(tmpdir(), "gridtune-pipeline-data-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
const dir = join(scratch, "ds");
collectDataset({ envIds: ["MiniGrid-Empty-5x5-v0", "MiniGrid-DoorKey-5x5-v0"], seeds: [0, 1, 2, 3, 4], episodes: 1, out: dir });

test("the pipeline splits 60/20/20 of the episodes, test and val first with at least one each, no episode in two splits", async () => {
  const ds = await sampleDataset(dir, "action", undefined, 0);
  assert.equal(ds.episodes.length, 10);
  const s = splitByEpisode(ds.steps, 0);
  const eps = (list: typeof s.train) => new Set(list.map(episodeId));
  assert.deepEqual([eps(s.train).size, eps(s.val).size, eps(s.test).size], [6, 2, 2]);
  for (const e of eps(s.test)) assert.ok(!eps(s.train).has(e) && !eps(s.val).has(e));
  assert.equal(s.by, "episode");
  assert.deepEqual(splitByEpisode(ds.steps, 0), s, "seeded");
});

test("an evaluated example carries its step's env, seed, episode, step and mission (from the example's labels)", async () => {
  const ds = await sampleDataset(dir, "action", 2, 0);
  const steps = ds.steps.slice(0, 3);
  const examples = await Promise.all(steps.map((st) => toExample(st, "action", "ascii", "agent")));
  const program = { call: async () => new Prediction({ reasoning: "r", primitive_action: "move forward" }) } as unknown as Module;
  const r = await evaluateExamples(program, examples, new Judge({ metric: "exact", hint: "action" }));
  assert.deepEqual(
    r.examples.map((e) => [e.id, e.env_id, e.seed, e.episode, e.step, e.mission]),
    steps.map((st) => [`${st.env_id}/${st.seed}/${st.episode}/${st.step}`, st.env_id, st.seed, st.episode, st.step, st.mission]),
  );
  assert.ok(steps.every((st) => st.mission !== ""), "the missions are real ones");
});
