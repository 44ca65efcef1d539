import { test } from "node:test";
import assert from "node:assert/strict";
import { InputField, OutputField, Signature, SignatureError, inferPrefix } from "./signature.js";

test("the string form parses names and types; untyped fields are str", () => {
  const sig = Signature.parse("observation, mission: str -> steps: list[str], n: int, ok: bool, w: float, act: Literal['left', \"it's\"]");
  assert.deepEqual(sig.inputNames, ["observation", "mission"]);
  assert.deepEqual(sig.outputNames, ["steps", "n", "ok", "w", "act"]);
  assert.deepEqual(
    sig.fields.map((f) => f.type),
    ["str", "str", { list: "str" }, "int", "bool", "float", { literal: ["left", "it's"] }],
  );
  assert.equal(sig.signature, "observation, mission -> steps, n, ok, w, act");
  assert.equal(String(sig), "observation, mission -> steps, n, ok, w, act");
});

test("defaults: ${name} descriptions, title-case prefixes, DSPy's default instructions", () => {
  const sig = Signature.parse("observation, mission -> primitive_action");
  assert.equal(sig.instructions, "Given the fields `observation`, `mission`, produce the fields `primitive_action`.");
  assert.deepEqual(
    sig.fields.map((f) => [f.desc, f.prefix]),
    [
      ["${observation}", "Observation:"],
      ["${mission}", "Mission:"],
      ["${primitive_action}", "Primitive Action:"],
    ],
  );
});

test("empty instructions fall back to the default, as dspy.Signature(fields, \"\") does", () => {
  assert.equal(Signature.parse("a -> b", "").instructions, "Given the fields `a`, produce the fields `b`.");
  assert.equal(Signature.parse("a -> b", "x").withInstructions("").instructions, "Given the fields `a`, produce the fields `b`.");
  assert.equal(Signature.parse("a -> b", "  ").instructions, "");
});

test("instructions are normalised like inspect.cleandoc", () => {
  const sig = Signature.parse("a -> b", "\n    First line.\n      indented more\n    last\n\n");
  assert.equal(sig.instructions, "First line.\n  indented more\nlast");
});

test("inferPrefix follows DSPy for snake, camel, digits and acronyms", () => {
  assert.equal(inferPrefix("snake_case_text"), "Snake Case Text");
  assert.equal(inferPrefix("camelCaseText"), "Camel Case Text");
  assert.equal(inferPrefix("text2number"), "Text 2 Number");
  assert.equal(inferPrefix("HTMLParser"), "HTML Parser");
  assert.equal(inferPrefix("n_steps"), "N Steps");
});

test("declarations keep their order within kind; inputs always come first", () => {
  const sig = new Signature({
    answer: OutputField({ desc: "the answer", type: "int" }),
    question: InputField({ desc: "the question", prefix: "Q:" }),
  });
  assert.deepEqual(sig.fields.map((f) => f.name), ["question", "answer"]);
  assert.equal(sig.field("question")!.prefix, "Q:");
  assert.equal(sig.field("answer")!.type, "int");
});

test("withInstructions, withUpdatedField, prepend, append and delete return new signatures", () => {
  const base = Signature.parse("q -> a", "Answer.");
  const cot = base.prepend("reasoning", OutputField({ desc: "${reasoning}" }));
  assert.deepEqual(cot.outputNames, ["reasoning", "a"]);
  assert.deepEqual(base.outputNames, ["a"]);
  const withCtx = base.append("context", InputField());
  assert.deepEqual(withCtx.inputNames, ["q", "context"]);
  assert.deepEqual(base.insert(-1, "conf", OutputField({ type: "float" })).outputNames, ["a", "conf"]);
  assert.equal(base.withInstructions("New.").instructions, "New.");
  assert.equal(base.appendInstructions("More.").instructions, "Answer.\n\nMore.");
  const updated = base.withUpdatedField("a", { desc: "short answer", type: { literal: ["yes", "no"] } });
  assert.equal(updated.field("a")!.desc, "short answer");
  assert.deepEqual(updated.field("a")!.type, { literal: ["yes", "no"] });
  assert.equal(updated.field("a")!.prefix, "A:");
  assert.deepEqual(withCtx.delete("q").inputNames, ["context"]);
  assert.throws(() => base.insert(5, "x", InputField()), SignatureError);
});

test("equals compares instructions and field metadata, not types", () => {
  const a = Signature.parse("q -> a: int", "Do.");
  assert.ok(a.equals(Signature.parse("q -> a", "Do.")));
  assert.ok(!a.equals(Signature.parse("q -> a", "Other.")));
  assert.ok(!a.equals(a.withUpdatedField("a", { desc: "x" })));
  assert.ok(!a.sameShape(Signature.parse("q -> a", "Do.")));
});

test("dumpState/loadState: instructions plus prefix and description by position", () => {
  const sig = Signature.parse("observation, mission -> action");
  const state = { instructions: "Pick one.", fields: [{ prefix: "Obs:", description: "view" }, { prefix: "M:", description: "goal" }, { prefix: "Act:", description: "one action" }] };
  const loaded = sig.loadState(state);
  assert.deepEqual(loaded.dumpState(), state);
  assert.deepEqual(loaded.fields.map((f) => f.name), ["observation", "mission", "action"]);
  // A saved empty instruction stays empty (DSPy's load_state sets it directly).
  assert.equal(sig.loadState({ ...state, instructions: "" }).instructions, "");
});

test("malformed signature strings are rejected with DSPy's messages", () => {
  assert.throws(() => Signature.parse("a, b"), /must contain exactly one '->'/);
  assert.throws(() => Signature.parse("a -> a"), /distinct names/);
  assert.throws(() => Signature.parse("a: dict[str, int] -> b"), SignatureError);
  assert.throws(() => Signature.parse("a b -> c"), SignatureError);
});
