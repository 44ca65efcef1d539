/**
 * BALROG's BabyAI protocol against episodes recorded from BALROG's own code (Evaluator.run_episode,
 * HistoryPromptBuilder, NaiveAgent, BabyAITextCleanLangWrapper on its Minigrid fork; fixtures/README.md):
 * the recorded completions are served by the local OpenAI-compatible test server, which answers only
 * a prompt whose hash BALROG produced at that point — so every prompt of every step must be
 * byte-identical — and the seeds, missions, observations, actions, rewards and logs must match.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../../testing/paths.js";
import { LLMTestServer, type TestChatRequest } from "../../../testing/llm-test-server.js";
import { lm } from "../../../lm/lm.js";
import { loadLMConfig } from "../../../lm/config.js";
import { naiveAgent } from "./agents.js";
import { runBalrogEpisode } from "./run.js";
import { balrogEpisodeSeed, balrogInstructionPrompt, naiveCompletion, validAction } from "./protocol.js";
import { BalrogPromptBuilder } from "./prompt-builder.js";
import { balrogSummaryLines, summarizeBalrog } from "./summary.js";

interface RecordedStep {
  descriptions: string[];
  mission?: string;
  max_steps?: number;
  action?: string;
  reward?: number;
  terminated?: boolean;
  truncated?: boolean;
}
interface RecordedEpisode {
  task: string;
  episode: number;
  seed: number;
  mission: string;
  max_steps: number;
  completions: string[];
  steps: RecordedStep[];
  prompt_sha256: string[];
  prompts: Record<string, { role: string; content: string }[]>;
  log: { episode_return: number; num_steps: number; failed_candidates: string[]; progression: number; action_frequency: Record<string, number>; done: boolean };
}
const fixture = JSON.parse(readFileSync(join(repoRoot, "src/pipeline/benchmarks/balrog-babyai/fixtures/protocol.json"), "utf8")) as {
  base_seed: number;
  episodes_per_task: number;
  records: RecordedEpisode[];
};

const hashOf = (messages: { role: string; content: string }[]) => createHash("sha256").update(JSON.stringify(messages.map((m) => ({ role: m.role, content: m.content })))).digest("hex");

const balrogSummary = JSON.parse(readFileSync(join(repoRoot, "src/pipeline/benchmarks/balrog-babyai/fixtures/summary.json"), "utf8")) as {
  printed: string;
  summary: { average_progress: number; standard_error: number };
  babyai_summary: { tasks: Record<string, { progression_percentage: number; standard_error: number; episodes_played: number }> };
};

// Recorded completions by the hash of the prompt BALROG sent (a queue: a prompt may repeat).
const replies = new Map<string, string[]>();
for (const r of fixture.records) r.prompt_sha256.forEach((h, i) => replies.set(h, [...(replies.get(h) ?? []), r.completions[i]!]));

let server: LLMTestServer;
before(async () => {
  server = await LLMTestServer.start({
    models: fixture.records.map((_, i) => `balrog-scripted-${i}`),
    replies: [{ reply: (req: TestChatRequest) => replies.get(hashOf(req.messages))?.shift() ?? "UNRECORDED PROMPT" }],
  });
});
after(() => server.close());

test("episode seeds: sha256 of seed_task_episode as the Python recorder computes them", () => {
  for (const r of fixture.records) assert.equal(balrogEpisodeSeed(fixture.base_seed, r.task, r.episode), r.seed);
});

test("15 recorded episodes (3 per task): every prompt byte-identical to BALROG's, and the same trajectory and log", async () => {
  assert.equal(fixture.records.length, 15);
  // One model name per episode, so the episodes run at once and each one's requests can be told apart.
  const config = loadLMConfig({ env: {}, envFile: false });
  const episodes = await Promise.all(
    fixture.records.map((r, i) => {
      const model = lm(`openai-compatible/balrog-scripted-${i}`, { baseUrl: server.openaiBaseUrl, cache: false, config, retry: { maxAttempts: 1 } });
      return runBalrogEpisode(naiveAgent(model), r.task, r.episode, r.seed);
    }),
  );
  let prompts = 0;
  for (const [k, r] of fixture.records.entries()) {
    const ep = episodes[k]!;
    const sent = server.chatRequests.filter((q) => q.model === `balrog-scripted-${k}`);
    const what = `${r.task} #${r.episode} (seed ${r.seed})`;
    assert.equal(ep.mission, r.mission, what);
    assert.equal(ep.max_steps, r.max_steps, what);
    assert.equal(sent.length, r.prompt_sha256.length, `${what}: number of LM calls`);
    for (const [i, messages] of Object.entries(r.prompts)) assert.deepEqual(sent[Number(i)]!.messages.map((m) => ({ role: m.role, content: m.content })), messages, `${what}: prompt of step ${i}`);
    sent.forEach((req, i) => assert.equal(hashOf(req.messages), r.prompt_sha256[i], `${what}: prompt of step ${i}`));
    prompts += sent.length;
    // The observation text is the wrapper's, from babyai-text's descriptions.
    const wrapper = (d: string[]) => d.map((x) => x.replaceAll("You see ", "")).join("\n");
    assert.equal(ep.initial_observation, wrapper(r.steps[0]!.descriptions), what);
    ep.trajectory.forEach((s, t) => {
      const rec = r.steps[t + 1]!;
      assert.equal(s.action, rec.action, `${what} step ${t}: action`);
      assert.ok(s.observation.endsWith(wrapper(rec.descriptions)), `${what} step ${t}: observation`);
      assert.equal(s.reward, rec.reward, `${what} step ${t}: reward`);
      assert.equal(s.done, Boolean(rec.terminated || rec.truncated), `${what} step ${t}: done`);
    });
    assert.equal(ep.num_steps, r.log.num_steps, what);
    assert.equal(ep.episode_return, r.log.episode_return, what);
    assert.equal(ep.progression, r.log.progression, what);
    assert.equal(ep.done, r.log.done, what);
    assert.deepEqual(ep.failed_candidates, r.log.failed_candidates, what);
    assert.deepEqual(ep.action_frequency, r.log.action_frequency, what);
  }
  assert.ok(prompts > 500, `${prompts} prompts compared`);
  // BALROG's own summary of these 15 episodes (collect_and_summarize_results, print_summary_table).
  const summary = summarizeBalrog(episodes);
  assert.deepEqual(balrogSummaryLines(summary).slice(0, 5), balrogSummary.printed.split("\n").slice(0, 5));
  for (const [task, t] of Object.entries(balrogSummary.babyai_summary.tasks)) {
    const mine = summary.tasks[task]!;
    assert.equal(mine.episodes_played, t.episodes_played, task);
    assert.ok(Math.abs(mine.progression_percentage - t.progression_percentage) < 1e-9 && Math.abs(mine.standard_error - t.standard_error) < 1e-9, task);
  }
  assert.ok(Math.abs(summary.standard_error - balrogSummary.summary.standard_error) < 1e-9);
  // The recordings cover what the protocol has to get right.
  const all = fixture.records.flatMap((r) => r.completions);
  assert.ok(all.some((c) => c === ""), "an empty answer (no action in the history)");
  assert.ok(all.some((c) => !validAction(naiveCompletion(c)).valid && c !== ""), "an invalid answer (default action, feedback)");
  assert.ok(fixture.records.some((r) => r.prompt_sha256.length > 17), "episodes longer than the 16-observation window");
  assert.ok(fixture.records.some((r) => r.log.progression === 1) && fixture.records.some((r) => r.log.progression === 0));
});

test("the prompt builder: instruction first, then the window of 16 observations, the newest 'Current Observation:'", () => {
  const b = new BalrogPromptBuilder(2);
  b.setInstruction(balrogInstructionPrompt("go to the red ball"));
  b.addObservation("a wall 1 step forward");
  b.addAction("turn left");
  b.addObservation("a red ball 2 steps forward");
  b.addAction("go forward");
  b.addObservation("a red ball 1 step forward");
  const m = b.messages();
  assert.deepEqual(
    m.slice(1).map((x) => [x.role, x.content]),
    [
      ["assistant", "turn left"],
      ["user", "Observation:\na red ball 2 steps forward"],
      ["assistant", "go forward"],
      ["user", "Current Observation:\na red ball 1 step forward"],
    ],
  );
  assert.match(m[0]!.content, /^You are an agent playing a simple navigation game\. Your goal is to go to the red ball\./);
  assert.ok(m[0]!.content.endsWith("PLAY!"));
});

test("answers: stripped, letters/whitespace/colons kept, exact match or 'go forward'", () => {
  assert.equal(naiveCompletion("  turn left.\n"), "turn left");
  assert.equal(naiveCompletion("pick up!!"), "pick up");
  assert.deepEqual(validAction(naiveCompletion("Turn Left")), { action: "go forward", valid: false });
  assert.deepEqual(validAction("toggle"), { action: "toggle", valid: true });
  assert.deepEqual(validAction("done"), { action: "go forward", valid: false });
});
