import { test } from "node:test";
import assert from "node:assert/strict";
import { pyDedent, pyFloatRepr, pyJsonDumps, pyLiteralEval, pyRound, pySplitlines, pyStr, pyStrip } from "./pycompat.js";

test("floats print as Python's repr", () => {
  assert.equal(pyFloatRepr(1), "1.0");
  assert.equal(pyFloatRepr(0.1), "0.1");
  assert.equal(pyFloatRepr(1e-5), "1e-05");
  assert.equal(pyFloatRepr(0.0001), "0.0001");
  assert.equal(pyFloatRepr(1e16), "1e+16");
  assert.equal(pyFloatRepr(123456.789), "123456.789");
  assert.equal(pyFloatRepr(-2.5e-10), "-2.5e-10");
  assert.equal(pyStr(true), "True");
  assert.equal(pyStr(null), "None");
  assert.equal(pyStr(3), "3");
  assert.equal(pyStr(3, true), "3.0");
});

test("json.dumps uses Python's separators and float format", () => {
  assert.equal(pyJsonDumps(["A1", "A2"]), '["A1", "A2"]');
  assert.equal(pyJsonDumps({ a: [1, 2.5], b: null, c: "é" }), '{"a": [1, 2.5], "b": null, "c": "é"}');
  assert.equal(pyJsonDumps({ a: [1], b: {} }, 2), '{\n  "a": [\n    1\n  ],\n  "b": {}\n}');
  assert.equal(pyJsonDumps([1, 2], undefined, { items: true }), "[1.0, 2.0]");
});

test("round is Python's: exact binary value, ties to even", () => {
  assert.equal(pyRound(66.66666666666667, 2), 66.67);
  assert.equal(pyRound(2.675, 2), 2.67); // 2.675 is 2.67499999… in binary
  assert.equal(pyRound(0.125, 2), 0.12); // an exact tie goes to even
  assert.equal(pyRound(0.375, 2), 0.38);
  assert.equal(pyRound(100, 2), 100);
  assert.equal(pyRound(-33.335, 2), -33.34);
});

test("strip and splitlines use Python's whitespace and line boundaries", () => {
  assert.equal(pyStrip("\x1c a \x85"), "a");
  assert.equal(pyStrip("\ufeffa"), "\ufeffa"); // BOM is not whitespace in Python
  assert.deepEqual(pySplitlines("a\r\nb\x0bc\n"), ["a", "b", "c"]);
  assert.deepEqual(pySplitlines(""), []);
  assert.equal(pyDedent("    a\n      b\n   \n    c"), "a\n  b\n\nc");
});

test("literal_eval reads Python literals", () => {
  assert.deepEqual(pyLiteralEval("['a', \"b\", 3, -1.5, True, None]"), ["a", "b", 3, -1.5, true, null]);
  assert.deepEqual(pyLiteralEval("(1, 2,)"), [1, 2]);
  assert.deepEqual(pyLiteralEval("{'k': [1_000, 0x10]}"), { k: [1000, 16] });
  assert.equal(pyLiteralEval("'it\\'s'"), "it's");
  assert.equal(pyLiteralEval(".5"), 0.5);
  assert.throws(() => pyLiteralEval("move forward"));
  assert.throws(() => pyLiteralEval("2 steps"));
});
