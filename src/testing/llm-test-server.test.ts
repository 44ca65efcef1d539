/** The test server itself, through the official clients: fine-tuning subset, Ollama's extras, scripts, faults. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import OpenAI, { toFile } from "openai";
import { Ollama } from "ollama";
import { LLMTestServer, exampleFromSchema } from "./llm-test-server.js";

let server: LLMTestServer;
let client: OpenAI;

before(async () => {
  server = await LLMTestServer.start({ models: ["gpt-4o-mini-2024-07-18", "llama3.1:latest"], fineTuning: { pollsUntilDone: 3 } });
  client = new OpenAI({ apiKey: "sk-test-0000000000", baseURL: server.openaiBaseUrl, maxRetries: 0 });
});
after(() => server.close());

const jsonl = [
  { messages: [{ role: "user", content: "obs" }, { role: "assistant", content: "forward" }] },
  { messages: [{ role: "user", content: "obs 2" }, { role: "assistant", content: "left" }] },
]
  .map((x) => JSON.stringify(x))
  .join("\n");

test("fine-tuning: upload a file, create a job, poll it until it succeeds, then chat with the new model", async () => {
  const file = await client.files.create({ file: await toFile(Buffer.from(jsonl), "train.jsonl"), purpose: "fine-tune" });
  assert.match(file.id, /^file-/);
  assert.equal(file.filename, "train.jsonl");
  assert.equal(file.bytes, Buffer.byteLength(jsonl));
  assert.equal(server.files.get(file.id)?.content, jsonl);
  const job = await client.fineTuning.jobs.create({ model: "gpt-4o-mini-2024-07-18", training_file: file.id, suffix: "minigrid" });
  assert.equal(job.status, "validating_files");
  const seen: string[] = [];
  let j = job;
  for (let i = 0; i < 5 && j.status !== "succeeded"; i++) {
    j = await client.fineTuning.jobs.retrieve(job.id);
    seen.push(j.status);
  }
  assert.deepEqual(seen, ["queued", "running", "succeeded"]);
  assert.match(j.fine_tuned_model ?? "", /^ft:gpt-4o-mini-2024-07-18:gridtune:minigrid:\d+$/);
  const reply = await client.chat.completions.create({ model: j.fine_tuned_model!, messages: [{ role: "user", content: "hi" }] });
  assert.equal(reply.choices[0]!.message.content, "test reply");
  const events = await client.fineTuning.jobs.listEvents(job.id);
  assert.ok(events.data.some((e) => /successfully completed/.test(e.message)));
});

test("fine-tuning: a job fails on demand, with an error", async () => {
  const file = await client.files.create({ file: await toFile(Buffer.from(jsonl), "train.jsonl"), purpose: "fine-tune" });
  server.failNextJob("too few examples");
  const job = await client.fineTuning.jobs.create({ model: "gpt-4o-mini-2024-07-18", training_file: file.id });
  let j = job;
  for (let i = 0; i < 3; i++) j = await client.fineTuning.jobs.retrieve(job.id);
  assert.equal(j.status, "failed");
  assert.equal(j.error?.message, "too few examples");
  assert.equal(j.fine_tuned_model, null);
  await assert.rejects(client.fineTuning.jobs.create({ model: "gpt-4o-mini-2024-07-18", training_file: "file-nope" }), /invalid training_file/);
  await assert.rejects(client.files.create({ file: await toFile(Buffer.from("not json"), "bad.jsonl"), purpose: "fine-tune" }), /line 1 is not a JSON object/);
});

test("Ollama's client lists and shows models; unknown ones are 404", async () => {
  const ollama = new Ollama({ host: server.ollamaHost });
  const tags = await ollama.list();
  const names = tags.models.map((m) => m.name);
  assert.ok(names.includes("llama3.1:latest") && names.includes("gpt-4o-mini-2024-07-18"), names.join());
  const show = await ollama.show({ model: "llama3.1:latest" });
  assert.equal(show.details.family, "llama");
  await assert.rejects(ollama.show({ model: "nope" }), /model 'nope' not found/);
  const streamed = await ollama.chat({ model: "llama3.1:latest", messages: [{ role: "user", content: "hi" }], stream: true });
  let text = "";
  for await (const part of streamed) text += part.message.content;
  assert.equal(text, "test reply");
});

test("scripted replies: by substring, regex, predicate, model, and a limited number of times", async () => {
  const s = await LLMTestServer.start({
    replies: [
      { match: "once", reply: "first", times: 1 },
      { match: /^count (\d+)$/, reply: (req) => `counted ${req.messages.at(-1)!.content.split(" ")[1]}` },
      { match: (req) => req.temperature === 0.123, reply: { text: "by temperature", promptTokens: 99, completionTokens: 1 } },
      { model: "special", reply: "special model" },
    ],
    delayMs: 30,
  });
  const c = new OpenAI({ apiKey: "x", baseURL: s.openaiBaseUrl, maxRetries: 0 });
  const say = async (content: string, extra: Record<string, unknown> = {}) =>
    (await c.chat.completions.create({ model: "test-model", messages: [{ role: "user", content }], ...extra }));
  assert.equal((await say("once")).choices[0]!.message.content, "first");
  assert.equal((await say("once")).choices[0]!.message.content, "test reply");
  assert.equal((await say("count 7")).choices[0]!.message.content, "counted 7");
  const t = await say("anything", { temperature: 0.123 });
  assert.equal(t.choices[0]!.message.content, "by temperature");
  assert.equal(t.usage?.prompt_tokens, 99);
  const sp = await c.chat.completions.create({ model: "special", messages: [{ role: "user", content: "x" }] });
  assert.equal(sp.choices[0]!.message.content, "special model");
  assert.ok(s.requests.every((r) => r.outcome === 200));
  assert.ok(s.requests[1]!.at - s.requests[0]!.at >= 25); // the fixed delay
  await s.close();
});

test("exampleFromSchema fills a schema with valid values", () => {
  assert.deepEqual(
    exampleFromSchema({
      type: "object",
      properties: { a: { type: "string" }, b: { enum: [3, 4] }, c: { type: "array", items: { type: "integer" }, minItems: 2 }, d: { $ref: "#/$defs/D" } },
      $defs: { D: { type: "boolean" } },
    }),
    { a: "x", b: 3, c: [0, 0], d: true },
  );
});

test("rate-limit mode answers with Groq's headers and, over the limit, its 429 body with retry-after", async () => {
  const s = await LLMTestServer.start({ models: ["m"], rateLimit: { requestsPerMinute: 2, tokensPerMinute: 6000 } });
  try {
    const send = () => fetch(`${s.openaiBaseUrl}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "one two three" }] }) });
    const first = await send();
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("x-ratelimit-limit-tokens"), "6000");
    assert.equal(first.headers.get("x-ratelimit-remaining-tokens"), "5995");
    assert.match(first.headers.get("x-ratelimit-reset-tokens") ?? "", /^\d+ms$|^\d+\.\d\ds$/);
    assert.match(first.headers.get("x-ratelimit-reset-requests") ?? "", /^(\d+m)?\d+\.\d\ds$|^\d+ms$/);
    assert.equal(first.headers.get("x-ratelimit-limit-requests"), "14400");
    await send();
    const third = await send();
    assert.equal(third.status, 429);
    const body = (await third.json()) as { error: { message: string; code: string; type: string } };
    assert.equal(body.error.code, "rate_limit_exceeded");
    assert.match(body.error.message, /on requests per minute \(RPM\): Limit 2, Used 2, Requested 1\. Please try again in \d/);
    assert.ok(Number(third.headers.get("retry-after")) >= 1);
    assert.equal(s.rateLimited, 1);
  } finally {
    await s.close();
  }
});

test("quirks: a decommissioned model is missing from /v1/models and answers Groq's 400; a missing Ollama model is absent from /api/tags", async () => {
  const s = await LLMTestServer.start({ models: ["a", "old", "llama3.1:latest"], quirks: { old: { decommissioned: true }, "llama3.1:latest": { missing: true } } });
  try {
    const list = (await (await fetch(`${s.openaiBaseUrl}/models`)).json()) as { data: { id: string }[] };
    assert.deepEqual(list.data.map((m) => m.id), ["a"]);
    const tags = (await (await fetch(`${s.url}/api/tags`)).json()) as { models: { name: string }[] };
    assert.deepEqual(tags.models.map((m) => m.name), ["a"]);
    const r = await fetch(`${s.openaiBaseUrl}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "old", messages: [{ role: "user", content: "x" }] }) });
    assert.equal(r.status, 400);
    assert.deepEqual(((await r.json()) as { error: { code: string; type: string } }).error.code, "model_decommissioned");
    const o = await fetch(`${s.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "llama3.1:latest", messages: [{ role: "user", content: "x" }], stream: false }) });
    assert.equal(o.status, 404);
    assert.deepEqual(await o.json(), { error: "model 'llama3.1:latest' not found" });
  } finally {
    await s.close();
  }
});
