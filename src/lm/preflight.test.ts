/**
 * Preflight against the HTTP test server: model lists (Groq's /models, Ollama's /api/tags), a
 * decommissioned Groq model, an Ollama model not pulled, Ollama not running, a server without a model
 * list (one 1-token probe) — and the completion calls spent before a stop, counted from the server's
 * request log: 0.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { LMRuntime } from "./runtime.js";
import { PreflightError } from "./preflight.js";
import { isFatalLMError } from "./errors.js";

let server: LLMTestServer;
let anyModel: LLMTestServer;
let runtime: LMRuntime;

before(async () => {
  server = await LLMTestServer.start({
    models: ["llama-3.3-70b-versatile", "deepseek-r1-distill-llama-70b", "llama3.1:latest", "qwen2.5:7b"],
    quirks: { "deepseek-r1-distill-llama-70b": { decommissioned: true } },
  });
  anyModel = await LLMTestServer.start();
  runtime = new LMRuntime({ env: { GROQ_API_KEY: "gsk_test_0123456789abcdef", GROQ_BASE_URL: server.openaiBaseUrl, OLLAMA_HOST: server.ollamaHost }, cache: false, retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 } });
});
after(async () => {
  await server.close();
  await anyModel.close();
});

test("every role served: passes, reading only the model lists (no completion call)", async () => {
  server.clearLog();
  const report = await runtime.preflight([
    { role: "teacher", lm: runtime.lm("groq/llama-3.3-70b-versatile", { role: "teacher" }) },
    { role: "proposer", lm: runtime.lm("groq/llama-3.3-70b-versatile", { role: "proposer" }) },
    { role: "student", lm: runtime.lm("ollama/llama3.1", { role: "student" }) },
  ]);
  assert.deepEqual(report.checks.map((c) => [c.roles.join("/"), c.method]), [["teacher/proposer", "models-list"], ["student", "tags"]]);
  assert.equal(server.chatRequests.length, 0);
  assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`).sort(), ["GET /api/tags", "GET /v1/models"]);
});

test("a decommissioned Groq assessor and an Ollama student not pulled: one error naming both, with Groq's replacement, the flags and the lists; 0 calls spent", async () => {
  server.clearLog();
  const err = await runtime
    .preflight([
      { role: "teacher", lm: runtime.lm("groq/llama-3.3-70b-versatile", { role: "teacher" }) },
      { role: "assessor", lm: runtime.lm("groq/deepseek-r1-distill-llama-70b", { role: "assessor" }) },
      { role: "student", lm: runtime.lm("ollama/llama3.1:70b", { role: "student" }) },
    ])
    .catch((e: unknown) => e);
  assert.ok(err instanceof PreflightError && isFatalLMError(err), String(err));
  assert.equal(err.problems.length, 2);
  assert.match(err.message, /preflight check failed \(no LM call was spent\)/);
  assert.match(err.message, /assessor model groq\/deepseek-r1-distill-llama-70b: Groq no longer serves 'deepseek-r1-distill-llama-70b' \(decommissioned.*Groq names llama-3\.3-70b-versatile as its replacement\. Change --assessor-model \(e\.g\. --assessor-model groq\/llama-3\.3-70b-versatile\)\. The server lists: llama-3\.3-70b-versatile/);
  assert.match(err.message, /student model ollama\/llama3\.1:70b: Ollama at http:\/\/127\.0\.0\.1:\d+ has not pulled 'llama3\.1:70b'; run `ollama pull llama3\.1:70b`\. Change --student-model, or run `ollama pull llama3\.1:70b`\. The server lists: .*llama3\.1:latest, qwen2\.5:7b/);
  assert.equal(err.kind, "model_decommissioned");
  assert.equal(err.knob, "--assessor-model (e.g. --assessor-model groq/llama-3.3-70b-versatile)");
  assert.equal(server.chatRequests.length, 0, "0 completion calls spent before the stop");
});

test("Ollama not running: says to start `ollama serve`, naming OLLAMA_HOST", async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const down = new LMRuntime({ env: { OLLAMA_HOST: `127.0.0.1:${port}` }, cache: false });
  await assert.rejects(down.preflight([{ role: "student", lm: down.lm("ollama/llama3.1", { role: "student" }) }]), (e: unknown) => {
    assert.ok(e instanceof PreflightError);
    assert.equal(e.kind, "unreachable");
    assert.match(e.message, new RegExp(`Ollama is not answering at http://127\\.0\\.0\\.1:${port}.*start \`ollama serve\`, or set OLLAMA_HOST`));
    return true;
  });
});

test("a server without a model list gets one 1-token probe; a model it does not know fails with the server's words", async () => {
  anyModel.clearLog();
  const rt = new LMRuntime({ env: {}, cache: false });
  const ok = await rt.preflight([{ role: "student", lm: rt.lm("openai-compatible/anything", { role: "student", baseUrl: anyModel.openaiBaseUrl }) }]);
  assert.equal(ok.checks[0]!.method, "probe");
  assert.equal(anyModel.chatRequests.length, 1);
  assert.equal(anyModel.chatRequests[0]!.maxTokens, 1);
  const dry = await rt.preflight([{ role: "student", lm: rt.lm("openai-compatible/anything", { role: "student", baseUrl: anyModel.openaiBaseUrl }) }], { probe: false });
  assert.equal(dry.checks[0]!.method, "unchecked");
  assert.equal(anyModel.chatRequests.length, 1, "no probe when probing is off (a dry run)");
  anyModel.setQuirks("nope", { missing: true });
  await assert.rejects(
    rt.preflight([{ role: "teacher", lm: rt.lm("openai-compatible/nope", { role: "teacher", baseUrl: anyModel.openaiBaseUrl }) }]),
    (e: unknown) => e instanceof PreflightError && e.kind === "model_not_found" && /does not exist or you do not have access to it/.test(e.message) && /--teacher-model/.test(e.message),
  );
});
