/**
 * An agent with memory through the whole pipeline against the LLM test server: finetune --history 2
 * (examples carry their episode's previous steps; the saved program has the `history` field), then
 * evaluate offline and in closed loop, then BALROG's BabyAI protocol next to a base model.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { finetune } from "./index.js";
import { evaluate } from "./evaluate-model.js";
import { runBalrogBabyAIBenchmark } from "./benchmarks/balrog-babyai/index.js";
import { collectTinyDataset, dspyReply } from "./test-support.js";
import { setEnvVars } from "../testing/env-vars.test-util.js";

const root = mkdtempSync(join(tmpdir(), "gridtune-hist-"));
const dataset = join(root, "ds");
let server: LLMTestServer;
let restoreEnv: () => void = () => {};

before(async () => {
  collectTinyDataset(dataset, { envs: ["MiniGrid-MemoryS7-v0", "BabyAI-GoToObj-v0"] });
  server = await LLMTestServer.start({ replies: [{ reply: dspyReply }] });
  restoreEnv = setEnvVars({ GROQ_BASE_URL: server.openaiBaseUrl, GROQ_API_KEY: "gsk_hist", OLLAMA_HOST: server.ollamaHost, GRIDTUNE_CACHE_DIR: join(root, "cache"), GRIDTUNE_RETRY_BASE_MS: "0" });
});
after(async () => {
  restoreEnv();
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

test("finetune --history 2 → evaluate (offline, closed loop) → BALROG BabyAI beside a base model", async () => {
  const out = join(root, "out");
  const info = await finetune({ datasetPath: dataset, outputDir: out, numTrials: 2, numCandidates: 2, samplesPerCategory: 3, metric: "optimal", history: 2 }, { log: () => {} });
  assert.equal(info.config.history, 2);
  const saved = JSON.parse(readFileSync(info.files.program!, "utf8"));
  assert.equal(saved.metadata.gridtune.history, 2);
  assert.equal(saved["act.predict"].signature.fields[0].prefix, "History:");
  for (const d of saved["act.predict"].demos) assert.equal(typeof d.history, "string");
  const agentPrompts = server.chatRequests.filter((r) => r.messages.some((m) => m.content.includes("[[ ## history ## ]]")));
  assert.ok(agentPrompts.length > 0);
  assert.ok(agentPrompts.some((r) => /2 steps ago\nObservation:\nMission: /.test(r.messages.at(-1)!.content)));

  const offline = await evaluate({ modelPath: info.files.program!, datasetPath: dataset, metric: "optimal", samplesPerCategory: 1 }, { log: () => {} });
  assert.ok(offline.offline!.examples.length > 0);
  const from = server.chatRequests.length;
  const closed = await evaluate({ modelPath: info.files.program!, envId: "MiniGrid-MemoryS7-v0", episodes: 1, maxSteps: 4 }, { log: () => {} });
  assert.equal(closed.closed_loop!.episodes.length, 1);
  const last = server.chatRequests.slice(from).at(-1)!.messages.at(-1)!.content;
  assert.match(last, /\[\[ ## history ## \]\]\n2 steps ago\n/);

  const record = join(root, "balrog.json");
  const run = await runBalrogBabyAIBenchmark({ models: ["ollama/llama3.1:8b"], modelPath: info.files.program!, tasks: ["goto", "open"], episodesPerTask: 1, maxSteps: 3, out: record });
  assert.deepEqual(run.result.runs.map((r) => r.agent["kind"]), ["naive", "minigrid-agent"]);
  const student = run.result.runs[1]!;
  assert.equal(student.agent["history"], 2);
  assert.equal(student.episodes.length, 2);
  assert.ok(student.episodes.every((e) => e.num_steps === 3 || e.done));
  assert.deepEqual(student.episodes.map((e) => e.seed), run.result.runs[0]!.episodes.map((e) => e.seed));
  assert.equal(JSON.parse(readFileSync(record, "utf8")).runs.length, 2);
});
