/**
 * How `gridtune finetune` ends when a role's calls fail (src/pipeline/outcome.ts), as a child process
 * against the LLM test server, with Groq's real error bodies put in front of it per model
 * (src/testing/provider-quirks.ts): a fatal error stops the run at once (exit 1, the provider's words,
 * the knob, the resume command, the checkpoint kept); failures after retries beyond 5% end it degraded
 * (exit 3, the table); nothing says "Success"; no file is half-written. Each test states the LM calls
 * spent before the stop, from the servers' request logs.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { GROQ_DAILY_QUOTA, GROQ_DECOMMISSIONED, ModelFaultProxy, SERVER_ERROR_500 } from "../testing/provider-quirks.js";
import type { RunInfo } from "./run-info.js";
import { collectTinyDataset, runCli } from "./pipeline.test-util.js";
import { dspyReply } from "../testing/dspy-replies.js";

const root = mkdtempSync(join(tmpdir(), "gridtune-outcome-"));
const dataset = join(root, "ds");
let server: LLMTestServer;
// These runs test the failure policy mid-run, so preflight (which would stop most of them before any
// work: src/cli/preflight.e2e.test.ts) is off.
const SMALL = ["--num-trials", "3", "--num-candidates", "2", "--samples-per-category", "3", "--minibatch-size", "5", "--no-progress", "--no-preflight"];

before(async () => {
  collectTinyDataset(dataset);
  server = await LLMTestServer.start({ replies: [{ reply: dspyReply }] });
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function envFor(proxy: ModelFaultProxy, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    GROQ_BASE_URL: proxy.openaiBaseUrl,
    GROQ_API_KEY: "gsk_test_fake_key",
    OLLAMA_HOST: server.ollamaHost,
    GRIDTUNE_NO_CACHE: "1",
    GRIDTUNE_CACHE_DIR: join(root, "cache"),
    GRIDTUNE_RETRY_BASE_MS: "0",
    ...extra,
  };
}

/** A program saved by the batch test, for the evaluate tests. */
let savedProgram = "";

function lastLine(stdout: string): string {
  return stdout.trim().split("\n").pop() ?? "";
}

function jsonFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
}

/** Every file in `dir` (recursively) is complete: no temp file is left, every JSON file parses. */
function assertNothingHalfWritten(dir: string): void {
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    assert.ok(!f.endsWith(".tmp"), `a temp file is left: ${f}`);
    if (f.endsWith(".json")) JSON.parse(readFileSync(join(dir, f), "utf8"));
  }
}

function chatCalls(proxy: ModelFaultProxy): number {
  return proxy.chatCalls().length + server.chatRequests.filter((q) => q.api === "ollama").length;
}

test("every assessor call fails with Groq's 400 model_decommissioned: the run stops at once (exit 1), names the knob and the resume command", async (t) => {
  const proxy = await ModelFaultProxy.start(server, [{ model: "deepseek-r1-distill-llama-70b", ...GROQ_DECOMMISSIONED("deepseek-r1-distill-llama-70b") }]);
  try {
    server.clearLog();
    const out = join(root, "assessor-400");
    const r = await runCli(["finetune", "--dataset-path", dataset, "--output-dir", out, "--assessor-model", "deepseek-r1-distill-llama-70b", ...SMALL], envFor(proxy));
    const spent = chatCalls(proxy);
    t.diagnostic(`LM calls spent before the stop: ${spent} (assessor ${proxy.chatCalls("deepseek-r1-distill-llama-70b").length}, all failed)`);
    t.diagnostic(`last line: ${lastLine(r.stdout)}`);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const last = lastLine(r.stdout);
    assert.match(last, /^❌ Run failed: the assessor model groq\/deepseek-r1-distill-llama-70b cannot be used: .*The model `deepseek-r1-distill-llama-70b` has been decommissioned and is no longer supported.*its replacement is llama-3\.3-70b-versatile/);
    assert.match(last, /To fix: change --assessor-model groq\/llama-3\.3-70b-versatile; then continue with: gridtune finetune --dataset-path \S+ --assessor-model deepseek-r1-distill-llama-70b .*--resume/);
    assert.doesNotMatch(r.stdout, /Success|Completed!|✅ Run completed/);
    assert.match(r.stdout, /role\s+model\s+calls\s+failed\s+reasons/);
    assert.match(r.stdout, /assessor\s+groq\/deepseek-r1-distill-llama-70b\s+\d+\s+\d+ \(100%\)\s+\d+× deepseek-r1-distill-llama-70b has been decommissioned by the provider at \S+: The model `deepseek-r1-distill-llama-70b` has been decommis/);
    // Stopped at the first failures: not one assessor call per judged prediction.
    assert.ok(proxy.faulted().length <= 4, `${proxy.faulted().length} assessor calls failed before the stop`);
    // The record says so; no model file is written; nothing is half-written.
    const files = jsonFiles(out);
    assert.equal(files.length, 1, files.join(", "));
    assert.match(files[0]!, /_info\.json$/);
    const info = JSON.parse(readFileSync(join(out, files[0]!), "utf8")) as RunInfo;
    assert.equal(info.status, "failed");
    assert.match(info.outcome_message ?? "", /decommissioned/);
    assert.equal(info.program.saved, false);
    assert.ok(info.failures!.some((f) => f.role === "assessor" && f.failed === f.calls && f.calls > 0));
    assertNothingHalfWritten(out);
    assert.ok(!JSON.stringify(info).includes("gsk_test_fake_key"));
  } finally {
    await proxy.close();
  }
});

test("every assessor call fails with HTTP 500 after retries: the run finishes degraded (exit 3), with the table, never 'Success'", async (t) => {
  const proxy = await ModelFaultProxy.start(server, [{ model: "llama-3.3-70b-versatile-assessor", ...SERVER_ERROR_500() }]);
  try {
    server.clearLog();
    const out = join(root, "assessor-500");
    const r = await runCli(
      ["finetune", "--dataset-path", dataset, "--output-dir", out, "--assessor-model", "llama-3.3-70b-versatile-assessor", ...SMALL],
      envFor(proxy, { GRIDTUNE_RETRY_ATTEMPTS: "2" }),
    );
    const assessorRequests = proxy.chatCalls("llama-3.3-70b-versatile-assessor").length;
    t.diagnostic(`LM calls: ${chatCalls(proxy)} requests in all, ${assessorRequests} to the failing assessor (2 attempts a call)`);
    t.diagnostic(`last line: ${lastLine(r.stdout)}`);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(lastLine(r.stdout), /^⚠️ Run degraded: \d+ of \d+ assessor calls failed \(groq\/llama-3\.3-70b-versatile-assessor\)/);
    assert.match(r.stdout, /more than 5% after retries/);
    assert.doesNotMatch(r.stdout, /Success|Completed!|✅ Run completed/);
    assert.match(r.stdout, /assessor\s+groq\/llama-3\.3-70b-versatile-assessor\s+\d+\s+\d+ \(100%\)\s+\d+× gave up after 2 attempts \(2× HTTP 500\)/);
    const files = jsonFiles(out);
    assert.equal(files.length, 2, files.join(", "));
    const info = JSON.parse(readFileSync(join(out, files.find((f) => f.endsWith("_info.json"))!), "utf8")) as RunInfo;
    assert.equal(info.status, "degraded");
    const row = info.failures!.find((f) => f.role === "assessor")!;
    assert.ok(row.calls > 0 && row.failed === row.calls, JSON.stringify(row));
    assert.equal(row.calls * 2, assessorRequests, "each failed call was tried twice");
    assertNothingHalfWritten(out);
  } finally {
    await proxy.close();
  }
});

test("the teacher's daily quota runs out mid-run (429, retry-after 86000 s): fatal stop, checkpoint kept; --resume finishes and counts the usage of both legs", async (t) => {
  const teacher = "llama-3.3-70b-versatile";
  const proxy = await ModelFaultProxy.start(server, [{ model: teacher, after: 14, ...GROQ_DAILY_QUOTA(teacher) }]);
  const out = join(root, "quota");
  const args = ["finetune", "--dataset-path", dataset, "--output-dir", out, "--metric", "optimal", "--concurrency", "1", ...SMALL];
  try {
    server.clearLog();
    const r1 = await runCli(args, envFor(proxy));
    const leg1 = chatCalls(proxy);
    t.diagnostic(`leg 1: ${leg1} LM calls before the stop (14 answered, then the quota)`);
    t.diagnostic(`last line: ${lastLine(r1.stdout)}`);
    assert.equal(r1.code, 1, r1.stdout + r1.stderr);
    const last = lastLine(r1.stdout);
    assert.match(last, /^❌ Run failed: the (teacher|proposer) model groq\/llama-3\.3-70b-versatile cannot be used: .*asks to wait 23 h 53 min .*a quota is used up.*Rate limit reached for model/);
    assert.match(last, /To fix: wait for the quota to reset and rerun with --resume, or --teacher-model \(another model or provider\); GRIDTUNE_MAX_RETRY_AFTER_S sets the longest wait; then continue with: (gridtune finetune .* --resume)/);
    assert.doesNotMatch(r1.stdout, /Success|Completed!|✅ Run completed/);
    const ck = join(out, ".checkpoints");
    assert.ok(existsSync(ck) && readdirSync(ck).some((f) => /^miprov2-.*\.json$/.test(f)), "the checkpoint is kept");
    assert.equal(proxy.faulted().length, 1, "one call hit the quota; the run stopped there");
    assertNothingHalfWritten(out);

    // The quota is back (the rule's one fault is spent on a fresh proxy): the printed command resumes.
    const resume = /then continue with: (gridtune finetune .* --resume)/.exec(last)![1]!.split(" ").slice(1);
    assert.deepEqual(resume.slice(0, 3), ["finetune", "--dataset-path", dataset]);
    await proxy.close();
    const healthy = await ModelFaultProxy.start(server, []);
    server.clearLog();
    const r2 = await runCli([...resume, "--no-progress", "--no-preflight"], envFor(healthy));
    const leg2 = chatCalls(healthy);
    t.diagnostic(`leg 2: ${leg2} LM calls; the record counts ${leg1 + leg2}`);
    assert.equal(r2.code, 0, r2.stdout + r2.stderr);
    assert.match(r2.stdout, /Resuming from .*\.checkpoints/);
    assert.match(r2.stdout, /LM usage \(all 2 legs of this run/);
    assert.match(lastLine(r2.stdout), /^✅ Run completed: model saved to /);
    const records = jsonFiles(out).filter((f) => f.endsWith("_info.json")).map((f) => JSON.parse(readFileSync(join(out, f), "utf8")) as RunInfo);
    assert.deepEqual(records.map((x) => x.status).sort(), ["completed", "failed"], "the failed leg's record stays beside the completed one");
    const info = records.find((x) => x.status === "completed")!;
    assert.equal(info.status, "completed");
    assert.equal(info.usage.total.calls, leg1 + leg2, "usage over both legs");
    assert.equal(existsSync(ck), false, "checkpoint and usage sidecar removed once the run is saved");
    await healthy.close();
  } finally {
    await proxy.close().catch(() => undefined);
  }
});

test("a batch run twice: entry names in the file names, nothing overwritten, the summary lists exactly the files written", async (t) => {
  const proxy = await ModelFaultProxy.start(server, []);
  try {
    const out = join(root, "batch-twice");
    const yaml = join(root, "twice.yaml");
    writeFileSync(
      yaml,
      `fine_tuning:
  dataset_path: ${dataset}
  output_dir: ${out}
  defaults: {samples_per_category: 3, minibatch_size: 5, num_trials: 2, num_candidates: 2, metric: optimal}
  models:
    - name: first
      hint_type: action
      encoding_type: ascii
    - name: second
      hint_type: action
      encoding_type: ascii
`,
    );
    const listed = (stdout: string) => [...stdout.matchAll(/^  (\/.*\.json)$/gm)].map((m) => m[1]!);
    const r1 = await runCli(["finetune", "--config", yaml, "--no-progress", "--no-preflight"], envFor(proxy));
    assert.equal(r1.code, 0, r1.stdout + r1.stderr);
    const files1 = listed(r1.stdout);
    assert.equal(files1.length, 4);
    assert.ok(files1.some((f) => /_action_ascii_first_\d{8}_\d{6}\.json$/.test(f)) && files1.some((f) => /_action_ascii_second_\d{8}_\d{6}_info\.json$/.test(f)), files1.join("\n"));
    const bytes1 = files1.map((f) => readFileSync(f, "utf8"));
    savedProgram = files1.find((f) => !f.endsWith("_info.json"))!;
    const r2 = await runCli(["finetune", "--config", yaml, "--no-progress", "--no-preflight"], envFor(proxy));
    assert.equal(r2.code, 0, r2.stdout + r2.stderr);
    const files2 = listed(r2.stdout);
    t.diagnostic(`second batch wrote: ${files2.map((f) => f.slice(out.length + 1)).join(", ")}`);
    assert.equal(files2.length, 4);
    assert.equal(new Set([...files1, ...files2]).size, 8, "no name used twice");
    assert.deepEqual(jsonFiles(out).map((f) => join(out, f)).sort(), [...files1, ...files2].sort(), "the summaries list exactly the files on disk");
    assert.deepEqual(files1.map((f) => readFileSync(f, "utf8")), bytes1, "the first batch's files are untouched");
    assert.match(lastLine(r2.stdout), /^✅ Run completed: batch .*: 2 of 2 completed, 0 degraded, 0 failed$/);
    assertNothingHalfWritten(out);
  } finally {
    await proxy.close();
  }
});

test("a batch with a missing dataset and YAML mistakes: every problem at once (key path, line), before any LM call", async () => {
  const proxy = await ModelFaultProxy.start(server, []);
  try {
    const yaml = join(root, "broken.yaml");
    writeFileSync(
      yaml,
      `fine_tuning:
  dataset_path: ${join(root, "not-collected")}
  models:
    - name: a
      hint_type: action
      encodng_type: ascii
    - name: b
      hint_type: plan
`,
    );
    server.clearLog();
    const r = await runCli(["finetune", "--config", yaml, "--no-progress", "--no-preflight"], envFor(proxy), { cwd: root });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /broken\.yaml: fine_tuning\.dataset_path: dataset directory .*not-collected does not exist \(collect it first: gridtune collect … --out .*not-collected, or pass --dataset-path\) \(line 2\)/);
    assert.match(r.stderr, /and 2 more:/);
    assert.match(r.stderr, /fine_tuning\.models\[0\]\.encodng_type: unknown key \(did you mean 'encoding_type'\?\).*\(line 6\)/);
    assert.match(r.stderr, /fine_tuning\.models\[1\]\.hint_type: expected one of action, subgoal, got "plan" \(line 8\)/);
    assert.equal(proxy.log.length + server.requests.length, 0, "no LM request");
  } finally {
    await proxy.close();
  }
});

test("gridtune evaluate follows the same policy: a decommissioned assessor fails at once (exit 1), failing calls make it degraded (exit 3), --out never replaces a file", async (t) => {
  assert.ok(savedProgram, "needs the batch test's program");
  const dead = "deepseek-r1-distill-llama-70b";
  const flaky = "flaky-assessor";
  const proxy = await ModelFaultProxy.start(server, [
    { model: dead, ...GROQ_DECOMMISSIONED(dead) },
    { model: flaky, ...SERVER_ERROR_500() },
  ]);
  try {
    const base = ["evaluate", "--model-path", savedProgram, "--dataset-path", dataset, "--samples-per-category", "3", "--no-progress", "--no-preflight"];
    const failed = await runCli([...base, "--assessor-model", dead], envFor(proxy));
    t.diagnostic(`decommissioned assessor: ${proxy.faulted(dead).length} assessor call(s) before the stop; ${lastLine(failed.stdout).slice(0, 160)}…`);
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    assert.match(lastLine(failed.stdout), /^❌ Run failed: the assessor model groq\/deepseek-r1-distill-llama-70b cannot be used: .*decommissioned.*To fix: change --assessor-model groq\/llama-3\.3-70b-versatile\.$/);
    assert.ok(proxy.faulted(dead).length <= 4);

    const degraded = await runCli([...base, "--assessor-model", flaky], envFor(proxy, { GRIDTUNE_RETRY_ATTEMPTS: "2" }));
    assert.equal(degraded.code, 3, degraded.stdout + degraded.stderr);
    assert.match(degraded.stdout, /assessor\s+groq\/flaky-assessor\s+\d+\s+\d+ \(100%\)/);
    assert.match(lastLine(degraded.stdout), /^⚠️ Run degraded: \d+ of \d+ assessor calls failed/);
    assert.doesNotMatch(degraded.stdout, /Run completed/);

    const outFile = join(root, "taken.json");
    writeFileSync(outFile, "mine\n");
    proxy.log.length = 0;
    const taken = await runCli([...base, "--metric", "exact", "--out", outFile], envFor(proxy));
    assert.equal(taken.code, 2);
    assert.match(taken.stderr, /--out .*taken\.json: the file exists; gridtune never replaces a file/);
    assert.equal(readFileSync(outFile, "utf8"), "mine\n");
    assert.equal(proxy.log.length, 0, "no LM call");
  } finally {
    await proxy.close();
  }
});

test("Groq's 413 (tokens per minute) for the teacher and an unknown assessor id (404): each stops the run at its first call, naming what to change", async (t) => {
  const teacher = "llama-3.3-70b-versatile";
  const cases: { name: string; rule: Parameters<typeof ModelFaultProxy.start>[1][number]; args: string[]; re: RegExp }[] = [
    {
      name: "413",
      rule: {
        model: teacher,
        status: 413,
        body: { error: { message: `Request too large for model \`${teacher}\` in organization \`org_test\` service tier \`on_demand\` on tokens per minute (TPM): Limit 6000, Requested 16955, please reduce your message size and try again.`, type: "tokens", code: "rate_limit_exceeded" } },
      },
      args: [],
      re: /^❌ Run failed: the (teacher|proposer) model groq\/llama-3\.3-70b-versatile cannot be used: the server rejected the request \(HTTP 413: Request too large .*Limit 6000, Requested 16955.*To fix: fewer --max-bootstrapped-demos \/ --max-labeled-demos or --samples-per-category, or --view agent \(a smaller observation\); or a higher tier of the provider, or --teacher-model; then continue with: gridtune finetune .* --resume\./,
    },
    {
      name: "404",
      rule: { model: "no-such-assessor", status: 404, body: { error: { message: "The model `no-such-assessor` does not exist or you do not have access to it.", type: "invalid_request_error", code: "model_not_found" } } },
      args: ["--assessor-model", "no-such-assessor"],
      re: /^❌ Run failed: the assessor model groq\/no-such-assessor cannot be used: the server at .* does not know model 'no-such-assessor' \(The model `no-such-assessor` does not exist or you do not have access to it\.\).*To fix: change --assessor-model \(a model the provider lists\); then continue with: .*--resume\./,
    },
  ];
  for (const k of cases) {
    const proxy = await ModelFaultProxy.start(server, [k.rule]);
    try {
      const out = join(root, `stop-${k.name}`);
      server.clearLog();
      const r = await runCli(["finetune", "--dataset-path", dataset, "--output-dir", out, ...k.args, ...SMALL], envFor(proxy));
      t.diagnostic(`${k.name}: ${chatCalls(proxy)} LM calls before the stop, ${proxy.faulted().length} failed`);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(lastLine(r.stdout), k.re);
      assert.ok(proxy.faulted().length <= 4, `${proxy.faulted().length} failed calls before the stop`);
      assert.doesNotMatch(r.stdout, /Success|Completed!|✅ Run completed/);
      assertNothingHalfWritten(out);
    } finally {
      await proxy.close();
    }
  }
});
