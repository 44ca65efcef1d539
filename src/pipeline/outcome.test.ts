/** The failure policy's parts: the ledger over a real LM, the fatal/retryable split, the resume command. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { BadRequestError, ManagedLM, RetriesExhaustedError, lm } from "../lm/index.js";
import { EXIT_CODES, FAILURE_SHARE_LIMIT, FailureLedger, FatalLMStop, isRunStoppingError } from "./outcome.js";
import { resumeCommand } from "./resume-command.js";
import { resolveConfig } from "./config.js";

let server: LLMTestServer;
before(async () => {
  server = await LLMTestServer.start({ replies: [{ reply: "ok" }] });
});
after(() => server.close());

const msgs = [{ role: "user" as const, content: "hi" }];

test("the ledger counts a role's calls and failures with their reasons; the LM keeps its class", async () => {
  const ledger = new FailureLedger();
  const model = ledger.observe(lm("openai-compatible/m", { baseUrl: server.openaiBaseUrl, cache: false, retry: { maxAttempts: 2, baseDelayMs: 0 } }), "assessor");
  assert.ok(model instanceof ManagedLM, "still a ManagedLM (BootstrapFinetune looks)");
  for (let i = 0; i < 18; i++) await model.chat(msgs);
  server.failNext({ kind: "status", status: 500 }, { kind: "status", status: 500 });
  await assert.rejects(model.chat(msgs), RetriesExhaustedError);
  await model.chat(msgs);
  const [row] = ledger.failures();
  assert.deepEqual({ ...row, reasons: Object.keys(row!.reasons).length }, { role: "assessor", model: "openai-compatible/m", calls: 20, failed: 1, reasons: 1 });
  assert.match(Object.keys(row!.reasons)[0]!, /gave up after 2 attempts \(2× HTTP 500\)/);
  assert.deepEqual(ledger.overLimit(), [], `1 of 20 is ${FAILURE_SHARE_LIMIT * 100}%: not over`);
  server.failNext({ kind: "status", status: 500 }, { kind: "status", status: 500 });
  await assert.rejects(model.chat(msgs));
  assert.equal(ledger.overLimit().length, 1, "2 of 21 is over 5%");
  assert.equal(ledger.fatal, null, "5xx after retries is not fatal");
});

test("a fatal error stops the run: the ledger's signal aborts with a FatalLMStop, later calls fail at once and are not counted", async () => {
  const ledger = new FailureLedger();
  const model = ledger.observe(lm("openai-compatible/m", { baseUrl: server.openaiBaseUrl, cache: false, retry: { maxAttempts: 3, baseDelayMs: 0 } }), "teacher");
  server.failNext({ kind: "status", status: 400, message: "context_length_exceeded" });
  await assert.rejects(model.chat(msgs), BadRequestError);
  assert.ok(ledger.signal.aborted);
  assert.ok(ledger.fatal instanceof FatalLMStop);
  assert.equal(ledger.fatal!.role, "teacher");
  server.clearLog();
  await assert.rejects(model.chat(msgs), (e) => e instanceof FatalLMStop);
  assert.equal(server.requests.length, 0, "no request after the stop");
  assert.deepEqual(ledger.failures().map((r) => [r.calls, r.failed]), [[1, 1]]);
});

test("fatal vs retryable, and the exit codes", () => {
  assert.equal(isRunStoppingError(new BadRequestError("groq/m", 400, "model_decommissioned")), true);
  assert.equal(isRunStoppingError(new BadRequestError("groq/m", 400, "json_validate_failed: failed_generation …")), false, "one answer's fault");
  assert.equal(isRunStoppingError(new RetriesExhaustedError("groq/m", 2, [{ status: 500, kind: "status", message: "HTTP 500" }])), false);
  assert.equal(isRunStoppingError(new RetriesExhaustedError("groq/m", 1, [{ status: 429, kind: "status", message: "HTTP 429" }], "the server asks to wait 86000 s before retrying")), true);
  assert.equal(isRunStoppingError(Object.assign(new Error("x"), { kind: "fatal" })), true, "the LM layer's own classification");
  assert.deepEqual(EXIT_CODES, { completed: 0, failed: 1, degraded: 3, stopped: 130 });
});

test("the resume command repeats the settings that differ from the defaults, quoted for a shell", () => {
  const c = resolveConfig({ datasetPath: "my data/9env", teacherGroq: false, studentGroq: true, metric: "optimal", budget: { calls: 300 }, numTrials: 4, finetuneWeights: true });
  assert.equal(resumeCommand(c), "gridtune finetune --dataset-path 'my data/9env' --no-teacher-groq --student-groq --metric optimal --budget calls=300 --finetune-weights --num-trials 4 --resume");
});
