/**
 * Providers as they behave today (Groq, Ollama, OpenAI-compatible servers), reproduced by the HTTP
 * test server with their real bodies and headers: the failure policy's classification (fatal kind,
 * the provider's words, the knob), reasoning taken out of answers, Groq's json_validate_failed read,
 * hung requests ended by the runtime's timeout.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { tempDir } from "../testing/temp-dir.js";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { LMRuntime } from "./runtime.js";
import {
  ContextLengthError,
  FatalLMError,
  ModelDecommissionedError,
  ModelNotFoundError,
  QuotaExceededError,
  RequestTooLargeError,
  RetriesExhaustedError,
  isFatalLMError,
} from "./errors.js";
import { splitReasoning } from "./reasoning.js";

let server: LLMTestServer;
let runtime: LMRuntime;
const lines: string[] = [];

const cacheDir = tempDir("pb");
before(async () => {
  server = await LLMTestServer.start({
    models: ["llama-3.3-70b-versatile", "deepseek-r1-distill-llama-70b", "qwen/qwen3-32b", "openai/gpt-oss-20b", "r1", "big", "tiny-ctx", "quota", "jsonish", "thinker", "llama3.1:8b", "gone", "slow"],
    quirks: {
      "deepseek-r1-distill-llama-70b": { decommissioned: true },
      gone: { missing: true },
      "tiny-ctx": { contextTokens: 5 },
      big: { requestTokenLimit: 6000 },
      quota: { dailyQuota: true },
      jsonish: { jsonValidateFailed: true },
      "qwen/qwen3-32b": { reasoning: { style: "groq", text: "The user wants forward." } },
      r1: { reasoning: { style: "think-tags", text: "Draft: [[ ## answer ## ]] left [[ ## completed ## ]]" } },
      thinker: { reasoning: { style: "reasoning_content", text: "hmm" } },
      "llama3.1:8b": { reasoning: { style: "ollama-thinking", text: "thinking in ollama" } },
      slow: { hang: true },
    },
    replies: [{ reply: "forward" }],
  });
  runtime = new LMRuntime({
    env: { GROQ_API_KEY: "gsk_test_0123456789abcdef", GROQ_BASE_URL: server.openaiBaseUrl, OLLAMA_HOST: server.ollamaHost, GRIDTUNE_CACHE_DIR: cacheDir },
    cache: false,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    log: (l) => lines.push(l),
  });
});
after(() => server.close());

const ask = [{ role: "user" as const, content: "What next?" }];

test("Groq's 400 model_decommissioned is fatal at once, with Groq's words, its replacement and the flag to change", async () => {
  server.clearLog();
  const assessor = runtime.lm("groq/deepseek-r1-distill-llama-70b", { role: "assessor" });
  await assert.rejects(assessor.chat(ask), (e: unknown) => {
    assert.ok(e instanceof ModelDecommissionedError && isFatalLMError(e));
    assert.equal(e.kind, "model_decommissioned");
    assert.match(e.message, /has been decommissioned and is no longer supported/);
    assert.equal(e.providerMessage?.startsWith("The model `deepseek-r1-distill-llama-70b` has been decommissioned"), true);
    assert.equal(e.role, "assessor");
    assert.equal(e.knob, "--assessor-model groq/llama-3.3-70b-versatile");
    return true;
  });
  assert.equal(server.chatCallsTo("deepseek-r1-distill-llama-70b"), 1, "not retried");
});

test("404 model_not_found, 400 context_length_exceeded, 413 TPM and a daily-quota 429 are fatal kinds with their knobs", async () => {
  const cases: Array<[string, new (...a: never[]) => FatalLMError, string, RegExp, RegExp]> = [
    ["groq/gone", ModelNotFoundError, "model_not_found", /does not exist or you do not have access to it/, /--teacher-model/],
    ["groq/tiny-ctx", ContextLengthError, "context_length", /Please reduce the length of the messages or completion/, /fewer --max-bootstrapped-demos/],
    ["groq/big", RequestTooLargeError, "request_too_large", /Request too large for model `big`.*Limit 6000, Requested 7\d\d\d/, /--view agent/],
    ["groq/quota", QuotaExceededError, "quota", /tokens per day \(TPD\)/, /--resume/],
  ];
  for (const [id, cls, kind, words, knob] of cases) {
    server.clearLog();
    const teacher = runtime.lm(id, { role: "teacher" });
    const prompt = id === "groq/big" ? [{ role: "user" as const, content: "word ".repeat(7000) }] : id === "groq/tiny-ctx" ? [{ role: "user" as const, content: "word ".repeat(10) }] : ask;
    await assert.rejects(teacher.chat(prompt, { maxTokens: 100 }), (e: unknown) => {
      assert.ok(e instanceof cls, `${id}: ${String(e)}`);
      const f = e as FatalLMError;
      assert.equal(f.kind, kind);
      assert.match(f.message, words);
      assert.match(f.knob ?? "", knob, `${id}: knob ${f.knob}`);
      return true;
    });
    assert.equal(server.chatRequests.length, 1, `${id}: one request, no retry`);
  }
  const q = await runtime.lm("groq/quota", { role: "assessor" }).chat(ask).catch((e: unknown) => e);
  assert.ok(q instanceof QuotaExceededError && q.retryAfterMs === 86_000_000);
  assert.match(q.message, /wait 23 h 53 min/);
});

test("retryable failures are retried and every retry is told to the runtime's log", async () => {
  lines.length = 0;
  server.failNext({ kind: "status", status: 503 }, { kind: "status", status: 429, retryAfter: "0" });
  const r = await runtime.lm("groq/llama-3.3-70b-versatile", { role: "student" }).chat(ask);
  assert.equal(r.text, "forward");
  assert.equal(lines.filter((l) => /retrying in/.test(l)).length, 2, lines.join("\n"));
});

test("reasoning: think tags, Groq's parsed reasoning, reasoning_content and Ollama's thinking are taken out of the answer", async () => {
  server.clearLog();
  const r1 = await runtime.lm("openai-compatible/r1", { baseUrl: server.openaiBaseUrl }).chat(ask);
  assert.equal(r1.text, "forward");
  assert.match(r1.reasoning ?? "", /Draft: \[\[ ## answer ## \]\] left/);

  const qwen = await runtime.lm("groq/qwen/qwen3-32b").chat(ask, { responseFormat: { type: "json_object" } });
  assert.equal(qwen.text, "forward");
  assert.equal(qwen.reasoning, "The user wants forward.");
  const sent = server.chatRequests.at(-1)!.body;
  assert.equal(sent.reasoning_format, "parsed", "Groq reasoning models are asked for parsed reasoning, never raw, also in JSON mode");

  await runtime.lm("groq/openai/gpt-oss-20b").chat(ask);
  assert.equal(server.chatRequests.at(-1)!.body.include_reasoning, true);
  assert.equal(server.chatRequests.at(-1)!.body.reasoning_format, undefined, "gpt-oss takes include_reasoning, not reasoning_format");
  await runtime.lm("groq/llama-3.3-70b-versatile").chat(ask);
  assert.equal(server.chatRequests.at(-1)!.body.reasoning_format, undefined, "non-reasoning models get no reasoning parameter");

  const vllm = await runtime.lm("openai-compatible/thinker", { baseUrl: server.openaiBaseUrl }).chat(ask);
  assert.deepEqual([vllm.text, vllm.reasoning], ["forward", "hmm"]);
  const ollama = await runtime.lm("ollama/llama3.1:8b").chat(ask);
  assert.deepEqual([ollama.text, ollama.reasoning], ["forward", "thinking in ollama"]);
});

test("splitReasoning: the answer is what follows the last </think>; an unclosed <think> is cut off", () => {
  assert.deepEqual(splitReasoning("<think>a</think> B"), { answer: "B", reasoning: "a" });
  assert.deepEqual(splitReasoning("<think>draft [[ ## completed ## ]]</think>\n<think>more</think>final"), { answer: "final", reasoning: "draft [[ ## completed ## ]]\nmore" });
  assert.deepEqual(splitReasoning("answer first <think>then thinking cut off"), { answer: "answer first", reasoning: "then thinking cut off" });
  assert.deepEqual(splitReasoning("<think>x</think>A<think>cut"), { answer: "A", reasoning: "x\n\ncut" });
  assert.deepEqual(splitReasoning("plain"), { answer: "plain" });
});

test("Groq's 400 json_validate_failed: failed_generation is the reply (flagged), not a wasted call", async () => {
  lines.length = 0;
  const r = await runtime.lm("groq/jsonish").chat(ask, { responseFormat: { type: "json_object" } });
  assert.equal(r.text, "forward");
  assert.equal(r.recovered, "json_validate_failed");
  assert.ok(lines.some((l) => /json_validate_failed/.test(l)));
});

test("a hung request is ended by the runtime's timeout, retried, and the retries are printed", async () => {
  lines.length = 0;
  const quick = new LMRuntime({ env: { OLLAMA_HOST: server.ollamaHost, GROQ_API_KEY: "gsk_test_0123456789abcdef", GROQ_BASE_URL: server.openaiBaseUrl, GRIDTUNE_TIMEOUT_MS: "150", GRIDTUNE_RETRY_ATTEMPTS: "2", GRIDTUNE_RETRY_BASE_MS: "1" }, cache: false, log: (l) => lines.push(l) });
  for (const id of ["ollama/slow", "groq/slow"]) {
    lines.length = 0;
    const t0 = Date.now();
    await assert.rejects(quick.lm(id).chat(ask), (e: unknown) => e instanceof RetriesExhaustedError && /2× timeout/.test(e.message) && /no complete reply within 150 ms/.test(e.message));
    assert.ok(Date.now() - t0 < 3000, `${id}: ${Date.now() - t0} ms`);
    assert.equal(lines.filter((l) => /no complete reply within 150 ms; retrying/.test(l)).length, 1, lines.join("\n"));
  }
});
