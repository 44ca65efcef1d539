import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageTracker } from "./usage.js";
import { DEFAULT_PRICES, costOf, loadPriceTable, priceFor } from "./prices.js";
import { tempDir } from "../testing/temp-dir.js";

const u = (p: number, c: number) => ({ promptTokens: p, completionTokens: c, totalTokens: p + c });

test("usage is totalled per role and per model; cache hits count as calls that cost nothing", () => {
  const t = new UsageTracker();
  t.record({ model: "groq/llama-3.3-70b-versatile", role: "teacher", usage: u(1_000_000, 0), cached: false });
  t.record({ model: "groq/llama-3.3-70b-versatile", role: "teacher", usage: u(0, 1_000_000), cached: false });
  t.record({ model: "groq/llama-3.3-70b-versatile", role: "teacher", usage: u(0, 0), cached: true });
  t.record({ model: "ollama/llama3.1:70b", role: "student", usage: u(500, 20), cached: false });
  t.record({ model: "groq/deepseek-r1-distill-llama-70b", role: "assessor", usage: u(0, 0), cached: false, failed: true });
  t.record({ model: "openai-compatible/mystery", usage: u(10, 10), cached: false });
  const s = t.snapshot();
  assert.deepEqual(s.byRole.teacher, { calls: 3, cachedCalls: 1, failedCalls: 0, promptTokens: 1_000_000, completionTokens: 1_000_000, costUsd: 1.38 });
  assert.deepEqual(s.byRole.student, { calls: 1, cachedCalls: 0, failedCalls: 0, promptTokens: 500, completionTokens: 20, costUsd: 0 });
  assert.equal(s.byRole.assessor!.failedCalls, 1);
  assert.equal(s.byRole.unspecified!.calls, 1);
  assert.equal(s.byModel["ollama/llama3.1:70b"]!.promptTokens, 500);
  assert.equal(s.byRoleAndModel.teacher!["groq/llama-3.3-70b-versatile"]!.calls, 3);
  assert.equal(s.total.calls, 6);
  assert.equal(s.total.costUsd, 1.38);
  assert.deepEqual(s.unpricedModels, ["openai-compatible/mystery"]);
  t.reset();
  assert.equal(t.snapshot().total.calls, 0);
});

test("prices: exact ids, dated snapshots, fine-tuned models at their base price, local models free", () => {
  assert.deepEqual(priceFor("openai/gpt-4o-mini-2024-07-18", DEFAULT_PRICES), DEFAULT_PRICES["openai/gpt-4o-mini"]);
  assert.deepEqual(priceFor("openai/ft:gpt-4o-mini-2024-07-18:org::abc", DEFAULT_PRICES), DEFAULT_PRICES["openai/gpt-4o-mini"]);
  assert.deepEqual(priceFor("llamacpp/./m.gguf", DEFAULT_PRICES), { input: 0, output: 0 });
  assert.equal(priceFor("groq/unknown-model", DEFAULT_PRICES), undefined);
  assert.equal(costOf("openai/gpt-4o-mini", 2_000_000, 1_000_000, DEFAULT_PRICES), 0.9);
});

test("a user overrides prices in code or with a JSON file", (ctx) => {
  const t = new UsageTracker({ prices: { "groq/llama-3.3-70b-versatile": { input: 1, output: 2 }, "openai-compatible/mine": { input: 10, output: 0 } } });
  t.record({ model: "groq/llama-3.3-70b-versatile", usage: u(1_000_000, 1_000_000), cached: false });
  t.record({ model: "openai-compatible/mine", usage: u(100_000, 0), cached: false });
  assert.equal(t.snapshot().total.costUsd, 4);
  const dir = tempDir("prices", ctx);
  const file = join(dir, "prices.json");
  writeFileSync(file, JSON.stringify({ "groq/new-model": { input: 0.1, output: 0.2 } }));
  const table = loadPriceTable(file);
  assert.deepEqual(table["groq/new-model"], { input: 0.1, output: 0.2 });
  assert.ok(table["openai/gpt-4o"]);
  writeFileSync(file, JSON.stringify({ "groq/x": { input: "cheap" } }));
  assert.throws(() => loadPriceTable(file), /'groq\/x' needs non-negative numbers "input" and "output"/);
});
