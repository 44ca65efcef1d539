/**
 * Preflight through the commands a user runs, as child processes against the test server: the
 * original tool's default assessor (decommissioned by Groq), a student Ollama has not pulled — the
 * run stops before any work with a non-zero exit, the provider's words and the flag to change, no
 * completion call spent and no file written; `--no-preflight` skips the check.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../testing/temp-dir.js";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { collectTinyDataset, runCli } from "../pipeline/pipeline.test-util.js";
import { dspyReply } from "../testing/dspy-replies.js";
import { MinigridAgent } from "../agent/minigrid-agent.js";
import { LMRuntime } from "../lm/runtime.js";

const root = tempDir("preflight");
const dataset = join(root, "ds");
let server: LLMTestServer;
let env: NodeJS.ProcessEnv;
const SMALL = ["--num-trials", "2", "--num-candidates", "2", "--samples-per-category", "2", "--minibatch-size", "5", "--no-progress"];

before(async () => {
  collectTinyDataset(dataset);
  server = await LLMTestServer.start({
    models: ["llama-3.3-70b-versatile", "deepseek-r1-distill-llama-70b", "llama3.1:70b"],
    quirks: { "deepseek-r1-distill-llama-70b": { decommissioned: true } },
    replies: [{ reply: dspyReply }],
  });
  env = { GROQ_BASE_URL: server.openaiBaseUrl, GROQ_API_KEY: "gsk_test_fake_key_123", OLLAMA_HOST: server.ollamaHost, GRIDTUNE_CACHE_DIR: join(root, "cache"), GRIDTUNE_RETRY_BASE_MS: "0" };
});
after(() => server.close());

test("finetune with the decommissioned default assessor: stops before any work, names --assessor-model and Groq's replacement; 0 calls", async () => {
  server.clearLog();
  const out = join(root, "out1");
  const r = await runCli(["finetune", "--dataset-path", dataset, "--output-dir", out, "--assessor-model", "deepseek-r1-distill-llama-70b", ...SMALL], env);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /preflight check failed \(no LM call was spent\)/);
  assert.match(r.stderr, /assessor model groq\/deepseek-r1-distill-llama-70b: Groq no longer serves/);
  assert.match(r.stderr, /Change --assessor-model \(e\.g\. --assessor-model groq\/llama-3\.3-70b-versatile\)/);
  assert.doesNotMatch(r.stdout + r.stderr, /Success|Step 1/);
  assert.equal(server.chatRequests.length, 0, "no completion call spent");
  assert.equal(existsSync(out), false, "nothing written");
});

test("--dry-run preflights too; an Ollama student not pulled says `ollama pull`", async () => {
  server.clearLog();
  const r = await runCli(["finetune", "--dataset-path", dataset, "--output-dir", join(root, "out2"), "--student-model", "qwen2.5:0.5b", "--dry-run", ...SMALL], env);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /student model ollama\/qwen2\.5:0\.5b: Ollama at .* has not pulled 'qwen2\.5:0\.5b'; run `ollama pull qwen2\.5:0\.5b`/);
  assert.equal(server.chatRequests.length, 0);
});

test("--no-preflight skips the check: no model list is read and the decommissioned assessor is called", async () => {
  server.clearLog();
  const r = await runCli(["finetune", "--dataset-path", dataset, "--output-dir", join(root, "out3"), "--assessor-model", "deepseek-r1-distill-llama-70b", "--no-preflight", ...SMALL], env);
  assert.doesNotMatch(r.stderr, /preflight check failed/);
  assert.ok(server.requests.every((q) => !(q.method === "GET" && /models|tags/.test(q.path))), "no model list read");
  assert.ok(server.chatRequests.some((c) => c.model === "deepseek-r1-distill-llama-70b"), "the assessor was called");
});

test("evaluate and play preflight the saved agent's model (and evaluate its assessor) before any work", async () => {
  const program = join(root, "agent.json");
  const rt = new LMRuntime({ env: { OLLAMA_HOST: server.ollamaHost }, cache: false });
  new MinigridAgent({ hintType: "action", encodingType: "ascii", view: "agent" }, rt.lm("ollama/not-pulled:1b", { role: "student" })).save(program);
  server.clearLog();
  const ev = await runCli(["evaluate", "--model-path", program, "--dataset-path", dataset, "--assessor-model", "deepseek-r1-distill-llama-70b", "--max-eval", "2", "--no-progress"], env);
  assert.notEqual(ev.code, 0);
  assert.match(ev.stderr, /student model ollama\/not-pulled:1b: .*run `ollama pull not-pulled:1b`/);
  assert.match(ev.stderr, /assessor model groq\/deepseek-r1-distill-llama-70b: Groq no longer serves/);
  const play = await runCli(["play", "--model-path", program, "--env", "MiniGrid-Empty-5x5-v0"], env, { input: "q\n" });
  assert.notEqual(play.code, 0);
  assert.match(play.stderr, /preflight check failed .*\n.*student model ollama\/not-pulled:1b/);
  assert.equal(server.chatRequests.length, 0, "no completion call spent");
});

test("a batch checks every entry's models before its first entry runs: a missing model in the second entry stops it with 0 calls, naming the entry's key", async () => {
  server.clearLog();
  const out = join(root, "batch-out");
  const yaml = join(root, "batch.yaml");
  writeFileSync(
    yaml,
    `fine_tuning:
  dataset_path: ${dataset}
  output_dir: ${out}
  defaults: {samples_per_category: 2, minibatch_size: 5, num_trials: 2, num_candidates: 2, metric: optimal}
  models:
    - name: good
      student_model: llama3.1:70b
    - name: missing
      student_model: not-pulled:7b
`,
  );
  const r = await runCli(["finetune", "--config", yaml, "--no-progress"], env);
  assert.notEqual(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stderr, /preflight check failed \(no LM call was spent\)/);
  assert.match(r.stderr, /student model ollama\/not-pulled:7b: .*run `ollama pull not-pulled:7b`.*Change fine_tuning\.models\[1\]\.student_model \(entry 'missing'\)/);
  assert.doesNotMatch(r.stdout, /FINE-TUNING: good/, "the first entry never started");
  assert.equal(server.chatRequests.length, 0, "no completion call spent");
  assert.equal(existsSync(out), false, "nothing written");
});
