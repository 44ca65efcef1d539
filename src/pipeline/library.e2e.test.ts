/**
 * The library the CLI is a thin shell over: `finetune(config, {signal, progress})` in-process, and a
 * run whose program cannot be saved (the record still is, and says so).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LLMTestServer } from "../testing/llm-test-server.js";
import type { ProgressEvent } from "../util/progress.js";
import { finetune, modelName, timestampOf } from "./index.js";
import { collectTinyDataset, dspyReply } from "./test-support.js";
import type { FinetuneEvent } from "./story.js";
import { resolveConfig } from "./config.js";
import { checkpointPathFor, datasetStampOf } from "./run-files.js";
import { roleSpecs } from "./steps/lms.js";
import { CheckpointMismatchError } from "../dspy/optimizers/miprov2.js";
import { setEnvVars } from "../testing/env-vars.test-util.js";
import { tempDir } from "../testing/temp-dir.js";

const root = tempDir("lib");
const dataset = join(root, "ds");
let server: LLMTestServer;
let restoreEnv: () => void = () => {};

before(async () => {
  collectTinyDataset(dataset);
  server = await LLMTestServer.start({ replies: [{ reply: dspyReply }] });
  restoreEnv = setEnvVars({ GROQ_BASE_URL: server.openaiBaseUrl, GROQ_API_KEY: "gsk_lib", OLLAMA_HOST: server.ollamaHost, GRIDTUNE_CACHE_DIR: join(root, "cache"), GRIDTUNE_RETRY_BASE_MS: "0" });
});
after(async () => {
  restoreEnv();
  await server.close();
});

test("finetune() returns the run record; progress and story events; a taken name is never replaced: the next free suffix is used", async () => {
  const out = join(root, "out");
  const now = new Date(2025, 0, 2, 3, 4, 5);
  const name = modelName("llama3.1:70b", "action", "ascii", timestampOf(now));
  mkdirSync(join(out, `${name}.json`), { recursive: true }); // something already has the program's name
  writeFileSync(join(out, `${name}_2_info.json`), "keep me\n"); // and the record's name of the next one
  const events: ProgressEvent[] = [];
  const story: FinetuneEvent[] = [];
  const lines: string[] = [];
  const config = { datasetPath: dataset, outputDir: out, numTrials: 2, numCandidates: 2, samplesPerCategory: 3, metric: "optimal" as const };
  const info = await finetune(config, { progress: (e) => events.push(e), log: (l) => lines.push(l), onEvent: (e) => story.push(e), now: () => now });
  assert.equal(info.model_name, `${name}_3`);
  assert.equal(info.status, "completed");
  assert.equal(info.program.saved, true);
  assert.equal(info.files.program, join(out, `${name}_3.json`));
  assert.ok(statSync(join(out, `${name}.json`)).isDirectory(), "the taken name is untouched");
  assert.equal(readFileSync(join(out, `${name}_2_info.json`), "utf8"), "keep me\n");
  const onDisk = JSON.parse(readFileSync(info.files.info!, "utf8"));
  assert.equal(onDisk.model_name, `${name}_3`);
  assert.equal(JSON.parse(readFileSync(info.files.program!, "utf8")).metadata.gridtune.model_name, `${name}_3`);
  // The same second again: a fourth name; the third run's files keep their bytes.
  const before3 = readFileSync(info.files.program!, "utf8") + readFileSync(info.files.info!, "utf8");
  const again = await finetune(config, { log: () => {}, now: () => now });
  assert.equal(again.model_name, `${name}_4`);
  assert.equal(readFileSync(info.files.program!, "utf8") + readFileSync(info.files.info!, "utf8"), before3);
  assert.deepEqual(readdirSync(out).filter((f) => f.endsWith(".tmp")), [], "no temp file left");
  // The story: typed events, the console lines a listener of them, the outcome last.
  const kinds = story.map((e) => e.kind);
  for (const k of ["header", "data", "step", "optimized", "distilled", "evaluated", "saved", "usage", "outcome"]) assert.ok(kinds.includes(k as FinetuneEvent["kind"]), `no ${k} event`);
  assert.deepEqual(story.filter((e) => e.kind === "step").map((e) => (e as { step: number }).step), [1, 2, 3, 4, 5]);
  assert.equal(kinds[kinds.length - 1], "outcome");
  assert.match(lines[lines.length - 1]!, /✅ Run completed: model saved to/);
  const phases = new Set(events.map((e) => e.phase));
  for (const p of ["bootstrap", "search", "test"]) assert.ok(phases.has(p), `no ${p} progress: ${[...phases].join(", ")}`);
  assert.equal(info.results.n, info.dataset.splits.test);
  assert.ok(info.timings["lm_requests"]! > 0);
});

test("an optimizer error ends the run as failed, matched by class: a checkpoint of other settings", async () => {
  const out = join(root, "mismatch");
  const config = resolveConfig({ datasetPath: dataset, outputDir: out, numTrials: 2, numCandidates: 2, samplesPerCategory: 3, metric: "optimal", resume: true });
  const ck = checkpointPathFor(config, roleSpecs(config), datasetStampOf(dataset));
  mkdirSync(dirname(ck), { recursive: true });
  writeFileSync(ck, JSON.stringify({ version: -1 }));
  const lines: string[] = [];
  await assert.rejects(finetune(config, { log: (l) => lines.push(l) }), (e) => e instanceof CheckpointMismatchError);
  assert.match(lines[lines.length - 1]!.trim(), /^❌ Run failed: .*delete it or run without resume/);
  assert.ok(!lines.some((l) => /Run completed|Warning: prompt optimization failed/.test(l)));
  assert.deepEqual(readdirSync(out).filter((f) => f.endsWith(".json")), [], "no model, no record");
});

test("finetune() stops on its signal", async () => {
  const controller = new AbortController();
  const p = finetune({ datasetPath: dataset, outputDir: join(root, "stopped"), numTrials: 2, numCandidates: 2, samplesPerCategory: 3 }, { signal: controller.signal, log: () => {} });
  setTimeout(() => controller.abort(new Error("stop")), 50);
  await assert.rejects(p);
  assert.equal(existsSync(join(root, "stopped")) && existsSync(join(root, "stopped", "x")), false);
});

test("subgoal hints end to end: categories are the subgoal verbs; a call budget stops the search", async () => {
  const info = await finetune(
    { datasetPath: dataset, outputDir: join(root, "sub"), hintType: "subgoal", encodingType: "natural", view: "full", numTrials: 4, numCandidates: 2, samplesPerCategory: 3, budget: { calls: 5 } },
    { log: () => {} },
  );
  assert.equal(info.config.hint_type, "subgoal");
  // The expert's verbs, plus the BabyAI bot's `explore` and `done` subgoals (src/expert/babyai.ts).
  assert.ok(Object.keys(info.dataset.categories).every((k) => ["go to", "pick up", "open", "close", "drop", "explore", "done"].includes(k)), JSON.stringify(info.dataset.categories));
  assert.ok(info.examples.every((e) => /^((go to|pick up|open|close|drop) the |explore$|done$)/.test(e.ground_truth)));
  assert.equal(info.optimization?.stopped_by, "budget");
  assert.equal(info.program.saved, true);
  const saved = JSON.parse(readFileSync(info.files.program!, "utf8"));
  assert.equal(saved.metadata.gridtune.hint_type, "subgoal");
  assert.equal(saved.metadata.gridtune.view, "full");
});
