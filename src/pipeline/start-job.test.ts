/**
 * runStartJob — `gridtune start` as a library call. The local model is a tiny GGUF file written by the
 * test (only resolved, never run: the roles are pointed at the local LLM test server,
 * src/testing/llm-test-server.ts, which answers as Groq and Ollama with DSPy-formatted replies).
 * start.e2e.test.ts runs the real thing through the CLI with the embedded llama.cpp runtime.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { writeTinyGguf } from "../testing/tiny-gguf.js";
import type { ProgressEvent } from "../util/progress.js";
import { runStartJob, START_ENVS } from "./start-job.js";
import { dspyReply } from "./test-support.js";
import { setEnvVars } from "../testing/env-vars.test-util.js";
import { tempDir } from "../testing/temp-dir.js";

const root = tempDir("start-job");
const model = join(root, "tiny.gguf");
let server: LLMTestServer;
let restoreEnv: () => void = () => {};
/** The test server's models for the three roles (the job's own choice would run the tiny GGUF). */
const ROLES = { teacherModel: "groq/llama-3.3-70b-versatile", assessorModel: "groq/llama-3.3-70b-versatile", studentModel: "ollama/llama3.1:70b" };

before(async () => {
  writeTinyGguf(model, { seed: 7 });
  server = await LLMTestServer.start({ replies: [{ reply: dspyReply }] });
  restoreEnv = setEnvVars({ GROQ_BASE_URL: server.openaiBaseUrl, GROQ_API_KEY: "gsk_start", OLLAMA_HOST: server.ollamaHost, GRIDTUNE_CACHE_DIR: join(root, "cache"), GRIDTUNE_RETRY_BASE_MS: "0" });
});
after(async () => {
  restoreEnv();
  await server.close();
});

test("runStartJob resolves the local model, collects the small dataset once, runs the pipeline and says where everything is", async () => {
  const dir = join(root, "job");
  const events: ProgressEvent[] = [];
  const lines: string[] = [];
  const job = await runStartJob({ dir, localModel: model, finetune: ROLES }, { progress: (e) => events.push(e), log: (l) => lines.push(l) });
  assert.equal(job.dir, dir);
  assert.equal(job.datasetDir, join(dir, "dataset"));
  assert.equal(job.localModelPath, model);
  assert.deepEqual(job.models, { teacher: ROLES.teacherModel, student: ROLES.studentModel, assessor: ROLES.assessorModel });
  assert.equal(job.collected!.manifest.counts.episodes, START_ENVS.length * 4 * 2);
  assert.equal(job.outputDir, join(dir, "saved_llm_models"));
  assert.ok(job.programPath && existsSync(job.programPath));
  assert.equal(job.run.files.program, job.programPath);
  assert.equal(readdirSync(job.outputDir).filter((f) => f.endsWith(".json")).length, 2);
  assert.ok(lines.some((l) => /GROQ_API_KEY is set: teacher and assessor on Groq/.test(l)));
  assert.ok(lines.some((l) => /Collecting expert demonstrations/.test(l)));
  const phases = [...new Set(events.map((e) => e.phase))];
  assert.equal(phases[0], "collect");
  assert.ok(phases.includes("search") && phases.includes("test"), phases.join(", "));
  assert.equal(process.env.GRIDTUNE_MAX_TOKENS, undefined, "the token cap is only set for the job's duration");

  // A second job in the same directory reuses the dataset; an abort before the pipeline stops it.
  const controller = new AbortController();
  const reason = new Error("enough");
  const again = runStartJob({ dir, localModel: model, finetune: ROLES }, {
    signal: controller.signal,
    log: (l) => {
      if (/Reusing the dataset/.test(l)) controller.abort(reason);
    },
  });
  await assert.rejects(again, (e) => e === reason);
  assert.equal(readdirSync(job.outputDir).filter((f) => f.endsWith(".json")).length, 2, "no new run files");
});

test("runStartJob offline without the model stops at once, says how to provide one and writes nothing", async () => {
  const dir = join(root, "offline");
  const t0 = performance.now();
  await assert.rejects(runStartJob({ dir, localModel: "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf", download: false }, { log: () => {} }), /GRIDTUNE_LOCAL_MODEL/);
  assert.ok(performance.now() - t0 < 10_000);
  assert.equal(existsSync(dir), false);
});

test("runStartJob: an abort during the collection leaves no dataset behind", async () => {
  const dir = join(root, "aborted");
  const controller = new AbortController();
  await assert.rejects(
    runStartJob({ dir, localModel: model, finetune: ROLES }, {
      signal: controller.signal,
      log: () => {},
      progress: (e) => {
        if (e.phase === "collect" && e.done === 3) controller.abort();
      },
    }),
    { name: "AbortError" },
  );
  assert.equal(existsSync(join(dir, "dataset")), false);
  assert.deepEqual(existsSync(dir) ? readdirSync(dir) : [], []);
});
