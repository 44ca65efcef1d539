import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeLM, FakeLMExhaustedError, chatReply } from "./fake-lm.js";

const user = (content: string) => [{ role: "user" as const, content }];

test("fixed answers are returned in order, then the fallback, else an error", async () => {
  const lm = new FakeLM({ answers: ["one", { a: "two", n: 2, ok: true }] });
  assert.equal((await lm.chat(user("x"))).text, "one");
  assert.equal((await lm.chat(user("x"))).text, "[[ ## a ## ]]\ntwo\n\n[[ ## n ## ]]\n2\n\n[[ ## ok ## ]]\nTrue\n\n[[ ## completed ## ]]");
  await assert.rejects(lm.chat(user("x")), FakeLMExhaustedError);
  assert.equal(lm.callCount, 3);
  assert.equal(lm.calls.length, 2);
});

test("answers by substring of the last message; records become JSON when a response format is asked", async () => {
  const lm = new FakeLM({ bySubstring: { "key": { action: "pick up" }, "door": "toggle" }, fallback: "done" });
  assert.equal((await lm.chat(user("a yellow key"))).text, chatReply({ action: "pick up" }));
  assert.equal((await lm.chat(user("a door"))).text, "toggle");
  assert.equal((await lm.chat(user("nothing"))).text, "done");
  assert.equal((await lm.chat(user("key"), { responseFormat: { type: "json_object" } })).text, '{\n  "action": "pick up"\n}');
});

test("followExamples echoes the assistant turn of the demo with the same inputs", async () => {
  const lm = new FakeLM({ followExamples: true });
  const messages = [
    { role: "system" as const, content: "sys" },
    { role: "user" as const, content: "[[ ## q ## ]]\nA" },
    { role: "assistant" as const, content: "[[ ## a ## ]]\n1\n\n[[ ## completed ## ]]\n" },
    { role: "user" as const, content: "[[ ## q ## ]]\nB" },
    { role: "assistant" as const, content: "[[ ## a ## ]]\n2\n\n[[ ## completed ## ]]\n" },
    { role: "user" as const, content: "[[ ## q ## ]]\nB\n\nRespond with the corresponding output fields, …" },
  ];
  assert.equal((await lm.chat(messages)).text, "[[ ## a ## ]]\n2\n\n[[ ## completed ## ]]\n");
});

test("a respond function sees the call index; usage and model are reported", async () => {
  const lm = new FakeLM({ model: "fake/m", respond: (_m, _o, i) => (i === 0 ? "first" : undefined), fallback: "later", usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } });
  const r = await lm.chat(user("x"));
  assert.deepEqual(r, { text: "first", usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 }, cached: false, model: "fake/m" });
  assert.equal((await lm.chat(user("x"))).text, "later");
});
