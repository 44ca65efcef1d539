import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../../testing/paths.js";
import { PyIntSet } from "./py-int-set.js";

interface Case {
  insert: number[];
  otherInsert: number[];
  iter: number[];
  copy: number[];
  and: number[];
  fromList: number[];
}

// Recorded with CPython 3.11 (fixtures/README.md): list(s), list(set(s)), list(s & o), list(set(reversed)).
const cases = JSON.parse(readFileSync(join(repoRoot, "src/dspy/optimizers/gepa/fixtures/cpython-int-sets.json"), "utf8")) as Case[];

test("PyIntSet iterates as CPython's sets do: adds, copies, intersections", () => {
  for (const c of cases) {
    const s = new PyIntSet();
    for (const x of c.insert) s.add(x);
    const o = new PyIntSet(c.otherInsert);
    assert.deepEqual(s.toArray(), c.iter, `iter of ${c.insert}`);
    assert.deepEqual(s.copy().toArray(), c.copy, `copy of ${c.insert}`);
    assert.deepEqual(s.intersection(o).toArray(), c.and, `${c.insert} & ${c.otherInsert}`);
    assert.deepEqual(new PyIntSet([...c.insert].reverse()).toArray(), c.fromList);
    assert.deepEqual(PyIntSet.fromJSON(s.toJSON()).toArray(), c.iter);
  }
});
