/**
 * `gridtune finetune --optimizer gepa` end to end against the local test server (OpenAI wire format
 * for teacher, reflection and assessor; Ollama for the student): the run record keeps GEPA's lineage
 * and Pareto front; a run killed during the search and restarted with --resume ends as an
 * uninterrupted run does.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LLMTestServer, type TestChatRequest } from "../testing/llm-test-server.js";
import type { RunInfo } from "./run-info.js";
import { collectTinyDataset, runCli } from "./pipeline.test-util.js";
import { dspyReply } from "../testing/dspy-replies.js";

const root = mkdtempSync(join(tmpdir(), "gridtune-gepa-"));
const dataset = join(root, "ds");
let server: LLMTestServer;
const ARGS = ["finetune", "--optimizer", "gepa", "--dataset-path", dataset, "--samples-per-category", "3", "--seed", "3", "--concurrency", "2", "--budget", "160", "--no-progress"];

/** Reflection prompts get a fenced instruction; task replies also depend on the instruction, so candidates differ. */
function reply(req: TestChatRequest): string {
  const user = [...req.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  if (req.messages.length === 1 && user.startsWith("I provided an assistant with the following instructions")) {
    const n = user.length % 5;
    return `New instruction:\n\`\`\`\nStudy the grid and the mission, check what is in front, then act (variant ${n}).\n\`\`\``;
  }
  const system = req.messages.find((m) => m.role === "system")?.content ?? "";
  const instruction = system.split("your objective is:")[1] ?? "";
  return dspyReply({ ...req, messages: req.messages.map((m) => (m.role === "user" ? { ...m, content: m.content + instruction } : m)) });
}

before(async () => {
  collectTinyDataset(dataset);
  server = await LLMTestServer.start({ replies: [{ reply }], delayMs: 5 });
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const envFor = (cache: string): NodeJS.ProcessEnv => ({
  GROQ_BASE_URL: server.openaiBaseUrl,
  GROQ_API_KEY: "gsk_fake",
  OLLAMA_HOST: server.ollamaHost,
  GRIDTUNE_CACHE_DIR: join(root, cache),
  GRIDTUNE_NO_CACHE: "1",
  GRIDTUNE_RETRY_BASE_MS: "0",
});

function readInfo(dir: string): RunInfo {
  const f = readdirSync(dir).find((x) => x.endsWith("_info.json"))!;
  return JSON.parse(readFileSync(join(dir, f), "utf8")) as RunInfo;
}

test("finetune --optimizer gepa --dry-run prints GEPA's estimate and calls nothing", async () => {
  server.requests.length = 0;
  const r = await runCli([...ARGS, "--output-dir", join(root, "dry"), "--dry-run"], envFor("cache-dry"));
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /GEPA: budget \d+ metric calls/);
  // Preflight may read model lists; a dry run sends no completion.
  assert.equal(server.chatRequests.length, 0);
  assert.ok(server.requests.every((q) => q.method === "GET"));
});

test("finetune --optimizer gepa runs end to end and resumes after a kill", async (t) => {
  const outA = join(root, "a");
  const a = await runCli([...ARGS, "--output-dir", outA], envFor("cache-a"));
  assert.equal(a.code, 0, a.stderr + a.stdout);
  assert.match(a.stdout, /Running prompt optimization with GEPA/);
  const infoA = readInfo(outA);
  const optA = infoA.optimization!;
  assert.equal(optA.optimizer, "GEPA");
  assert.ok(optA.gepa && optA.gepa.candidates.length >= 1);
  assert.deepEqual(optA.gepa.candidates[0]!.parents, []);
  assert.ok(optA.gepa.pareto_front.length >= 1);
  assert.equal(infoA.program.instructions, Object.values(optA.gepa.candidates[optA.gepa.best_idx]!.instructions)[0]);
  t.diagnostic(JSON.stringify({ candidates: optA.gepa.candidates.length, front: optA.gepa.pareto_front, stopped_by: optA.stopped_by, metric_calls: optA.gepa.total_metric_calls, lm_calls: optA.calls }));

  const outB = join(root, "b");
  const ckDir = join(outB, ".checkpoints");
  let killedAt = -1;
  const b1 = await runCli([...ARGS, "--output-dir", outB], envFor("cache-b"), {
    onStart: (child) => {
      const timer = setInterval(() => {
        if (!existsSync(ckDir)) return;
        const f = readdirSync(ckDir).find((x) => x.startsWith("gepa-") && x.endsWith(".json"));
        if (!f) return;
        try {
          const ck = JSON.parse(readFileSync(join(ckDir, f), "utf8")) as { state?: { i?: number } };
          if ((ck.state?.i ?? -1) >= 2) {
            killedAt = ck.state!.i!;
            child.kill("SIGKILL");
            clearInterval(timer);
          }
        } catch {
          /* being replaced */
        }
      }, 5);
      child.on("close", () => clearInterval(timer));
    },
  });
  assert.equal(b1.signal, "SIGKILL", `the run ended before it could be killed:\n${b1.stdout}`);
  assert.ok(killedAt >= 2);
  const b2 = await runCli([...ARGS, "--output-dir", outB, "--resume"], envFor("cache-b"));
  assert.equal(b2.code, 0, b2.stderr + b2.stdout);
  assert.match(b2.stdout, /Resuming from .*gepa-/);
  assert.match(b2.stdout, /GEPA: resuming from/);
  const infoB = readInfo(outB);
  assert.equal(infoB.program.instructions, infoA.program.instructions);
  assert.deepEqual(infoB.optimization!.gepa!.candidates, optA.gepa.candidates);
  assert.equal(infoB.optimization!.gepa!.total_metric_calls, optA.gepa.total_metric_calls);
  assert.equal(infoB.optimization!.best_score, optA.best_score);
  assert.ok(infoB.optimization!.resumed_trials >= killedAt, `resumed after ${infoB.optimization!.resumed_trials} iterations, killed at ${killedAt}`);
  assert.equal(existsSync(ckDir) && readdirSync(ckDir).length > 0, false, "the checkpoint is removed after a saved run");
});
