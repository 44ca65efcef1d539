import { test } from "node:test";
import assert from "node:assert/strict";
import { PyRandom } from "./py-random.js";

// Expected values from CPython 3.11:
//   r = random.Random(0); r.sample(range(10), 3); r.random(); r.randint(0, 10**9)
//   r = random.Random(9); l = list(range(20)); r.shuffle(l); r.choice('abcdef')
//   r = random.Random(123456789012); r.sample(range(1000), 5); r.sample(range(100), 35)[:8]; r.getrandbits(40); r.randint(1, 4)

test("Random(0): sample, random and randint draw what CPython draws", () => {
  const r = new PyRandom(0);
  assert.deepEqual(r.sampleIndices(10, 3), [6, 9, 0]);
  assert.equal(r.random(), 0.25891675029296335);
  assert.equal(r.randint(0, 10 ** 9), 548977048);
});

test("Random(9): shuffle and choice match CPython", () => {
  const r = new PyRandom(9);
  const l = Array.from({ length: 20 }, (_, i) => i);
  r.shuffle(l);
  assert.deepEqual(l, [2, 19, 9, 3, 12, 6, 16, 18, 1, 7, 17, 15, 0, 10, 13, 5, 4, 8, 11, 14]);
  assert.equal(r.choice([..."abcdef"]), "f");
});

test("a seed above 32 bits, both sample branches, and 40-bit getrandbits match CPython", () => {
  const r = new PyRandom(123456789012);
  assert.deepEqual(r.sampleIndices(1000, 5), [386, 667, 21, 269, 143]); // set-based branch
  assert.deepEqual(r.sampleIndices(100, 35).slice(0, 8), [53, 25, 18, 57, 29, 83, 50, 93]); // pool branch
  assert.equal(r.getrandbits(40), 105965672041);
  assert.equal(r.randint(1, 4), 4);
});

test("the state round-trips through JSON and continues the same sequence", () => {
  const a = new PyRandom(42);
  a.random();
  const b = PyRandom.fromState(JSON.parse(JSON.stringify(a.getState())));
  assert.deepEqual(
    Array.from({ length: 5 }, () => a.randint(0, 1000)),
    Array.from({ length: 5 }, () => b.randint(0, 1000)),
  );
});
