/**
 * The embedded llama.cpp path on a tiny random GGUF the suite writes itself
 * (src/testing/tiny-gguf.ts). One thread, CPU only, no builds, no downloads.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeTinyGguf } from "../../testing/tiny-gguf.js";
import { lm } from "../lm.js";
import type { ManagedLM } from "../lm.js";
import type { LMConfig } from "../config.js";
import { ModelFileError } from "../errors.js";
import { UsageTracker } from "../usage.js";
import { physicalCoreCount, resolveGgufPath } from "./llamacpp.js";
import { tempDir } from "../../testing/temp-dir.js";

const dir = tempDir("llamacpp");
const modelPath = join(dir, "tiny.gguf");
const config: LMConfig = { groqBaseUrl: "http://x", openaiBaseUrl: "http://x", ollamaHost: "http://x", cacheDir: join(dir, "cache") };
const TEST_LLAMA = { threads: 1, gpu: false as const, build: "never" as const, contextSize: 2048, download: false };
let model: ManagedLM;

before(() => {
  writeTinyGguf(modelPath, { seed: 7 });
  model = lm(`llamacpp/${modelPath}`, { config, cache: false, usage: new UsageTracker(), llamacpp: TEST_LLAMA });
});
after(() => model.dispose());

test("a tiny GGUF loads and chats: printable text, token usage, the model id", async () => {
  assert.equal(model.provider, "llamacpp");
  assert.equal(model.supportsStructuredOutput, true);
  const r = await model.chat(
    [
      { role: "system", content: "You are a grid-world agent." },
      { role: "user", content: "Where is the key?" },
      { role: "assistant", content: "Left." },
      { role: "user", content: "And the door?" },
    ],
    { maxTokens: 12, temperature: 0.8, seed: 3, role: "student" },
  );
  assert.equal(typeof r.text, "string");
  assert.match(r.text, /^[\x20-\x7e\n]*$/, `not printable ASCII: ${JSON.stringify(r.text)}`);
  assert.ok(r.usage.promptTokens > 20, `prompt tokens ${r.usage.promptTokens}`);
  assert.ok(r.usage.completionTokens >= 1 && r.usage.completionTokens <= 12, `completion tokens ${r.usage.completionTokens}`);
  assert.equal(r.usage.totalTokens, r.usage.promptTokens + r.usage.completionTokens);
  assert.equal(r.model, `llamacpp/${modelPath}`);
  assert.equal(model.usage.snapshot().byRole.student?.calls, 1);
  // Same seed, same answer.
  const again = await model.chat([{ role: "user", content: "Where is the key?" }], { maxTokens: 8, temperature: 0.8, seed: 5 });
  const twice = await model.chat([{ role: "user", content: "Where is the key?" }], { maxTokens: 8, temperature: 0.8, seed: 5 });
  assert.equal(again.text, twice.text);
});

test("JSON-schema output always parses and fits the schema", async () => {
  const schema = {
    type: "object",
    properties: {
      action: { enum: ["left", "right", "forward", "pickup", "drop", "toggle", "done"] },
      confident: { type: "boolean" },
      note: { type: "string", maxLength: 10 },
    },
    required: ["action", "confident", "note"],
  };
  for (let seed = 1; seed <= 8; seed++) {
    const r = await model.chat([{ role: "user", content: "Next action as JSON." }], {
      responseFormat: { type: "json_schema", name: "act", schema },
      temperature: 1,
      seed,
      maxTokens: 200,
    });
    const v = JSON.parse(r.text) as { action: string; confident: boolean; note: string };
    assert.ok(schema.properties.action.enum.includes(v.action), r.text);
    assert.equal(typeof v.confident, "boolean");
    assert.ok(typeof v.note === "string" && v.note.length <= 10, r.text);
  }
});

test("a JSON-object request is held to JSON by the grammar", async () => {
  // Free-form JSON lets a random model ramble inside a string until maxTokens; it starts as JSON
  // every time, and a reply that ends (this seed's does) parses.
  for (let seed = 1; seed <= 3; seed++) {
    const r = await model.chat([{ role: "user", content: "Any JSON." }], { responseFormat: { type: "json_object" }, temperature: 0.5, seed, maxTokens: 60 });
    assert.match(r.text, /^\{/);
  }
  const r = await model.chat([{ role: "user", content: "Any JSON." }], { responseFormat: { type: "json_object" }, temperature: 0.5, seed: 2, maxTokens: 60 });
  assert.deepEqual(JSON.parse(r.text), {});
});

test("a model file that is not there: a clear error that says how to provide one", async () => {
  const missing = lm(`llamacpp/${join(dir, "nope.gguf")}`, { config, cache: false, llamacpp: TEST_LLAMA });
  await assert.rejects(missing.chat([{ role: "user", content: "hi" }]), (e: unknown) => {
    assert.ok(e instanceof ModelFileError);
    assert.match(e.message, /no model file at .*nope\.gguf.*pass the path of an existing \.gguf file, or an hf: URI/);
    return true;
  });
  const notGguf = join(dir, "notes.gguf");
  writeFileSync(notGguf, "hello");
  await assert.rejects(lm(`llamacpp/${notGguf}`, { config, cache: false, llamacpp: TEST_LLAMA }).chat([{ role: "user", content: "hi" }]), /is not a GGUF model file/);
});

test("hf: URIs: the cache is checked first; offline, the error comes fast and says what to do", async () => {
  const modelsDir = join(dir, "models");
  const offline = async () => false;
  const t0 = Date.now();
  await assert.rejects(
    resolveGgufPath("hf:someone/some-repo/model.Q4_K_M.gguf", { modelsDir, connectivityProbe: offline }),
    (e: unknown) =>
      e instanceof ModelFileError &&
      /cannot download hf:someone\/some-repo\/model\.Q4_K_M\.gguf: no network connection/.test(e.message) &&
      /pass its path as llamacpp\/<path>\.gguf, or copy it into/.test(e.message),
  );
  assert.ok(Date.now() - t0 < 2000);
  await assert.rejects(resolveGgufPath("hf:someone/some-repo/model.Q4_K_M.gguf", { modelsDir, download: false }), /not in the model cache .* and downloading is off/);
  // Once the file is in the cache, no network is needed (the probe would throw if asked).
  mkdirSync(modelsDir, { recursive: true });
  copyFileSync(modelPath, join(modelsDir, "hf_someone_some-repo_model.Q4_K_M.gguf"));
  const found = await resolveGgufPath("hf:someone/some-repo/model.Q4_K_M.gguf", {
    modelsDir,
    connectivityProbe: () => {
      throw new Error("the probe must not run");
    },
  });
  assert.equal(found, join(modelsDir, "hf_someone_some-repo_model.Q4_K_M.gguf"));
});

test("threads default to the physical core count", () => {
  const n = physicalCoreCount();
  assert.ok(Number.isInteger(n) && n >= 1);
});
