/**
 * The pipeline with every role on the embedded llama.cpp runtime: a tiny random-weights GGUF the
 * suite writes itself (one thread, CPU, no build, no download). The random model's answers rarely
 * parse, so this checks the plumbing, not accuracy: exit 0 or 3 (degraded), both files, calls through llama.cpp for
 * every role that gets work, and the assessor path on the same runtime.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeTinyGguf } from "../testing/tiny-gguf.js";
import { Example, Prediction } from "../dspy/index.js";
import { UsageTracker, lm, type ManagedLM } from "../lm/index.js";
import { Judge } from "./metrics.js";
import type { RunInfo } from "./run-info.js";
import { collectTinyDataset, runCli } from "./pipeline.test-util.js";
import { tempDir } from "../testing/temp-dir.js";

const root = tempDir("llama-e2e");
const dataset = join(root, "ds");
const model = join(root, "tiny.gguf");
const LLAMA_ENV = {
  GRIDTUNE_LLAMACPP_THREADS: "1",
  GRIDTUNE_LLAMACPP_GPU: "false",
  GRIDTUNE_LLAMACPP_BUILD: "never",
  GRIDTUNE_MAX_TOKENS: "24",
  // The tiny GGUF's tokenizer spends a token on about a character: the proposer's prompts reach ~8,600
  // tokens, past the 4096 the context would otherwise get (a prompt that does not fit is an error now,
  // never silently cut by context shift).
  GRIDTUNE_LLAMACPP_CONTEXT: "16384",
  GRIDTUNE_NO_CACHE: "1",
  GRIDTUNE_CACHE_DIR: join(root, "cache"),
};
let assessorLM: ManagedLM | undefined;

before(() => {
  collectTinyDataset(dataset);
  writeTinyGguf(model, { seed: 7 });
});
after(async () => assessorLM?.dispose());

test("finetune with teacher, student and assessor on a tiny GGUF through llama.cpp", async () => {
  const out = join(root, "out");
  const id = `llamacpp/${model}`;
  const r = await runCli(
    ["finetune", "--dataset-path", dataset, "--output-dir", out, "--teacher-model", id, "--student-model", id, "--assessor-model", id, "--num-trials", "1", "--num-candidates", "2", "--samples-per-category", "2", "--max-eval", "2", "--no-progress"],
    LLAMA_ENV,
  );
  // The random model's answers rarely parse: the test examples that could not be scored make the run
  // degraded (exit 3), which the last line says; the files are written either way.
  assert.ok(r.code === 0 || r.code === 3, r.stderr + r.stdout.slice(-3000));
  assert.match(r.stdout.trim().split("\n").pop()!, r.code === 0 ? /^✅ Run completed/ : /^⚠️ Run degraded: .*test examples could not be scored/);
  const files = readdirSync(out).filter((f) => f.endsWith(".json"));
  assert.equal(files.length, 2);
  const info = JSON.parse(readFileSync(join(out, files.find((f) => f.endsWith("_info.json"))!), "utf8")) as RunInfo;
  for (const k of ["teacher_model", "student_model", "assessor_model"] as const) assert.equal(info.config[k], id);
  for (const role of ["teacher", "proposer", "student"]) {
    const u = info.usage.by_role[role]!;
    assert.ok(u.calls > 0 && u.prompt_tokens > 0, `${role}: ${JSON.stringify(u)}`);
    assert.deepEqual(u.models, [id]);
  }
  assert.equal(info.usage.total.cost_usd, 0);
  assert.ok(info.versions["node-llama-cpp"]);
});

test("the AI-feedback assessor runs on llama.cpp too", async () => {
  const usage = new UsageTracker();
  assessorLM = lm(`llamacpp/${model}`, {
    role: "assessor",
    cache: false,
    usage,
    defaults: { maxTokens: 24 },
    llamacpp: { threads: 1, gpu: false, build: "never", contextSize: 2048, download: false },
    config: { groqBaseUrl: "http://x", openaiBaseUrl: "http://x", ollamaHost: "http://x", cacheDir: join(root, "cache") },
  });
  const judge = new Judge({ metric: "ai-feedback", hint: "action", assessor: assessorLM });
  const ex = new Example({ observation: "Mission: go to the red ball\n.. .. Ar", primitive_action: "move forward", id: "E/0/0/0", gt_action: 2, optimal_actions: [2], optimal_exact: true }).withInputs("observation");
  const j = await judge.judge(ex, new Prediction({ reasoning: "the ball is left", primitive_action: "turn left" }));
  assert.ok(["reasonable", "wrong", "error"].includes(j.verdict));
  assert.ok((usage.snapshot().byRole["assessor"]?.calls ?? 0) >= 1);
});

test("a llama.cpp context shorter than the prompts: the run stops at the first call, naming GRIDTUNE_LLAMACPP_CONTEXT (never 'Completed')", async (t) => {
  const out = join(root, "small-ctx");
  const id = `llamacpp/${model}`;
  const r = await runCli(
    // Mid-run (preflight off; with it the run stops before any work: src/cli/commands/start.e2e.test.ts).
    ["finetune", "--dataset-path", dataset, "--output-dir", out, "--teacher-model", id, "--student-model", id, "--assessor-model", id, "--num-trials", "2", "--num-candidates", "2", "--samples-per-category", "2", "--minibatch-size", "3", "--no-progress", "--no-preflight"],
    { ...LLAMA_ENV, GRIDTUNE_LLAMACPP_CONTEXT: "256" },
  );
  const last = r.stdout.trim().split("\n").pop()!;
  t.diagnostic(last);
  assert.equal(r.code, 1, r.stdout.slice(-3000) + r.stderr);
  assert.match(last, /^❌ Run failed: the (teacher|proposer) model llamacpp\/.*(too long prompt|cannot hold the run's longest prompt).*GRIDTUNE_LLAMACPP_CONTEXT/);
  assert.doesNotMatch(r.stdout, /Completed!|Success|✅ Run completed/);
  const info = JSON.parse(readFileSync(join(out, readdirSync(out).find((f) => f.endsWith("_info.json"))!), "utf8")) as RunInfo;
  assert.equal(info.status, "failed");
  assert.ok(info.usage.total.calls <= 2, `${info.usage.total.calls} calls before the stop`);
});
