/** BALROG BabyAI records for the dashboard: listed, compared, and an episode replayed frame by frame. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { botPlayer } from "../pipeline/benchmarks/balrog-babyai/agents.js";
import { evaluateBalrogBabyAI } from "../pipeline/benchmarks/balrog-babyai/run.js";
import { writeBalrogRecord } from "../pipeline/benchmarks/balrog-babyai/record.js";
import { balrogEpisodeFrames, balrogRecordDetail, listBalrogRecords } from "./balrog-runs.js";

let root: string;
before(async () => {
  root = mkdtempSync(join(tmpdir(), "gridtune-balrog-web-"));
  const r = await evaluateBalrogBabyAI({ agents: [botPlayer()], tasks: ["BabyAI-MixedTrainLocal-v0/open", "BabyAI-MixedTrainLocal-v0/putnext"], episodesPerTask: 2 });
  writeBalrogRecord(join(root, "balrog", "r1.json"), r);
  mkdirSync(join(root, "other"));
  writeFileSync(join(root, "other", "x.json"), JSON.stringify({ format: "gridtune-run/1" }));
});
after(() => rmSync(root, { recursive: true, force: true }));

test("records are listed with each agent's overall figures; other JSON is not", () => {
  const list = listBalrogRecords(root);
  assert.equal(list.length, 1);
  assert.equal(list[0]!.id, "balrog/r1.json");
  assert.deepEqual(list[0]!.agents, [{ name: "babyai-bot", average_progress: 100, standard_error: 0, episodes: 4 }]);
});

test("a record's comparison table and episodes; an episode replays to the recorded observations", () => {
  const d = balrogRecordDetail(root, "balrog/r1.json");
  assert.deepEqual(d.table.rows.at(-1), ["overall", "100.00% ± 0.00%"]);
  assert.equal(d.agents[0]!.episodes.length, 4);
  const ep = balrogEpisodeFrames(root, "balrog/r1.json", 0, 1);
  assert.equal(ep.frames.length, d.agents[0]!.episodes[1]!.num_steps + 1);
  assert.ok(ep.frames.every((f) => f.svg.startsWith("<svg")));
  assert.ok(ep.frames.at(-1)!.reward > 0);
  assert.throws(() => balrogRecordDetail(root, "../etc/passwd"), /not a record under the runs directory/);
  assert.throws(() => balrogEpisodeFrames(root, "balrog/r1.json", 0, 9), /no episode 9/);
  // A record whose actions do not lead where it says is refused, not drawn.
  const r = JSON.parse(readFileSync(join(root, "balrog", "r1.json"), "utf8"));
  const t = r.runs[0].episodes[1].trajectory;
  t[0].action = t[0].action === "turn left" ? "turn right" : "turn left";
  writeFileSync(join(root, "balrog", "tampered.json"), JSON.stringify(r));
  assert.throws(() => balrogEpisodeFrames(root, "balrog/tampered.json", 0, 1), /diverges from the record at step 0/);
});
