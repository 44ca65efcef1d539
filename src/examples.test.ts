/**
 * The files in examples/ are type-checked and run here, so none rots.
 *
 * They are compiled with tsconfig.examples.json, where `import … from "gridtune"` resolves by the
 * package's self-reference to the built entry point's declarations (dist/src/index.d.ts) — the way a
 * user's project sees the package — and run as child processes from dist/examples/, where Node
 * resolves "gridtune" the same way to dist/src/index.js. Their LMs point at the local LLM test server
 * through the environment variables a user would set (GROQ_BASE_URL + GROQ_API_KEY, OLLAMA_HOST).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LLMTestServer } from "./testing/llm-test-server.js";
import { dspyReply } from "./pipeline/test-support.js";
import { MinigridAgent, lm } from "./index.js";
import { tempDir } from "./testing/temp-dir.js";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const examplesOut = join(repo, "dist", "examples");
const root = tempDir("examples");
let server: LLMTestServer;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a compiled example with only the given environment (plus PATH and HOME). */
function runExample(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const child = spawn(process.execPath, [join(examplesOut, `${name}.js`), ...args], {
    cwd: root,
    // TMPDIR: the examples' own scratch directories land in this suite's, which is removed afterwards.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: root, GRIDTUNE_CACHE_DIR: join(root, "cache"), GRIDTUNE_RETRY_BASE_MS: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const groq = () => ({ GROQ_BASE_URL: server.openaiBaseUrl, GROQ_API_KEY: "gsk_example_not_a_key" });
const ollama = () => ({ OLLAMA_HOST: server.ollamaHost });

before(async () => {
  // Type-check and compile the examples against the built package entry point.
  const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(repo, "tsconfig.examples.json")], { cwd: repo, encoding: "utf8" });
  assert.equal(r.status, 0, `the examples do not compile:\n${r.stdout}${r.stderr}`);
  server = await LLMTestServer.start({ replies: [{ reply: dspyReply }] });
});
after(() => server?.close());

test("every example is run by this suite", () => {
  const sources = readdirSync(join(repo, "examples")).filter((f) => f.endsWith(".ts"));
  assert.deepEqual(sources.sort(), ["collect-and-encode.ts", "hint-rl-loop.ts", "optimize-custom-signature.ts", "run-pipeline.ts"]);
});

test("collect-and-encode: a dataset collected, loaded, and one step in all four encodings", async () => {
  const r = await runExample("collect-and-encode", [join(root, "ds")], {});
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Collected 6 episodes, \d+ steps/);
  for (const type of ["ascii", "natural", "tuples", "relative"]) assert.ok(r.stdout.includes(`── ${type}, agent view ──`), `no ${type} encoding in:\n${r.stdout}`);
  assert.ok(r.stdout.includes("── ascii, full view ──"));
  assert.ok(existsSync(join(root, "ds", "manifest.json")));
});

test("hint-rl-loop: a saved agent (LM on Ollama) gives hints inside a Q-learning loop", async () => {
  // A "trained" agent file as finetune writes it: DSPy state naming its LM.
  const agentFile = join(root, "agent.json");
  const agent = new MinigridAgent({ hintType: "action", encodingType: "ascii" }, lm("ollama/llama3.1:latest", { cache: false }));
  agent.save(agentFile);
  server.requests.length = 0;
  const r = await runExample("hint-rl-loop", ["3"], { ...ollama(), GRIDTUNE_AGENT: agentFile });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Hints from .*agent\.json/);
  for (const e of [0, 1, 2]) assert.match(r.stdout, new RegExp(`episode ${e}: return`));
  const queries = Number(/LLM queries (\d+)/.exec(r.stdout)?.[1]);
  assert.ok(queries > 0, r.stdout);
  assert.ok(server.chatRequests.some((q) => q.api === "ollama" && q.model === "llama3.1:latest"), "the agent's LM was called over Ollama's protocol");
});

test("hint-rl-loop: without a saved agent, a zero-shot agent on configureLM({source: 'groq'})", async () => {
  server.requests.length = 0;
  const r = await runExample("hint-rl-loop", ["1"], groq());
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /untrained \(zero-shot\) agent/);
  assert.ok(server.chatRequests.some((q) => q.api === "openai" && q.model === "llama-3.3-70b-versatile"), "Groq's default model was called");
});

test("optimize-custom-signature: MIPROv2 on a custom signature and data, saved as DSPy JSON", async () => {
  const out = join(root, "target-finder.json");
  const r = await runExample("optimize-custom-signature", [out], groq());
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Before optimization: [\d.]+% on 8 held-out missions/);
  assert.match(r.stdout, /After optimization: [\d.]+%/);
  const saved = JSON.parse(readFileSync(out, "utf8")) as Record<string, { signature?: { instructions?: string } }>;
  assert.ok(saved["find.predict"]?.signature?.instructions, Object.keys(saved).join(", "));
});

test("run-pipeline: finetune(config) with progress and a signal, then evaluate() in closed loop", async () => {
  const out = join(root, "runs");
  const r = await runExample("run-pipeline", [join(root, "no-such-dataset"), out], { ...groq(), ...ollama() });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /Run finetuned_llama3_1_70b_action_ascii_\d{8}_\d{6}: completed/);
  assert.match(r.stdout, /test accuracy [\d.]+% on \d+ examples/);
  assert.match(r.stdout, /Closed loop on MiniGrid-Empty-5x5-v0: success \d+%/);
  assert.match(r.stderr, /search: \d+\/\d+/, "the example's own progress display ran");
  const files = readdirSync(out).filter((f) => f.endsWith(".json"));
  assert.equal(files.length, 2, files.join(", "));
});
