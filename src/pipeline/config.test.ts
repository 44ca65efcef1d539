import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { repoRoot } from "../testing/paths.js";
import { loadBatchConfig, parseBatchConfig, parseBudget, resolveConfig, BatchConfigError, ConfigError, DEFAULTS } from "./config.js";
import { modelName, timestampOf } from "./finetune.js";

test("defaults are the original tool's, but for the assessor", () => {
  const c = resolveConfig({ datasetPath: "d" });
  assert.equal(c.teacherModel, "llama-3.3-70b-versatile");
  assert.equal(c.studentModel, "llama3.1:70b");
  // Groq decommissioned the original's deepseek-r1-distill-llama-70b and names this one as its replacement.
  assert.equal(c.assessorModel, "llama-3.3-70b-versatile");
  assert.deepEqual([c.teacherGroq, c.studentGroq, c.assessorGroq], [true, false, true]);
  assert.deepEqual([c.hintType, c.encodingType, c.samplesPerCategory, c.maxBootstrappedDemos, c.minibatchSize, c.outputDir], ["action", "ascii", 10, 1, 40, "saved_llm_models"]);
  assert.equal(DEFAULTS.metric, "ai-feedback");
  assert.throws(() => resolveConfig({}), /dataset_path/);
  assert.throws(() => resolveConfig({ datasetPath: "d", hintType: "plan" as never }), /hint type 'plan'/);
  assert.throws(() => resolveConfig({ datasetPath: "d", encodingType: "emoji" as never }), /encoding type 'emoji'/);
});

test("--budget: calls, dollars or both", () => {
  assert.deepEqual(parseBudget("300"), { calls: 300 });
  assert.deepEqual(parseBudget("$2"), { costUsd: 2 });
  assert.deepEqual(parseBudget("1.5usd"), { costUsd: 1.5 });
  assert.deepEqual(parseBudget("calls=200,usd=0.5"), { calls: 200, costUsd: 0.5 });
  assert.throws(() => parseBudget("lots"), /--budget/);
});

const GOOD = `
fine_tuning:
  dataset_path: "data/x"
  approach: "teacher_student"
  output_dir: "out"
  defaults:
    teacher_model: "llama-3.3-70b-versatile"
    student_groq: false
    samples_per_category: 10
  models:
    - name: "a"
      hint_type: "action"
      encoding_type: "ascii"
      samples_per_category: 15
    - name: "b"
      hint_type: "action"
      encoding_type: "natural"
experiments:
  quick_test: {samples_per_category: 5}
`;

test("a batch file in the original schema: defaults merged, entries in order", () => {
  const b = parseBatchConfig(GOOD, "c.yaml");
  assert.equal(b.datasetPath, "data/x");
  assert.deepEqual(b.entries.map((e) => e.name), ["a", "b"]);
  assert.equal(b.entries[0]!.config.samplesPerCategory, 15);
  assert.equal(b.entries[1]!.config.samplesPerCategory, 10);
  assert.equal(b.entries[1]!.config.encodingType, "natural");
  assert.equal(b.entries[0]!.config.outputDir, "out");
});

test("batch errors name the file and the key path", () => {
  const bad = (yaml: string, re: RegExp) => assert.throws(() => parseBatchConfig(yaml, "c.yaml"), (e: unknown) => e instanceof ConfigError && re.test(e.message) && e.message.startsWith("c.yaml: "));
  bad(GOOD.replace('encoding_type: "natural"', 'encoding_type: "emoji"'), /fine_tuning\.models\[1\]\.encoding_type: expected one of ascii/);
  bad(GOOD.replace("samples_per_category: 15", "samples_per_catgory: 15"), /fine_tuning\.models\[0\]\.samples_per_catgory: unknown key \(did you mean 'samples_per_category'\?\)/);
  bad(GOOD.replace("student_groq: false", 'student_groq: "no"'), /fine_tuning\.defaults\.student_groq: expected true or false/);
  bad(GOOD.replace("samples_per_category: 15", "samples_per_category: 0"), /fine_tuning\.models\[0\]\.samples_per_category: expected an integer ≥ 1/);
  bad("fine_tuning:\n  dataset_path: x\n", /fine_tuning\.models: expected a non-empty list/);
  bad("other: 1\n", /fine_tuning: missing/);
  bad("fine_tuning: [1\n", /not valid YAML/);
  bad(GOOD.replace('approach: "teacher_student"', 'approach: "rl"'), /fine_tuning\.approach: only 'teacher_student'/);
});

test("model names follow the original: finetuned_<student>_<hint>_<encoding>_<YYYYMMDD_HHMMSS>", () => {
  const ts = timestampOf(new Date(2025, 5, 23, 21, 16, 5));
  assert.equal(ts, "20250623_211605");
  assert.equal(modelName("llama3.1:70b", "action", "ascii", ts), "finetuned_llama3_1_70b_action_ascii_20250623_211605");
  assert.equal(modelName("ollama/llama3.2:3b", "subgoal", "natural", ts), "finetuned_ollama_llama3_2_3b_subgoal_natural_20250623_211605");
  assert.equal(modelName("llamacpp//tmp/models/tiny.gguf", "action", "ascii", ts), "finetuned_llamacpp_tiny_action_ascii_20250623_211605");
});

test("the example configs under configs/ validate", () => {
  assert.equal(loadBatchConfig(join(repoRoot, "configs", "llm_optimization_config.yaml")).entries.length, 5);
  assert.equal(loadBatchConfig(join(repoRoot, "configs", "local_llamacpp.yaml")).entries[0]!.config.teacherModel?.startsWith("llamacpp/"), true);
});

test("a batch file's problems are reported all at once, each with its key path and line", () => {
  const text = [
    "fine_tuning:", //                                   1
    "  dataset_path: data/x", //                         2
    "  ouput_dir: out", //                               3  unknown key
    "  defaults:", //                                    4
    "    samples_per_category: 0", //                    5  out of range, reported where written
    "  models:", //                                      6
    '    - name: "a"', //                                7
    "      encodng_type: ascii", //                      8  unknown key
    '    - name: "a"', //                                9  duplicate name
    "      hint_type: plan", //                          10 bad value
  ].join("\n");
  let err: unknown;
  try {
    parseBatchConfig(text, "c.yaml", (b, report) => report("fine_tuning.dataset_path", `dataset directory ${b.datasetPath} does not exist`));
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof BatchConfigError, String(err));
  const got = err.problems.map((p) => `${p.line}: ${p.keyPath}`);
  assert.deepEqual(got.sort(), [
    "10: fine_tuning.models[1].hint_type",
    "2: fine_tuning.dataset_path",
    "3: fine_tuning.ouput_dir",
    "5: fine_tuning.defaults.samples_per_category",
    "8: fine_tuning.models[0].encodng_type",
    "9: fine_tuning.models[1].name",
  ].sort());
  assert.match(err.message, /^c\.yaml: /);
  assert.match(err.message, /and 5 more:/);
  assert.match(err.message, /fine_tuning\.models\[1\]\.name: 'a' is the name of fine_tuning\.models\[0\] too/);
  assert.match(err.message, /fine_tuning\.ouput_dir: unknown key \(did you mean 'output_dir'\?\).*\(line 3\)/);
});
