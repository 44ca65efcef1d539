import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fixturePath } from "../../testing/paths.js";
import { AdapterParseError } from "../errors.js";
import { Example } from "../example.js";
import { Signature } from "../signature.js";
import { ChatAdapter } from "./chat.js";

const adapter = new ChatAdapter();
const REMINDER_A = "Respond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.";

test("the simplest signature formats exactly as DSPy's ChatAdapter", () => {
  const messages = adapter.format(Signature.parse("a -> b"), [], { a: "x" });
  assert.deepEqual(messages, [
    {
      role: "system",
      content:
        "Your input fields are:\n1. `a` (str):\nYour output fields are:\n1. `b` (str):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## a ## ]]\n{a}\n\n[[ ## b ## ]]\n{b}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `a`, produce the fields `b`.",
    },
    {
      role: "user",
      content:
        "[[ ## a ## ]]\nx\n\nRespond with the corresponding output fields, starting with the field `[[ ## b ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.",
    },
  ]);
});

test("a list given to a str input is a numbered list of «blobs»; an empty one is N/A", () => {
  const sig = Signature.parse("context, question -> answer");
  const [, user] = adapter.format(sig, [], { context: ["first passage", "second\nline", "x «y»"], question: "q?" });
  assert.equal(
    user!.content,
    "[[ ## context ## ]]\n[1] «first passage»\n[2] «««\n    second\n    line\n»»»\n[3] «««\n    x «y»\n»»»\n\n[[ ## question ## ]]\nq?\n\n" + REMINDER_A,
  );
  const [, single] = adapter.format(sig, [], { context: ["only"], question: [] });
  assert.equal(single!.content, "[[ ## context ## ]]\n«only»\n\n[[ ## question ## ]]\nN/A\n\n" + REMINDER_A);
});

test("typed inputs print as Python prints them: JSON lists, 1e-05, True", () => {
  const sig = Signature.parse("items: list[str], k: int, w: float, flag: bool -> answer");
  const [, user] = adapter.format(sig, [], { items: ["A1", "ü"], k: 3, w: 1e-5, flag: true });
  assert.equal(user!.content, '[[ ## items ## ]]\n["A1", "ü"]\n\n[[ ## k ## ]]\n3\n\n[[ ## w ## ]]\n1e-05\n\n[[ ## flag ## ]]\nTrue\n\n' + REMINDER_A);
});

test("incomplete demos come first with DSPy's note; demos lacking an input or an output are dropped", () => {
  const sig = Signature.parse("q -> reasoning, a");
  const messages = adapter.format(
    sig,
    [
      new Example({ q: "complete", reasoning: "r", a: "1", augmented: true }),
      { q: "partial", a: "2" },
      { q: "inputs only" },
    ],
    { q: "now" },
  );
  assert.deepEqual(messages.map((m) => m.role), ["system", "user", "assistant", "user", "assistant", "user"]);
  assert.equal(messages[1]!.content, "This is an example of the task, though some input or output fields are not supplied.\n\n[[ ## q ## ]]\npartial");
  assert.equal(messages[2]!.content, "[[ ## reasoning ## ]]\nNot supplied for this particular example. \n\n[[ ## a ## ]]\n2\n\n[[ ## completed ## ]]\n");
  assert.equal(messages[3]!.content, "[[ ## q ## ]]\ncomplete");
  assert.equal(messages[4]!.content, "[[ ## reasoning ## ]]\nr\n\n[[ ## a ## ]]\n1\n\n[[ ## completed ## ]]\n");
});

test("output notes: bool, int/float, Literal choices and JSON schemas for lists", () => {
  const sig = Signature.parse("q -> ok: bool, n: int, act: Literal['a', 'b'], xs: list[int]");
  const system = adapter.formatSystemMessage(sig);
  assert.match(system, /\{ok\} {8}# note: the value you produce must be True or False/);
  assert.match(system, /\{n\} {8}# note: the value you produce must be a single int value/);
  assert.match(system, /\{act\} {8}# note: the value you produce must exactly match \(no extra characters\) one of: a; b/);
  assert.match(system, /\{xs\} {8}# note: the value you produce must adhere to the JSON schema: \{"type": "array", "items": \{"type": "integer"\}\}/);
  // Each block is stripped as a whole: every line keeps its trailing space except the last.
  assert.ok(system.includes("3. `act` (Literal['a', 'b']): \n4. `xs` (list[int]):\nAll interactions"));
});

test("parse reads typed values: int from 2.0, bool from yes, float from .5, lists from Python tuples", () => {
  const sig = Signature.parse("q -> n: int, ok: bool, w: float, xs: list[int]");
  assert.deepEqual(adapter.parse(sig, "[[ ## n ## ]]\n2.0\n[[ ## ok ## ]]\nyes\n[[ ## w ## ]]\n.5\n[[ ## xs ## ]]\n(1, 2,)"), { n: 2, ok: true, w: 0.5, xs: [1, 2] });
  assert.deepEqual(adapter.parse(sig, "[[ ## n ## ]] 7\n[[ ## ok ## ]] False\n[[ ## w ## ]] 1e3\n[[ ## xs ## ]] [1, 2, 3,]"), { n: 7, ok: false, w: 1000, xs: [1, 2, 3] });
});

test("parse tolerates Literal wrappers, quotes and whitespace, but not other words", () => {
  const sig = Signature.parse("q -> act: Literal['turn left', 'done']");
  for (const reply of ["turn left", "'turn left'", '"turn left"', "  turn left  ", "Literal['turn left']", "str[turn left]"]) {
    assert.deepEqual(adapter.parse(sig, `[[ ## act ## ]]\n${reply}`), { act: "turn left" }, reply);
  }
  assert.throws(() => adapter.parse(sig, "[[ ## act ## ]]\nturn left."), AdapterParseError);
  assert.throws(() => adapter.parse(sig, "[[ ## act ## ]]\njump"), /Failed to parse field act with value jump/);
});

test("parse: first occurrence wins, unknown headers and text around are ignored, order is the signature's", () => {
  const sig = Signature.parse("q -> reasoning, a");
  const parsed = adapter.parse(sig, "Sure!\n[[ ## a ## ]]\nfirst\n[[ ## note ## ]]\nzzz\n[[ ## reasoning ## ]]\nbecause\n[[ ## a ## ]]\nsecond\n[[ ## completed ## ]]\ntrailing");
  assert.deepEqual(parsed, { reasoning: "because", a: "first" });
  assert.deepEqual(Object.keys(parsed), ["reasoning", "a"]);
});

test("a missing output raises AdapterParseError with DSPy's message", () => {
  const sig = Signature.parse("q -> n: int, ok: bool, w: float, xs: list[int]");
  const reply = "[[ ## n ## ]]\n2\n[[ ## ok ## ]]\nTrue";
  assert.throws(
    () => adapter.parse(sig, reply),
    (e: unknown) =>
      e instanceof AdapterParseError &&
      e.message ===
        "Adapter ChatAdapter failed to parse the LM response. \n\nLM Response: [[ ## n ## ]]\n2\n[[ ## ok ## ]]\nTrue \n\nExpected to find output fields in the LM response: [n, ok, w, xs] \n\nActual output fields parsed from the LM response: [n, ok] \n\n",
  );
});

test("values that do not fit their type raise AdapterParseError", () => {
  const sig = Signature.parse("q -> n: int");
  assert.throws(() => adapter.parse(sig, "[[ ## n ## ]]\n3 steps"), AdapterParseError);
  assert.throws(() => adapter.parse(sig, "[[ ## n ## ]]\n2.5"), AdapterParseError);
  assert.throws(() => adapter.parse(Signature.parse("q -> xs: list[str]"), "[[ ## xs ## ]]\n[1, 2]"), AdapterParseError);
});

test("formatFinetuneData appends the assistant turn to the request messages", () => {
  const sig = Signature.parse("q -> a");
  const { messages } = adapter.formatFinetuneData(sig, [], { q: "x" }, { a: "y" });
  assert.deepEqual(messages.map((m) => m.role), ["system", "user", "assistant"]);
  assert.equal(messages[2]!.content, "[[ ## a ## ]]\ny\n\n[[ ## completed ## ]]\n");
});

test("every recorded fixture message is reproduced byte for byte", () => {
  const data = JSON.parse(readFileSync(fixturePath("dspy/chat_adapter.json"), "utf8"));
  for (const c of data.format) {
    const fields: Record<string, unknown> = {};
    for (const f of c.signature.inputs) fields[f.name] = { kind: "input", desc: f.desc, type: f.type };
    for (const f of c.signature.outputs) fields[f.name] = { kind: "output", desc: f.desc, type: f.type };
    const sig = new Signature(fields as never, c.signature.instructions);
    assert.deepEqual(adapter.format(sig, c.demos, c.inputs), c.messages, c.name);
  }
});
