/**
 * The README's fine-tuning sequence, as written, in a fresh directory holding only the repository's
 * configs/: `gridtune collect --envs 9env --seeds 0-4 --episodes 5 --out datasets/9env`, then
 * `gridtune finetune --config configs/llm_optimization_config.yaml` — teacher and assessor on the LLM
 * test server as Groq, the student as Ollama. The batch reads the dataset the README collects.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LLMTestServer } from "../testing/llm-test-server.js";
import { repoRoot } from "../testing/paths.js";
import { dspyReply, runCli } from "./test-support.js";

const cwd = mkdtempSync(join(tmpdir(), "gridtune-readme-"));
let server: LLMTestServer;

before(async () => {
  mkdirSync(join(cwd, "configs"));
  copyFileSync(join(repoRoot, "configs", "llm_optimization_config.yaml"), join(cwd, "configs", "llm_optimization_config.yaml"));
  server = await LLMTestServer.start({ replies: [{ reply: dspyReply }] });
});
after(async () => {
  await server.close();
  rmSync(cwd, { recursive: true, force: true });
});

test("the README's collect, then its batch example as written: every entry completes", async (t) => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const collect = /^gridtune (collect --envs 9env .*--out datasets\/9env)$/m.exec(readme);
  assert.ok(collect, "the README's collect command");
  assert.match(readme, /^gridtune finetune --config configs\/llm_optimization_config\.yaml/m);
  const c = await runCli(collect[1]!.split(/\s+/), {}, { cwd });
  assert.equal(c.code, 0, c.stderr);
  const env = { GROQ_BASE_URL: server.openaiBaseUrl, GROQ_API_KEY: "gsk_readme_fake", OLLAMA_HOST: server.ollamaHost, GRIDTUNE_CACHE_DIR: join(cwd, "cache"), GRIDTUNE_RETRY_BASE_MS: "0" };
  const r = await runCli(["finetune", "--config", "configs/llm_optimization_config.yaml", "--no-progress"], env, { cwd });
  t.diagnostic(`${server.chatRequests.length} LM calls, ${Math.round(r.ms)} ms`);
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  assert.match(r.stdout.trim().split("\n").pop()!, /^✅ Run completed: batch configs\/llm_optimization_config\.yaml: 5 of 5 completed, 0 degraded, 0 failed$/);
  const files = [...r.stdout.matchAll(/^  (\/.*\.json)$/gm)].map((m) => m[1]!);
  assert.equal(files.length, 10);
  assert.ok(files.every((f) => existsSync(f) && f.startsWith(join(cwd, "saved_llm_models"))));
});
