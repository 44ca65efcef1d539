/**
 * Distilling from MIPROv2's program: the teacher must teach with the demos MIPROv2 chose (its
 * bootstrapped demos with their reasoning), not with LabeledFewShot samples. DSPy 3.3.1's MIPROv2
 * returns an uncompiled program (mipro_optimizer_v2.py sets no `_compiled`), and BootstrapFewShot
 * replaces an uncompiled teacher's demos (bootstrap.py L104-106) — so the pipeline hands the teacher
 * over marked compiled ({@link teacherAsIs}).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ChatAdapter } from "../adapters/chat.js";
import { QA, dataset, exactMatch, promptLM, taskLM } from "./arith-world.test-util.js";
import { BootstrapFewShot, teacherAsIs } from "./bootstrap-few-shot.js";
import { MIPROv2 } from "./miprov2.js";

test("a teacher with MIPROv2's 3 bootstrapped + 1 raw demos is used as-is by BootstrapFewShot", async () => {
  const trainset = dataset(40);
  const { program } = await new MIPROv2({ metric: exactMatch, promptModel: promptLM(), taskModel: taskLM(), auto: "light", seed: 9 }).compile(new QA(), {
    trainset,
    valset: dataset(100, 1000),
  });
  const demos = program.predictor.demos;
  assert.deepEqual(
    demos.map((d) => (d.has("augmented") ? "bootstrapped" : "raw")),
    ["bootstrapped", "bootstrapped", "bootstrapped", "raw"],
  );
  assert.equal(program.compiled, false, "MIPROv2 returns an uncompiled program, as DSPy's does");

  const distill = async (teacher: QA) => {
    const teacherLM = taskLM();
    // The student is the optimized program (its instruction), as in the pipeline and DSPy's games tutorial.
    const student = await new BootstrapFewShot({ metric: exactMatch, maxBootstrappedDemos: 4, maxLabeledDemos: 4, teacherSettings: { lm: teacherLM } }).compile(program.deepcopy(), {
      trainset,
      teacher,
    });
    return { teacherLM, student };
  };

  const { teacherLM, student } = await distill(teacherAsIs(program));
  assert.ok(teacherLM.callCount > 0);
  for (const call of teacherLM.calls) {
    const question = /\[\[ ## question ## \]\]\n(.*)/.exec(call.messages[call.messages.length - 1]!.content)![1]!;
    // The example being bootstrapped leaves the teacher's demos for its own run (DSPy's rule).
    const shown = demos.filter((d) => d.get("question") !== question);
    const expected = new ChatAdapter().format(program.predictor.signature, shown, { question });
    assert.deepEqual(call.messages, expected, "the teacher's prompt is MIPROv2's program: its instruction and its demos");
  }
  assert.ok(teacherLM.calls.every((c) => c.messages[0]!.content.includes(program.predictor.signature.instructions)));
  assert.ok(student.predictor.demos.length > 0);
  assert.equal(program.predictor.demos.length, 4, "the teacher handed over is a copy");

  // Without it, BootstrapFewShot gives the uncompiled teacher LabeledFewShot samples instead (DSPy's behaviour).
  const replaced = await distill(program);
  const first = replaced.teacherLM.calls[0]!;
  const asIs = teacherLM.calls[0]!;
  assert.notDeepEqual(first.messages.slice(1, -1), asIs.messages.slice(1, -1));
});
