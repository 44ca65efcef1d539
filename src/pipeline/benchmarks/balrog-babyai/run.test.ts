/**
 * The protocol end to end: the BabyAI bot as the agent (the harness's sanity check), BALROG's
 * summary table, the run record (atomic, never overwritten), and an LM agent over HTTP.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LLMTestServer } from "../../../testing/llm-test-server.js";
import { lm } from "../../../lm/lm.js";
import { loadLMConfig } from "../../../lm/config.js";
import { botPlayer, naiveAgent } from "./agents.js";
import { evaluateBalrogBabyAI, type BalrogEpisode } from "./run.js";
import { balrogComparisonRows, balrogSummaryLines, summarizeBalrog } from "./summary.js";
import { writeBalrogRecord } from "./record.js";
import { BALROG_BABYAI_TASKS } from "./protocol.js";

let dir: string;
let server: LLMTestServer;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "gridtune-balrog-"));
  server = await LLMTestServer.start({ models: ["naive-test"], replies: [{ match: /a wall 1 step forward/, reply: "turn left" }, { reply: "Go forward." }] });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the BabyAI bot through the whole protocol: 50 episodes (5 tasks × 10), ~100% progression", async () => {
  const r = await evaluateBalrogBabyAI({ agents: [botPlayer()], seed: 0 });
  const run = r.runs[0]!;
  assert.equal(run.episodes.length, 50);
  assert.deepEqual(Object.keys(run.summary.tasks), [...BALROG_BABYAI_TASKS]);
  for (const t of Object.values(run.summary.tasks)) assert.equal(t.episodes_played, 10);
  assert.ok(run.summary.average_progress >= 98, `bot progression ${run.summary.average_progress}%`);
  // Every episode keeps its trajectory; seeds differ across episodes and tasks.
  assert.ok(run.episodes.every((e) => e.trajectory.length === e.num_steps && e.num_steps > 0));
  assert.equal(new Set(run.episodes.map((e) => e.seed)).size, 50);
  // The same seed gives the same run.
  const again = await evaluateBalrogBabyAI({ agents: [botPlayer()], seed: 0, tasks: [BALROG_BABYAI_TASKS[2]!], episodesPerTask: 3 });
  assert.deepEqual(
    again.runs[0]!.episodes.map((e) => [e.seed, e.num_steps]),
    run.episodes.filter((e) => e.task === BALROG_BABYAI_TASKS[2] && e.episode < 3).map((e) => [e.seed, e.num_steps]),
  );
});

function ep(task: string, progression: number, num_steps = 10): BalrogEpisode {
  return { task, episode: 0, seed: 0, mission: "", max_steps: 64, num_steps, episode_return: progression, progression, done: true, failed_candidates: [], action_frequency: {}, input_tokens: 3, output_tokens: 1, initial_observation: "", trajectory: [] };
}

test("BALROG's summary: population standard deviation over √N, in percent; its printed table", () => {
  const [a, b] = [BALROG_BABYAI_TASKS[0]!, BALROG_BABYAI_TASKS[1]!];
  const s = summarizeBalrog([ep(a, 1), ep(a, 0), ep(a, 1), ep(a, 1), ep(b, 0), ep(b, 0), { ...ep(b, 1), error: "HTTP 500" }]);
  assert.equal(s.tasks[a]!.progression_percentage, 75);
  assert.ok(Math.abs(s.tasks[a]!.standard_error - 21.650635094610966) < 1e-9);
  assert.equal(s.tasks[b]!.standard_error, 0);
  assert.equal(s.failed_episodes, 1);
  assert.equal(s.environments.babyai.episodes_played, 6);
  assert.equal(s.average_progress, 50);
  // sd of [1,0,1,1,0,0] = 0.5; se = 0.5/√6
  assert.ok(Math.abs(s.standard_error - (100 * 0.5) / Math.sqrt(6)) < 1e-9);
  assert.deepEqual(balrogSummaryLines(s), [
    "",
    "Summary of Results:",
    "Overall Average Progression: 50.00% ± 20.41%",
    "Per-Environment Results:",
    "  babyai: 50.00% ± 20.41%, Episodes: 6",
    "Per-Task Results (babyai):",
    "  BabyAI-MixedTrainLocal-v0/goto: 75.00% ± 21.65%, Episodes: 4",
    "  BabyAI-MixedTrainLocal-v0/pickup: 0.00% ± 0.00%, Episodes: 2",
  ]);
  const t = balrogComparisonRows([{ name: "base", summary: s }, { name: "student", summary: summarizeBalrog([ep(a, 1)]) }]);
  assert.deepEqual(t.header, ["task", "base", "student"]);
  assert.deepEqual(t.rows.at(-1), ["overall", "50.00% ± 20.41%", "100.00% ± 0.00%"]);
});

test("an LM as BALROG's naive agent over HTTP; the run record is written once and never overwritten", async () => {
  const model = lm("openai-compatible/naive-test", { baseUrl: server.openaiBaseUrl, cache: false, config: loadLMConfig({ env: {}, envFile: false }), retry: { maxAttempts: 1 } });
  const r = await evaluateBalrogBabyAI({ agents: [naiveAgent(model, { maxTokens: 16 })], seed: 5, episodesPerTask: 1, maxSteps: 4 });
  const e = r.runs[0]!.episodes;
  assert.equal(e.length, 5);
  assert.ok(e.every((x) => x.num_steps <= 4));
  // "Go forward." is filtered to "Go forward", which is not an action: the default, and BALROG's feedback.
  const invalid = e.flatMap((x) => x.trajectory).filter((s) => !s.valid);
  assert.ok(invalid.length > 0 && invalid.every((s) => s.action === "go forward" && s.completion === "Go forward"));
  assert.ok(invalid.every((s) => s.observation.startsWith("\n\nYour previous output did not contain a valid action. Defaulted to action: go forward\n\nObservation:\n")));
  const req = server.chatRequests.at(-1)!;
  assert.equal(req.temperature, 1);
  assert.equal(req.messages[0]!.role, "user");
  assert.ok(req.messages.at(-1)!.content.endsWith("You always have to output an action until the episode terminates."));
  assert.ok(r.runs[0]!.summary.input_tokens > 0);

  const out = join(dir, "runs", "r.json");
  writeBalrogRecord(out, r);
  const saved = JSON.parse(readFileSync(out, "utf8"));
  assert.equal(saved.runs[0].episodes[0].trajectory.length, e[0]!.num_steps);
  writeFileSync(join(dir, "taken.json"), "keep me");
  assert.throws(() => writeBalrogRecord(join(dir, "taken.json"), r), /never overwritten/);
  assert.equal(readFileSync(join(dir, "taken.json"), "utf8"), "keep me");
  assert.deepEqual(readdirSync(join(dir, "runs")), ["r.json"]);
  assert.ok(!existsSync(join(dir, "taken.json.tmp")));
});
