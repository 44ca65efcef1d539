/**
 * `evaluate` offline: by default only the run's held-out test split (named by the run record beside the
 * model) is scored; every step needs --all-steps; the size, LM calls and cost are printed first.
 * The student and assessor are answered by the LLM test server (Ollama and OpenAI wire formats).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { setEnvVars } from "../testing/env-vars.test-util.js";
import { tempDir } from "../testing/temp-dir.js";
import { MinigridAgent } from "../agent/minigrid-agent.js";
import { sampleDataset } from "./data.js";
import { stepId } from "../dataset/ids.js";
import { evaluate } from "./evaluate-model.js";
import { collectTinyDataset, runCli } from "./pipeline.test-util.js";
import { dspyReply } from "../testing/dspy-replies.js";

const root = tempDir("evaluate");
const dataset = join(root, "ds");
const model = join(root, "finetuned_llama3_1_70b_action_ascii_20250101_000000.json");
const bare = join(root, "no-record.json");
let server: LLMTestServer;
let restoreEnv: () => void = () => {};
let testIds: string[] = [];
let allSteps = 0;

before(async () => {
  collectTinyDataset(dataset);
  server = await LLMTestServer.start({ replies: [{ reply: dspyReply }] });
  restoreEnv = setEnvVars({ OLLAMA_HOST: server.ollamaHost, GROQ_BASE_URL: server.openaiBaseUrl, GROQ_API_KEY: "gsk_eval", GRIDTUNE_CACHE_DIR: join(root, "cache"), GRIDTUNE_RETRY_BASE_MS: "0" });
  const steps = (await sampleDataset(dataset, "action", undefined, 0)).steps;
  allSteps = steps.length;
  testIds = [steps[1]!, steps[4]!, steps[7]!].map(stepId);
  const agent = new MinigridAgent();
  agent.meta = { student_model: "ollama/llama3.1:70b" };
  agent.save(model);
  copyFileSync(model, bare);
  // The run record's test examples (only the fields evaluate reads matter here).
  writeFileSync(model.replace(/\.json$/, "_info.json"), JSON.stringify({ format: "gridtune-run/1", config: { dataset_path: dataset, hint_type: "action", encoding_type: "ascii", view: "agent" }, examples: testIds.map((id) => ({ id })) }));
});
after(async () => {
  restoreEnv();
  await server.close();
});

test("by default only the run's held-out test steps are scored, with the count, calls and cost printed first", async () => {
  const lines: string[] = [];
  const before = server.chatRequests.length;
  const r = await evaluate({ modelPath: model, datasetPath: dataset, metric: "exact", preflight: false }, { log: (l) => lines.push(l) });
  assert.ok(allSteps > 10);
  assert.deepEqual(r.offline!.examples.map((e) => `${e.env_id}/${e.seed}/${e.episode}/${e.step}`).sort(), [...testIds].sort());
  assert.deepEqual(r.selection, { scope: "test-split", run_record: model.replace(/\.json$/, "_info.json"), examples: 3, estimated_calls: 3, estimated_cost_usd: 0 });
  const text = lines.join("\n");
  assert.match(text, /held-out test split: 3 examples \(from .*_info\.json; --all-steps scores every step\)/);
  assert.match(text, /Estimated: 3 student calls = ~3 LM calls, ~\$0\.0000/);
  // The estimate comes before the first LM call's work is reported, and 3 calls were made.
  assert.ok(lines.findIndex((l) => l.includes("Estimated")) < lines.findIndex((l) => l.startsWith("📊 Evaluating on 3 examples")));
  assert.equal(server.chatRequests.length - before, 3);
});

test("with the AI-feedback metric the assessor's calls and their price are in the estimate", async () => {
  const lines: string[] = [];
  const r = await evaluate({ modelPath: model, datasetPath: dataset, assessorModel: "groq/llama-3.3-70b-versatile", preflight: false }, { log: (l) => lines.push(l) });
  assert.equal(r.selection!.estimated_calls, 3 + 2);
  assert.ok(r.selection!.estimated_cost_usd > 0);
  assert.match(lines.join("\n"), /Estimated: 3 student calls \+ ~2 assessor calls = ~5 LM calls, ~\$0\.\d{4}/);
});

test("--all-steps scores every step (capped by --max-eval); --samples-per-category draws from every step", async () => {
  const all = await evaluate({ modelPath: model, datasetPath: dataset, metric: "exact", allSteps: true, maxEval: 5 }, { log: () => {} });
  assert.equal(all.selection!.scope, "all-steps");
  assert.equal(all.offline!.examples.length, 5);
  const sampled = await evaluate({ modelPath: model, datasetPath: dataset, metric: "exact", samplesPerCategory: 1 }, { log: () => {} });
  assert.equal(sampled.selection!.scope, "all-steps");
  assert.ok(sampled.offline!.examples.length >= 2);
});

test("without a run record: every step only when asked (--all-steps or --max-eval), with a message saying so", async () => {
  await assert.rejects(
    evaluate({ modelPath: bare, datasetPath: dataset, metric: "exact" }, { log: () => {} }),
    /no-record\.json: it has no run record \(.*no-record_info\.json\) naming its held-out test split, so scoring .* would include the steps it was trained on; pass --all-steps to score every step, or --max-eval N/,
  );
  const capped = await evaluate({ modelPath: bare, datasetPath: dataset, metric: "exact", maxEval: 2 }, { log: () => {} });
  assert.equal(capped.offline!.examples.length, 2);
  assert.equal(capped.selection!.scope, "all-steps");
});

test("a run record whose test steps are not in the dataset, or that is not JSON, is named", async () => {
  const other = join(root, "other-ds");
  collectTinyDataset(other, { envs: ["MiniGrid-Empty-6x6-v0"], seeds: [0], episodes: 3 });
  await assert.rejects(evaluate({ modelPath: model, datasetPath: other, metric: "exact" }, { log: () => {} }), /_info\.json: none of the run's 3 test steps is in .*other-ds; give the dataset the run used/);
  const broken = join(root, "broken.json");
  copyFileSync(model, broken);
  writeFileSync(join(root, "broken_info.json"), "{ not json");
  await assert.rejects(evaluate({ modelPath: broken, datasetPath: dataset, metric: "exact" }, { log: () => {} }), /broken_info\.json: the run record is not valid JSON/);
});

test("gridtune evaluate: the CLI prints the selection and the estimate, and refuses all steps without a record", async () => {
  const env = { OLLAMA_HOST: server.ollamaHost, GRIDTUNE_CACHE_DIR: join(root, "cache"), GRIDTUNE_RETRY_BASE_MS: "0" };
  const ok = await runCli(["evaluate", "--model-path", model, "--dataset-path", dataset, "--metric", "exact", "--no-progress"], env);
  assert.equal(ok.code, 0, ok.stderr + ok.stdout);
  assert.match(ok.stdout, /held-out test split: 3 examples/);
  assert.match(ok.stdout, /Estimated: 3 student calls = ~3 LM calls/);
  const no = await runCli(["evaluate", "--model-path", bare, "--dataset-path", dataset, "--metric", "exact", "--no-progress"], env);
  assert.notEqual(no.code, 0);
  assert.match(no.stderr, /pass --all-steps to score every step, or --max-eval N/);
  assert.doesNotMatch(no.stderr, /\n\s+at /);
  const all = await runCli(["evaluate", "--model-path", bare, "--dataset-path", dataset, "--metric", "exact", "--all-steps", "--max-eval", "2", "--no-progress"], env);
  assert.equal(all.code, 0, all.stderr + all.stdout);
  assert.match(all.stdout, /Evaluating on 2 examples of the dataset \(every step, at most 2\)/);
});
