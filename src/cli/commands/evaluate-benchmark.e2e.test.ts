/**
 * `gridtune evaluate --benchmark balrog-babyai` end to end: the CLI process talks Ollama's protocol
 * to the local test server (BALROG's naive agent) next to the BabyAI bot, prints BALROG's tables and
 * writes the run record once.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../testing/paths.js";
import { LLMTestServer } from "../../testing/llm-test-server.js";

const run = promisify(execFile);
let dir: string;
let server: LLMTestServer;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "gridtune-balrog-cli-"));
  server = await LLMTestServer.start({ models: ["naive-test"], replies: [{ reply: "turn left" }] });
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test("an Ollama model and the bot side by side: BALROG's summary, one comparison table, one record", async () => {
  const out = join(dir, "run.json");
  const cli = join(repoRoot, "dist/src/cli/main.js");
  const args = ["evaluate", "--benchmark", "balrog-babyai", "--model", "ollama/naive-test", "--bot", "--episodes", "1", "--max-steps", "6", "--tasks", "goto,open", "--out", out, "--no-progress"];
  const env = { ...process.env, OLLAMA_HOST: server.url, GRIDTUNE_NO_CACHE: "1", GRIDTUNE_RETRY_ATTEMPTS: "1" };
  const { stdout } = await run(process.execPath, [cli, ...args], { env, cwd: dir, timeout: 60_000 });
  assert.match(stdout, /🧪 ollama\/naive-test\n\nSummary of Results:\nOverall Average Progression: 0\.00% ± 0\.00%\nPer-Environment Results:\n  babyai: 0\.00% ± 0\.00%, Episodes: 2\n/);
  assert.match(stdout, /task\s+ollama\/naive-test\s+babyai-bot/);
  assert.match(stdout, /overall\s+0\.00% ± 0\.00%\s+\d+\.\d\d% ± \d+\.\d\d%/);
  assert.match(stdout, /✅ completed/);
  const record = JSON.parse(readFileSync(out, "utf8"));
  assert.equal(record.format, "gridtune-balrog-babyai/1");
  assert.deepEqual(record.runs.map((r: { name: string }) => r.name), ["ollama/naive-test", "babyai-bot"]);
  assert.equal(record.runs[0].episodes[0].trajectory[0].completion, "turn left");
  assert.equal(server.chatRequests.length, 12); // 2 episodes × 6 steps, all turning left
  assert.equal(server.chatRequests[0]!.api, "ollama");
  // Run again onto the same record: refused before any episode, the record untouched.
  const again = await run(process.execPath, [cli, ...args], { env, cwd: dir, timeout: 60_000 }).catch((e: { code: number; stderr: string }) => e);
  assert.equal((again as { code: number }).code, 2);
  assert.match((again as { stderr: string }).stderr, /never overwritten/);
  assert.equal(server.chatRequests.length, 12);
});
