/**
 * The library the CLI is a thin shell over: `finetune(config, {signal, progress})` in-process, and a
 * run whose program cannot be saved (the record still is, and says so).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LLMTestServer } from "../testing/llm-test-server.js";
import type { ProgressEvent } from "../util/progress.js";
import { finetune, modelName, timestampOf } from "./index.js";
import { collectTinyDataset, dspyReply } from "./test-support.js";
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

test("finetune() returns the run record; progress events per phase; the program cannot be saved → metadata only", async () => {
  const out = join(root, "out");
  const now = new Date(2025, 0, 2, 3, 4, 5);
  const name = modelName("llama3.1:70b", "action", "ascii", timestampOf(now));
  mkdirSync(join(out, `${name}.json`), { recursive: true }); // a directory where the program file goes
  const events: ProgressEvent[] = [];
  const lines: string[] = [];
  const info = await finetune(
    { datasetPath: dataset, outputDir: out, numTrials: 2, numCandidates: 2, samplesPerCategory: 3, metric: "optimal" },
    { progress: (e) => events.push(e), log: (l) => lines.push(l), now: () => now },
  );
  assert.equal(info.model_name, name);
  assert.equal(info.program.saved, false);
  assert.match(info.program.error ?? "", /./);
  assert.equal(info.files.program, null);
  assert.ok(info.files.info && existsSync(info.files.info));
  const onDisk = JSON.parse(readFileSync(info.files.info!, "utf8"));
  assert.equal(onDisk.program.saved, false);
  assert.ok(onDisk.warnings.some((w: string) => /could not be saved/.test(w)));
  assert.ok(lines.some((l) => /Failed to save model/.test(l)));
  assert.ok(lines.some((l) => /Saved metadata only/.test(l)));
  const phases = new Set(events.map((e) => e.phase));
  for (const p of ["bootstrap", "search", "test"]) assert.ok(phases.has(p), `no ${p} progress: ${[...phases].join(", ")}`);
  assert.equal(info.results.n, info.dataset.splits.test);
  assert.ok(info.timings["lm_requests"]! > 0);
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
