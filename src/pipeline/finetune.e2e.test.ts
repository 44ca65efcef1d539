/**
 * `gridtune finetune` end to end, as a child process, against the local LLM test server: teacher and
 * assessor over the OpenAI protocol as Groq (GROQ_BASE_URL, a fake GROQ_API_KEY), the student over
 * Ollama's protocol (OLLAMA_HOST), with 30% of requests answered 429 or 500.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { MinigridAgent } from "../agent/minigrid-agent.js";
import { LMRuntime } from "../lm/runtime.js";
import type { RunInfo } from "./run-info.js";
import { collectTinyDataset, runCli } from "./pipeline.test-util.js";
import { dspyReply } from "../testing/dspy-replies.js";
import { tempDir } from "../testing/temp-dir.js";

const root = tempDir("e2e");
const dataset = join(root, "ds");
let server: LLMTestServer;
let env: NodeJS.ProcessEnv;
let programFile = "";
const SMALL = ["--num-trials", "3", "--num-candidates", "2", "--samples-per-category", "3", "--minibatch-size", "5", "--no-progress"];

before(async () => {
  collectTinyDataset(dataset);
  server = await LLMTestServer.start({ replies: [{ reply: dspyReply }], faultRate: 0.3, seed: 5 });
  env = {
    GROQ_BASE_URL: server.openaiBaseUrl,
    GROQ_API_KEY: "gsk_test_fake_key",
    OLLAMA_HOST: server.ollamaHost,
    GRIDTUNE_CACHE_DIR: join(root, "cache"),
    GRIDTUNE_RETRY_BASE_MS: "0",
  };
});
after(() => server.close());

function outputFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
}

test("finetune with 30% injected 429/500 faults: exit 0, both files, the model reloads, every role called", async () => {
  const out = join(root, "out");
  server.requests.length = 0;
  const r = await runCli(["finetune", "--dataset-path", dataset, "--output-dir", out, ...SMALL], env);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  // The console story.
  for (const line of ["Starting DSPy Agent Fine-tuning Pipeline", "📁 Dataset:", "🧠 Teacher Model: llama-3.3-70b-versatile", "🎓 Student Model: llama3.1:70b", "Hint Type: action", "Encoding: ascii", "Loaded ", "Available categories: {", "Category '2': sampled 3/", "Step 1", "MIPROv2", "Step 2", "Step 3", "Step 4", "Evaluation Accuracy", "Exact Matches", "Optimal Alternatives", "AI-Assessed Reasonable", "Step 5", "role", "teacher", "assessor", "student", "total"]) {
    assert.ok(r.stdout.includes(line), `missing '${line}' in:\n${r.stdout}`);
  }
  assert.match(r.stderr, /retrying in 0\.0 s/, "faults were injected and retried (each retry printed to stderr)");
  const last = r.stdout.trim().split("\n").pop()!;
  assert.match(last, /^✅ Run completed: model saved to .*finetuned_/, "the last line says how the run ended");
  assert.doesNotMatch(r.stdout, /Success|Completed!/);
  const files = outputFiles(out);
  assert.equal(files.length, 2, files.join(", "));
  programFile = join(out, files.find((f) => !f.endsWith("_info.json"))!);
  const infoFile = join(out, files.find((f) => f.endsWith("_info.json"))!);
  assert.match(programFile, /finetuned_llama3_1_70b_action_ascii_\d{8}_\d{6}\.json$/);
  const info = JSON.parse(readFileSync(infoFile, "utf8")) as RunInfo;
  assert.equal(info.format, "gridtune-run/1");
  assert.equal(info.status, "completed");
  assert.equal(info.outcome_message, "");
  assert.ok(info.failures!.some((f) => f.role === "teacher" && f.calls > 0) && info.failures!.some((f) => f.role === "evaluation"), JSON.stringify(info.failures));
  assert.equal(info.config.teacher_model, "groq/llama-3.3-70b-versatile");
  assert.equal(info.config.student_model, "ollama/llama3.1:70b");
  assert.equal(info.config.assessor_model, "groq/llama-3.3-70b-versatile", "the default assessor is Groq's named replacement");
  assert.ok(info.dataset.splits.train > 0 && info.dataset.splits.val > 0 && info.dataset.splits.test > 0);
  assert.equal(info.examples.length, info.dataset.splits.test);
  assert.equal(info.results.n, info.examples.length);
  assert.ok(info.examples.every((e) => e.env_id && e.mission && e.observation.includes(e.mission)));
  assert.equal(info.program.saved, true);
  for (const role of ["teacher", "proposer", "student", "assessor"]) assert.ok((info.usage.by_role[role]?.calls ?? 0) > 0, `no ${role} calls: ${JSON.stringify(info.usage.by_role)}`);
  assert.ok(!JSON.stringify(info).includes("gsk_test_fake_key"), "no secret in the record");
  assert.equal(info.environment?.["GROQ_API_KEY"], "set");
  // Calls reached each role's model, over each protocol.
  const seen = new Set(server.chatRequests.map((q) => `${q.api}:${q.model}`));
  for (const k of ["openai:llama-3.3-70b-versatile", "ollama:llama3.1:70b"]) assert.ok(seen.has(k), `${k} not called: ${[...seen].join(", ")}`);
  assert.ok(server.requests.some((q) => q.outcome === 429) && server.requests.some((q) => q.outcome === 500));
  // The saved program reloads and answers through the student's model.
  const saved = JSON.parse(readFileSync(programFile, "utf8"));
  assert.equal(saved["act.predict"].lm.model, "ollama/llama3.1:70b");
  // The agent's LM comes from a runtime pointed at the server (no process.env change).
  const runtime = new LMRuntime({ env: { OLLAMA_HOST: server.ollamaHost }, cache: false });
  const agent = await MinigridAgent.load(programFile, { runtime });
  assert.equal(agent.act.predict.signature.instructions, info.program.instructions);
  const pred = await agent.forward({ observation: info.examples[0]!.observation });
  assert.equal(typeof pred.get("primitive_action"), "string");
});

test("bad input: clear errors, non-zero exit, no LM call, no output", async () => {
  const empty = join(root, "empty");
  mkdirSync(empty, { recursive: true });
  const noSubgoals = join(root, "nosub");
  collectTinyDataset(noSubgoals, { envs: ["MiniGrid-Empty-5x5-v0"], seeds: [0, 1, 2], episodes: 1 });
  const steps = readFileSync(join(noSubgoals, "steps.jsonl"), "utf8").trim().split("\n").map((l) => ({ ...JSON.parse(l), subgoal: "" }));
  writeFileSync(join(noSubgoals, "steps.jsonl"), steps.map((s) => JSON.stringify(s)).join("\n") + "\n");
  const aFile = join(root, "a-file");
  writeFileSync(aFile, "x");
  const badYaml = join(root, "bad.yaml");
  writeFileSync(badYaml, `fine_tuning:\n  dataset_path: ${dataset}\n  models:\n    - name: a\n      hint_type: action\n      encodng_type: ascii\n`);
  const out = join(root, "never");
  const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ["missing dataset", ["--dataset-path", join(root, "nope")], env, /does not exist/],
    ["empty dataset", ["--dataset-path", empty], env, /is empty/],
    ["no dataset flag", [], env, /--dataset-path is required/],
    ["category with no samples", ["--dataset-path", noSubgoals, "--hint-type", "subgoal"], env, /no step has a subgoal/],
    ["invalid config", ["--config", badYaml], env, /bad\.yaml: fine_tuning\.models\[0\]\.encodng_type: unknown key \(did you mean 'encoding_type'\?\)/],
    ["unknown hint type", ["--dataset-path", dataset, "--hint-type", "plan"], env, /--hint-type: unknown value 'plan'; use action, subgoal/],
    ["unknown encoding", ["--dataset-path", dataset, "--encoding-type", "emoji"], env, /--encoding-type: unknown value 'emoji'/],
    ["missing key", ["--dataset-path", dataset], { ...env, GROQ_API_KEY: "" }, /GROQ_API_KEY/],
    ["unwritable output dir", ["--dataset-path", dataset, "--output-dir", join(aFile, "sub")], env, /--output-dir .*cannot be created/],
    ["output dir is a file", ["--dataset-path", dataset, "--output-dir", aFile], env, /exists and is not a directory/],
  ];
  server.requests.length = 0;
  for (const [name, args, e, re] of cases) {
    const r = await runCli(["finetune", "--output-dir", out, ...args, ...SMALL], e, { cwd: root });
    assert.notEqual(r.code, 0, `${name}: exit 0\n${r.stdout}`);
    assert.match(r.stderr, re, `${name}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, `${name}: a stack trace`);
  }
  assert.equal(server.requests.length, 0, "no LM request for bad input");
  assert.equal(existsSync(out), false, "no output directory");
});

test("--dry-run counts the calls per role and calls nothing, writes nothing", async () => {
  const out = join(root, "dry");
  server.requests.length = 0;
  const r = await runCli(["finetune", "--dataset-path", dataset, "--output-dir", out, "--dry-run", ...SMALL], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Dry run/);
  assert.match(r.stdout, /teacher\s+groq\/llama-3\.3-70b-versatile\s+\d+ calls/);
  assert.match(r.stdout, /assessor\s+groq\/llama-3\.3-70b-versatile/);
  // Preflight may read model lists; a dry run sends no completion.
  assert.equal(server.chatRequests.length, 0);
  assert.ok(server.requests.every((q) => q.method === "GET"), server.requests.map((q) => `${q.method} ${q.path}`).join(", "));
  assert.equal(existsSync(out), false);
});

test("a YAML batch: one failed model does not stop the others; a summary table ends it", async () => {
  const out = join(root, "batch");
  const yaml = join(root, "batch.yaml");
  writeFileSync(
    yaml,
    `fine_tuning:
  dataset_path: "/not/used/overridden"
  approach: teacher_student
  output_dir: ${out}
  defaults:
    samples_per_category: 3
    minibatch_size: 5
    num_trials: 2
    num_candidates: 2
    metric: optimal
  models:
    - name: needs_openai
      hint_type: action
      encoding_type: ascii
      student_model: openai/gpt-4o-mini
    - name: works
      hint_type: action
      encoding_type: natural
`,
  );
  // Without preflight the entry fails when it starts; with it the batch stops before any entry
  // (src/cli/preflight.e2e.test.ts).
  const r = await runCli(["finetune", "--config", yaml, "--dataset-path", dataset, "--no-progress", "--no-preflight"], env);
  assert.equal(r.code, 1, "a failed model makes the batch exit 1");
  assert.match(r.stdout, /\[1\/2\] FINE-TUNING: needs_openai/);
  assert.match(r.stdout, /Fine-tuning failed for needs_openai: .*OPENAI_API_KEY/);
  assert.match(r.stdout, /\[2\/2\] FINE-TUNING: works/);
  assert.match(r.stdout, /needs_openai\s+failed/);
  assert.match(r.stdout, /works\s+completed/);
  assert.doesNotMatch(r.stdout, /🎉/);
  assert.match(r.stdout.trim().split("\n").pop()!, /^❌ Run failed: batch .*batch\.yaml: 1 of 2 completed, 0 degraded, 1 failed$/);
  assert.equal(outputFiles(out).length, 2);
  // The summary lists exactly the files written.
  const listed = [...r.stdout.matchAll(/^  (\/.*\.json)$/gm)].map((m) => m[1]!);
  assert.deepEqual(listed.sort(), outputFiles(out).map((f) => join(out, f)).sort());
  assert.ok(outputFiles(out).some((f) => /_action_natural_/.test(f)));
});

test("gridtune evaluate: offline with the metric's report, and closed loop in an env", async () => {
  assert.ok(programFile, "needs the model of the first test");
  const off = await runCli(["evaluate", "--model-path", programFile, "--dataset-path", dataset, "--samples-per-category", "2", "--no-progress"], env);
  assert.equal(off.code, 0, off.stderr + off.stdout);
  assert.match(off.stdout, /Evaluation Accuracy: \d\.\d{3}/);
  assert.match(off.stdout, /Exact Matches/);
  assert.match(off.stdout, /student\s+ollama\/llama3\.1:70b/);
  const out = join(root, "closed.json");
  const cl = await runCli(["evaluate", "--model-path", programFile, "--env", "MiniGrid-Empty-5x5-v0", "--episodes", "2", "--max-steps", "6", "--out", out, "--no-progress"], env);
  assert.equal(cl.code, 0, cl.stderr + cl.stdout);
  assert.match(cl.stdout, /Success rate: \d\.\d{3} \(\d\/2\)/);
  assert.match(cl.stdout, /expert optimum/);
  const r = JSON.parse(readFileSync(out, "utf8")) as { closed_loop: { episodes: { steps: number; expert_steps: number }[] } };
  assert.equal(r.closed_loop.episodes.length, 2);
  assert.ok(r.closed_loop.episodes.every((e) => e.steps <= 6 && e.expert_steps > 0));
  const bad = await runCli(["evaluate", "--model-path", programFile], env);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /either --dataset-path DIR .* or --env ID/);
});

test("gridtune play: the grid, the agent's hint and reasoning, keys to act or let the agent act", async () => {
  const r = await runCli(["play", "--model-path", programFile, "--env", "MiniGrid-Empty-5x5-v0", "--seed", "1", "--no-color", "--out-dir", root], env, { input: "2\na\nd\ns\nr\nq\n" });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Mission: get to the green goal square/);
  assert.match(r.stdout, /Agent hint: \w+/);
  assert.match(r.stdout, /Reasoning: /);
  assert.match(r.stdout, /Expert: optimal/);
  assert.match(r.stdout, /Last action: move forward/);
  assert.match(r.stdout, /observation \(ascii, agent view\)/);
  assert.match(r.stdout, /saved .*\.png/);
  assert.match(r.stdout, /Thanks for testing/);
  // Without a model: the keyboard and the expert only, no LM.
  const alone = await runCli(["play", "--env", "BabyAI-GoToObj-v0", "--seed", "0", "--no-color"], {}, { input: "1\nq\n" });
  assert.equal(alone.code, 0, alone.stderr);
  assert.match(alone.stdout, /No agent loaded/);
});

test("--finetune-weights: an OpenAI-compatible student is fine-tuned; an Ollama student gets demos and a note", async () => {
  const out = join(root, "ft");
  const r = await runCli(
    ["finetune", "--dataset-path", dataset, "--output-dir", out, "--finetune-weights", "--student-model", "openai-compatible/base-student", "--student-base-url", server.openaiBaseUrl, ...SMALL],
    { ...env, GRIDTUNE_FINETUNE_POLL_MS: "5" },
  );
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-3000));
  const info = JSON.parse(readFileSync(join(out, outputFiles(out).find((f) => f.endsWith("_info.json"))!), "utf8")) as RunInfo;
  assert.equal(info.distillation?.method, "bootstrap-finetune");
  assert.match(info.distillation?.finetuned_model ?? "", /ft:/);
  const program = JSON.parse(readFileSync(join(out, outputFiles(out).find((f) => !f.endsWith("_info.json"))!), "utf8"));
  assert.match(program["act.predict"].lm.model, /ft:/);
  assert.ok(server.requests.some((q) => q.path.startsWith("/v1/fine_tuning/jobs")));

  const out2 = join(root, "ft-ollama");
  const r2 = await runCli(["finetune", "--dataset-path", dataset, "--output-dir", out2, "--metric", "optimal", "--finetune-weights", ...SMALL], env);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stdout, /the student's provider \(ollama\) cannot fine-tune weights; distilled demos instead/);
});
