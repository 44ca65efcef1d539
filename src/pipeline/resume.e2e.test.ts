/**
 * A run killed during optimization and restarted with --resume finishes without repeating finished
 * trials, and gives the same result as an uninterrupted run with the same seed.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LLMTestServer } from "../testing/llm-test-server.js";
import type { RunInfo } from "./run-info.js";
import { collectTinyDataset, dspyReply, runCli } from "./test-support.js";
import { tempDir } from "../testing/temp-dir.js";

const root = tempDir("resume");
const dataset = join(root, "ds");
let server: LLMTestServer;
const ARGS = ["finetune", "--dataset-path", dataset, "--num-trials", "6", "--num-candidates", "3", "--samples-per-category", "4", "--seed", "7", "--concurrency", "2", "--no-progress"];

before(async () => {
  collectTinyDataset(dataset);
  server = await LLMTestServer.start({ replies: [{ reply: dspyReply }], delayMs: 15 });
});
after(() => server.close());

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

function trialsLogged(stdout: string): number[] {
  return [...stdout.matchAll(/Trial (\d+) \//g)].map((m) => Number(m[1]));
}

test("killed during optimization, resumed: no finished trial repeated, same result as uninterrupted", async () => {
  const outA = join(root, "a");
  server.requests.length = 0;
  const a = await runCli([...ARGS, "--output-dir", outA], envFor("cache-a"));
  assert.equal(a.code, 0, a.stderr + a.stdout);
  const requestsA = server.requests.length;
  const infoA = readInfo(outA);

  const outB = join(root, "b");
  const ckDir = join(outB, ".checkpoints");
  server.requests.length = 0;
  let killedAt = 0;
  const b1 = await runCli([...ARGS, "--output-dir", outB], envFor("cache-b"), {
    onStart: (child) => {
      const timer = setInterval(() => {
        if (!existsSync(ckDir)) return;
        const f = readdirSync(ckDir).find((x) => /^miprov2-[0-9a-f]+\.json$/.test(x)); // not the usage sidecar
        if (!f) return;
        try {
          const ck = JSON.parse(readFileSync(join(ckDir, f), "utf8")) as { search?: { trials?: unknown[] } };
          if ((ck.search?.trials?.length ?? 0) >= 3) {
            killedAt = ck.search!.trials!.length;
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
  assert.ok(killedAt >= 3);
  assert.equal(readdirSync(outB).filter((f) => f.endsWith(".json")).length, 0, "a killed run leaves no model files");
  const requestsB1 = server.requests.length;

  server.requests.length = 0;
  const b2 = await runCli([...ARGS, "--output-dir", outB, "--resume"], envFor("cache-b"));
  assert.equal(b2.code, 0, b2.stderr + b2.stdout);
  const requestsB2 = server.requests.length;
  assert.match(b2.stdout, /Resuming from .*\.checkpoints/);
  const infoB = readInfo(outB);
  assert.ok(infoB.optimization!.resumed_trials >= killedAt - 1, `resumed after ${infoB.optimization!.resumed_trials} trials, killed at ${killedAt}`);
  // Finished trials are not run again: the resumed process logs only the later ones.
  const firstResumed = Math.min(...trialsLogged(b2.stdout));
  assert.ok(firstResumed > infoB.optimization!.resumed_trials, `trial ${firstResumed} re-run (resumed after ${infoB.optimization!.resumed_trials})`);
  assert.ok(requestsB2 < requestsA, `the resumed run sent ${requestsB2} requests, the whole run ${requestsA}`);
  assert.ok(requestsB1 + requestsB2 < requestsA * 1.5);
  // Same result as the uninterrupted run.
  assert.equal(infoB.program.instructions, infoA.program.instructions);
  assert.deepEqual(infoB.program.demos, infoA.program.demos);
  assert.equal(infoB.optimization!.best_score, infoA.optimization!.best_score);
  assert.equal(infoB.optimization!.trials, infoA.optimization!.trials);
  assert.equal(infoB.results.accuracy, infoA.results.accuracy);
  assert.deepEqual(infoB.examples.map((e) => [e.id, e.prediction, e.verdict]), infoA.examples.map((e) => [e.id, e.prediction, e.verdict]));
  assert.equal(existsSync(ckDir) && readdirSync(ckDir).length > 0, false, "the checkpoint is removed after a saved run");
});
