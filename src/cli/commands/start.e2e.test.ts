/**
 * `gridtune start` (npm start): offline without a model it stops at once; with a local GGUF whose own
 * context (512 tokens, as its metadata declares) is too small for the job, the context is sized to the
 * run and the job succeeds — or, with GRIDTUNE_LLAMACPP_CONTEXT pinned too small, it stops before any
 * LM call naming that setting.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { writeTinyGguf } from "../../testing/tiny-gguf.js";
import { runCli } from "../../pipeline/pipeline.test-util.js";
import { tempDir } from "../../testing/temp-dir.js";

const root = tempDir("start");
const model = join(root, "tiny.gguf");
const BASE = { GRIDTUNE_CACHE_DIR: join(root, "cache"), GRIDTUNE_OFFLINE: "1", GROQ_API_KEY: "" };

before(() => writeTinyGguf(model, { seed: 7, contextLength: 512 }));

const LLAMA = { GRIDTUNE_LLAMACPP_THREADS: "1", GRIDTUNE_LLAMACPP_GPU: "false", GRIDTUNE_LLAMACPP_BUILD: "never", GRIDTUNE_MAX_TOKENS: "16", GRIDTUNE_NO_CACHE: "1" };

test("offline and without a model file: stops at once, says how to provide one, writes nothing", async () => {
  const r = await runCli(["start", "--dir", join(root, "offline"), "--no-progress"], BASE, { cwd: root });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /GRIDTUNE_LOCAL_MODEL/);
  assert.match(r.stderr, /qwen2\.5-0\.5b-instruct/);
  assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
  assert.equal(existsSync(join(root, "offline")), false);
});

test("a GGUF whose 512-token context is too small, pinned by GRIDTUNE_LLAMACPP_CONTEXT: stops before the job, naming the setting", async () => {
  const dir = join(root, "pinned");
  const r = await runCli(["start", "--dir", dir, "--no-progress"], { ...BASE, ...LLAMA, GRIDTUNE_LOCAL_MODEL: model, GRIDTUNE_LLAMACPP_CONTEXT: "512" });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /preflight check failed \(no LM call was spent\)/);
  assert.match(r.stderr, /the 512-token context of .*tiny\.gguf cannot hold the run's longest prompt and reply/);
  assert.match(r.stderr, /Change GRIDTUNE_LLAMACPP_CONTEXT=\d+/);
  assert.doesNotMatch(r.stdout, /Step 1|Pipeline Completed/);
  assert.equal(existsSync(join(dir, "saved_llm_models")), false, "nothing saved");
});

test("with GRIDTUNE_LOCAL_MODEL (a GGUF declaring a 512-token context): the context is sized to the run; collects, fine-tunes, evaluates and saves", async () => {
  const dir = join(root, "job");
  const r = await runCli(["start", "--dir", dir, "--no-progress"], { ...BASE, ...LLAMA, GRIDTUNE_LOCAL_MODEL: model });
  // The tiny random model's answers rarely parse: then the run is degraded (exit 3) and says so last.
  assert.ok(r.code === 0 || r.code === 3, r.stderr + r.stdout.slice(-2000));
  const sized = /✅ Preflight: teacher\/proposer\/student\/assessor llamacpp\/.*tiny\.gguf \(context (\d+)\)/.exec(r.stdout);
  assert.ok(sized, r.stdout.slice(0, 3000));
  assert.ok(Number(sized[1]) > 512, `context ${sized[1]}`);
  assert.doesNotMatch(r.stdout + r.stderr, /too long|cannot hold/);
  assert.match(r.stdout, /no API key set: teacher, student and assessor on a local llama\.cpp model/);
  assert.match(r.stdout, /Collecting expert demonstrations/);
  assert.match(r.stdout, /Step 5/);
  assert.match(r.stdout, /gridtune serve --runs/);
  const last = r.stdout.trim().split("\n").pop()!;
  if (r.code === 0) assert.match(last, /^✅ Run completed/);
  else assert.match(last, /^⚠️ Run degraded: .*test examples could not be scored/);
  assert.doesNotMatch(r.stdout, /Pipeline Completed!|Success/);
  assert.ok(existsSync(join(dir, "dataset", "manifest.json")));
  assert.equal(readdirSync(join(dir, "saved_llm_models")).filter((f) => f.endsWith(".json")).length, 2);
});
