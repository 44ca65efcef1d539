/** BootstrapFinetune: training records as DSPy builds them, and the fine-tuning job against the local test server. */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLMConfig } from "../../lm/config.js";
import { ManagedLM, lm } from "../../lm/lm.js";
import { UsageTracker } from "../../lm/usage.js";
import { LLMTestServer } from "../../testing/llm-test-server.js";
import { ChatAdapter } from "../adapters/chat.js";
import type { Example, Prediction } from "../example.js";
import { type CallOptions, type Inputs, Module } from "../module.js";
import { Predict } from "../predict.js";
import { FakeLM } from "../testing/fake-lm.js";
import { QA, dataset, exactMatch, taskLM } from "./arith-world.test-util.js";
import { BootstrapFinetune, FinetuneJobError } from "./bootstrap-finetune.js";
import { LabeledFewShot } from "./labeled-few-shot.js";
import { PyRandom } from "./py-random.js";

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "bft-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const config = () => ({ ...loadLMConfig({ env: {}, envFile: false }), cacheDir: dir });
const trainset = dataset(12);

/** A teacher with two labeled demos and its own (FakeLM) model. */
function teacherProgram(): QA {
  const t = new LabeledFewShot({ k: 2 }).compile(new QA(), { trainset: dataset(5, 500) });
  t.predictor.lm = taskLM();
  return t;
}

/** The records DSPy would build: per kept example, formatFinetuneData with the teacher's demos; shuffled with Random(0). */
function expectedRecords(teacher: QA, kept: Example[]): string {
  const adapter = new ChatAdapter();
  const records = kept.map((ex) => {
    const [a, b] = /What is (\d+) \+ (\d+)\?/.exec(String(ex.get("question")))!.slice(1).map(Number) as [number, number];
    return adapter.formatFinetuneData(teacher.predictor.signature, teacher.predictor.demos, { question: ex.get("question") }, { answer: String(a + b) });
  });
  new PyRandom(0).shuffle(records);
  return records.map((r) => JSON.stringify(r) + "\n").join("");
}

/** Which training examples the teacher gets right (what the metric keeps). */
async function keptBy(teacher: QA): Promise<Example[]> {
  const kept: Example[] = [];
  for (const ex of trainset) {
    const pred = await teacher.call(ex.inputs(), {});
    if (await exactMatch(ex, pred)) kept.push(ex);
  }
  return kept;
}

test("records: traces scoring > 0 become DSPy's chat records, shuffled with Random(0), written as JSONL; a local student gets the data and a recipe", async () => {
  const teacher = teacherProgram();
  const kept = await keptBy(teacherProgram());
  assert.ok(kept.length > 0 && kept.length < trainset.length);
  const student = new QA();
  const studentLM = new FakeLM({ model: "ollama/llama3.1:8b" });
  student.setLM(studentLM);
  const { program, report } = await new BootstrapFinetune({ metric: exactMatch, dataDir: dir, lmConfig: config() }).compile(student, { trainset, teacher });

  assert.deepEqual(report.traces, { runs: 12, finished: 12, kept: kept.length });
  assert.equal(report.jobs.length, 0);
  assert.equal(report.local.length, 1);
  const out = report.local[0]!;
  assert.equal(out.records, kept.length);
  assert.equal(out.baseModel, "ollama/llama3.1:8b");
  assert.match(out.recipe, new RegExp(out.dataPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  const text = readFileSync(out.dataPath, "utf8");
  assert.equal(text, expectedRecords(teacher, kept));
  const first = JSON.parse(text.split("\n")[0]!) as { messages: { role: string; content: string }[] };
  assert.deepEqual(
    first.messages.map((m) => m.role),
    ["system", "user", "assistant", "user", "assistant", "user", "assistant"],
  );
  assert.match(first.messages[5]!.content, /Respond with the corresponding output fields/);
  assert.match(first.messages[6]!.content, /^\[\[ ## answer ## \]\]\n\d+\n\n\[\[ ## completed ## \]\]\n$/);
  // No job ran: the student keeps its model.
  assert.equal(program.predictor.lm, studentLM);
  assert.equal(program.compiled, false);
  assert.equal(studentLM.callCount, 0);
});

test("multitask trains each LM on every call of a trace; without it predictor i learns from the i-th call", async () => {
  class TwoStep extends Module {
    draft = new Predict("question -> answer");
    check = new Predict("question, answer -> final");
    async forward(inputs: Inputs, options: CallOptions): Promise<Prediction> {
      const d = await this.draft.call(inputs, options);
      return this.check.call({ ...inputs, answer: d.get("answer") }, options);
    }
  }
  const teacherLM = new FakeLM({ respond: (m) => (m[0]!.content.includes("`final`") ? { final: "ok" } : { answer: "1" }) });
  const studentLM = new FakeLM({ model: "ollama/small" });
  const make = () => {
    const s = new TwoStep();
    s.setLM(studentLM);
    return s;
  };
  const data = trainset.slice(0, 3);
  const multi = await new BootstrapFinetune({ dataDir: dir, lmConfig: config() }).compile(make(), { trainset: data, teacher: new TwoStep(), lm: teacherLM });
  assert.equal(multi.report.local.length, 1);
  assert.equal(multi.report.local[0]!.records, 6);
  assert.deepEqual(multi.report.local[0]!.predictors, [0, 1]);
  const single = await new BootstrapFinetune({ dataDir: dir, lmConfig: config(), multitask: false }).compile(make(), { trainset: data, teacher: new TwoStep(), lm: teacherLM });
  assert.deepEqual(
    single.report.local.map((l) => [l.predictors, l.records]),
    [
      [[0], 3],
      [[1], 3],
    ],
  );
  const checkRecords = readFileSync(single.report.local[1]!.dataPath, "utf8").trim().split("\n");
  for (const line of checkRecords) assert.match(line, /\[\[ ## final ## \]\]\\nok/);
});

test("every student predictor needs an LM; a teacher must match the student", async () => {
  await assert.rejects(new BootstrapFinetune({ dataDir: dir }).compile(new QA(), { trainset, teacher: teacherProgram() }), /Predictor 0 does not have an LM assigned/);
  class Other extends Module {
    other = new Predict("question -> answer");
    forward(inputs: Inputs, options: CallOptions): Promise<Prediction> {
      return this.other.call(inputs, options);
    }
  }
  const student = new QA();
  student.setLM(new FakeLM());
  await assert.rejects(new BootstrapFinetune({ dataDir: dir, lmConfig: config() }).compile(student, { trainset, teacher: new Other() }), /same program structure/);
});

test("fine-tuning job succeeds on the test server: the file is uploaded, the job polled, the student points at the new model", async () => {
  const server = await LLMTestServer.start({ fineTuning: { pollsUntilDone: 3 } });
  try {
    const usage = new UsageTracker();
    const base = lm("openai-compatible/gpt-4o-mini-2024-07-18", { baseUrl: server.openaiBaseUrl, cache: false, config: config(), usage, retry: { maxAttempts: 1 } });
    const student = new QA();
    student.setLM(base);
    const statuses: string[] = [];
    const { program, report } = await new BootstrapFinetune({
      metric: exactMatch,
      dataDir: dir,
      lmConfig: config(),
      pollIntervalMs: 5,
      trainKwargs: { n_epochs: 2 },
      suffix: "gridtune-test",
      progress: (e) => e.phase === "finetune" && statuses.push(e.detail ?? ""),
    }).compile(student, { trainset, teacher: teacherProgram() });

    assert.equal(report.jobs.length, 1);
    const job = report.jobs[0]!;
    assert.equal(job.status, "succeeded");
    assert.match(job.fineTunedModel, /^ft:gpt-4o-mini-2024-07-18:gridtune:gridtune-test:\d+$/);
    // The uploaded file is the JSONL that was written, and the job got the hyperparameters.
    assert.equal(server.files.get(job.fileId)!.content, readFileSync(job.dataPath, "utf8"));
    assert.deepEqual(server.jobs.get(job.jobId)!.hyperparameters, { n_epochs: 2 });
    assert.equal(server.jobs.get(job.jobId)!.model, "gpt-4o-mini-2024-07-18");
    assert.ok(statuses.some((s) => s.includes("succeeded")));
    // The student now runs on the fine-tuned model, through the same server and usage tracker.
    const tuned = program.predictor.lm!;
    assert.ok(tuned instanceof ManagedLM);
    assert.equal(tuned.model, `openai-compatible/${job.fineTunedModel}`);
    assert.equal(tuned.usage, usage);
    const reply = await tuned.chat([{ role: "user", content: "hi" }]);
    assert.equal(reply.model, `openai-compatible/${job.fineTunedModel}`);
    assert.equal(server.chatRequests.at(-1)!.model, job.fineTunedModel);
    assert.equal(program.compiled, true);
    assert.equal(program.predictor.demos.length, 0); // the student had none; demos are kept as they are
  } finally {
    await server.close();
  }
});

test("a failed fine-tuning job is an error, never a silent fallback", async () => {
  const server = await LLMTestServer.start({ fineTuning: { pollsUntilDone: 2, fail: "training file has invalid examples" } });
  try {
    const base = lm("openai-compatible/gpt-4o-mini-2024-07-18", { baseUrl: server.openaiBaseUrl, cache: false, config: config(), retry: { maxAttempts: 1 } });
    const student = new QA();
    student.setLM(base);
    await assert.rejects(
      new BootstrapFinetune({ metric: exactMatch, dataDir: dir, lmConfig: config(), pollIntervalMs: 5 }).compile(student, { trainset, teacher: teacherProgram() }),
      (e: unknown) => e instanceof FinetuneJobError && e.status === "failed" && /training file has invalid examples/.test(e.message),
    );
    assert.equal(student.predictor.lm, base);
    assert.equal(student.compiled, false);
  } finally {
    await server.close();
  }
});

test("a server without the fine-tuning API is an error that says so", async () => {
  const server = await LLMTestServer.start({});
  try {
    const base = lm("openai-compatible/m", { baseUrl: server.openaiBaseUrl, cache: false, config: config(), retry: { maxAttempts: 1 } });
    const student = new QA();
    student.setLM(base);
    // An upload with no valid records is refused by the server (400): the error names the endpoint.
    await assert.rejects(
      new BootstrapFinetune({ dataDir: dir, lmConfig: config(), pollIntervalMs: 5, baseUrl: `${server.url}/nope/v1` }).compile(student, { trainset: trainset.slice(0, 2), teacher: teacherProgram() }),
      (e: unknown) => e instanceof FinetuneJobError && /could not start fine-tuning m at http:\/\/127\.0\.0\.1:\d+\/nope\/v1/.test(e.message),
    );
  } finally {
    await server.close();
  }
});

test("an AbortSignal cancels while the job is being polled", async () => {
  const server = await LLMTestServer.start({ fineTuning: { pollsUntilDone: 1_000_000 } });
  try {
    const base = lm("openai-compatible/gpt-4o-mini-2024-07-18", { baseUrl: server.openaiBaseUrl, cache: false, config: config(), retry: { maxAttempts: 1 } });
    const student = new QA();
    student.setLM(base);
    const controller = new AbortController();
    const run = new BootstrapFinetune({ dataDir: dir, lmConfig: config(), pollIntervalMs: 5, progress: (e) => e.phase === "finetune" && /running/.test(e.detail ?? "") && controller.abort(new Error("cancelled by the user")) });
    await assert.rejects(run.compile(student, { trainset: trainset.slice(0, 3), teacher: teacherProgram(), signal: controller.signal }), /cancelled by the user/);
    assert.equal(student.predictor.lm, base);
  } finally {
    await server.close();
  }
});
