import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeLM } from "../testing/fake-lm.js";
import { dumpLMState } from "../state.js";
import { BudgetExceededError, Meter, MeteredLM, rolloutLM, unwrapLM } from "./lm-wrappers.js";

const user = [{ role: "user" as const, content: "hi" }];

test("the meter counts calls, tokens and cost per label", async () => {
  const meter = new Meter({}, { "fake/priced": { input: 1_000_000, output: 0 } });
  const a = meter.wrap(new FakeLM({ model: "fake/priced", fallback: "x" }), "task");
  const b = meter.wrap(new FakeLM({ fallback: "y" }), "prompt");
  await a.chat(user);
  await a.chat(user);
  await b.chat(user);
  const t = meter.totals;
  assert.equal(t.calls, 3);
  assert.equal(t.promptTokens, 30);
  assert.equal(t.costUsd, 20); // 10 prompt tokens at $1 each, twice; the unpriced model costs nothing
  assert.deepEqual(t.byRole, { task: { calls: 2, costUsd: 20 }, prompt: { calls: 1, costUsd: 0 } });
});

test("concurrent calls never exceed maxCalls; the refusal aborts the meter's signal", async () => {
  const meter = new Meter({ maxCalls: 5 });
  const lm = meter.wrap(new FakeLM({ fallback: "x", delayMs: 5 }), "task");
  const results = await Promise.allSettled(Array.from({ length: 8 }, () => lm.chat(user)));
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 5);
  for (const r of results.filter((r) => r.status === "rejected")) assert.ok((r as PromiseRejectedResult).reason instanceof BudgetExceededError);
  assert.equal(meter.totals.calls, 5);
  assert.ok(meter.signal.aborted);
  assert.match(String(meter.signal.reason), /5 of 5 LM calls/);
});

test("a cost budget stops new calls once spent (plus what is in flight) reaches it", async () => {
  const meter = new Meter({ maxCostUsd: 0.05 }, { "fake/priced": { input: 1000, output: 0 } }); // $0.01 a call
  const lm = meter.wrap(new FakeLM({ model: "fake/priced", fallback: "x" }), "task");
  let made = 0;
  try {
    for (;;) {
      await lm.chat(user);
      made++;
    }
  } catch (e) {
    assert.ok(e instanceof BudgetExceededError);
  }
  assert.equal(made, 5);
  assert.ok(Math.abs(meter.totals.costUsd - 0.05) < 1e-9);
});

test("rolloutLM sends a rollout id and temperature unless the call sets them; unwrapLM finds the original", async () => {
  const base = new FakeLM({ fallback: "x" });
  const fresh = rolloutLM(base, 7, 1.0);
  await fresh.chat(user);
  await fresh.chat(user, { temperature: 0.2 });
  assert.deepEqual(
    base.calls.map((c) => [c.options.rolloutId, c.options.temperature]),
    [
      [7, 1.0],
      [7, 0.2],
    ],
  );
  const meter = new Meter();
  const metered = meter.wrap(base, "task");
  const freshMetered = rolloutLM(metered, 3, 1.0);
  assert.ok(freshMetered instanceof MeteredLM);
  await freshMetered.chat(user);
  assert.equal(meter.totals.calls, 1);
  assert.equal(unwrapLM(freshMetered), base);
  assert.equal(freshMetered.model, base.model);
  assert.deepEqual((freshMetered as unknown as { dumpState(): unknown }).dumpState(), dumpLMState(base));
});
