import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { NumpyGenerator, SeedSequence, SeedError } from "./rng.js";
import { fixturePath } from "../testing/paths.js";

const vectors = JSON.parse(readFileSync(fixturePath("minigrid/numpy_rng_vectors.json"), "utf8"));

test("SeedSequence pool and generate_state match numpy for every recorded seed", () => {
  for (const [seed, v] of Object.entries<any>(vectors.seeding)) {
    const ss = new SeedSequence(Number(seed));
    assert.deepEqual(ss.pool, v.pool, `pool for seed ${seed}`);
    assert.deepEqual(ss.generateState32(8), v.generate_state_u32x8, `generate_state for seed ${seed}`);
    assert.equal(new NumpyGenerator(Number(seed)).stateHex(), v.pcg_state, `PCG state for seed ${seed}`);
  }
});

test("PCG64 raw outputs match random_raw", () => {
  for (const [seed, outs] of Object.entries<string[]>(vectors.raw)) {
    const g = new NumpyGenerator(Number(seed));
    assert.deepEqual(outs.map(() => g.nextUint64().toString()), outs);
  }
});

test("integers(0, n) matches numpy for small, 2^32, 2^40 and rejection-heavy ranges", () => {
  for (const [seed, byN] of Object.entries<Record<string, number[]>>(vectors.integers)) {
    for (const [n, values] of Object.entries(byN)) {
      const g = new NumpyGenerator(Number(seed));
      assert.deepEqual(values.map(() => g.integers(0, Number(n))), values, `seed ${seed} n ${n}`);
    }
  }
});

test("uniform(0, 1), shuffle and choice match numpy", () => {
  for (const [seed, values] of Object.entries<number[]>(vectors.uniform01)) {
    const g = new NumpyGenerator(Number(seed));
    assert.deepEqual(values.map(() => g.uniform(0, 1)), values);
  }
  for (const [seed, values] of Object.entries<number[]>(vectors.shuffle10)) {
    const g = new NumpyGenerator(Number(seed));
    assert.deepEqual(g.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), values);
  }
  const g = new NumpyGenerator(0);
  const range = [3, 4, 5, 6, 7];
  assert.deepEqual(vectors.choice_range_3_8_seed0.map(() => g.choice(range)), vectors.choice_range_3_8_seed0);
});

test("mixed call sequence keeps numpy's buffered half-word exactly (seed 7)", () => {
  const g = new NumpyGenerator(7);
  for (const step of vectors.mixed_seed7) {
    let value: unknown;
    const call: string = step.call;
    if (call === "integers(0,4)") value = g.integers(0, 4);
    else if (call === "uniform()") value = g.uniform();
    else if (call === "integers(0,100)") value = g.integers(0, 100);
    else if (call.startsWith("shuffle")) value = g.shuffle([0, 1, 2, 3, 4]);
    else if (call === "integers(1,2**33)") value = g.integers(1, 2 ** 33);
    else assert.fail(`unknown call ${call}`);
    assert.deepEqual(value, step.value, call);
    const snap = g.snapshot();
    assert.equal(snap.state, step.after.state, `${call}: state`);
    assert.equal(snap.has_uint32, step.after.has_uint32, `${call}: has_uint32`);
    if (snap.has_uint32) assert.equal(snap.uinteger, step.after.uinteger, `${call}: uinteger`);
  }
});

test("a range of size 1 draws nothing; bad seeds are rejected", () => {
  const g = new NumpyGenerator(3);
  const before = g.stateHex();
  assert.equal(g.integers(5, 6), 5);
  assert.equal(g.stateHex(), before);
  assert.throws(() => new NumpyGenerator(-1), SeedError);
  assert.throws(() => new NumpyGenerator(1.5), SeedError);
  assert.equal(new NumpyGenerator(2n ** 70n).draws, 0);
});
