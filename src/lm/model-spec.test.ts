import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkCredentials, resolveModelSpec } from "./model-spec.js";
import { defaultCacheDir, loadLMConfig } from "./config.js";
import { MissingCredentialError, ModelSpecError } from "./errors.js";
import { configureLM, lm } from "./lm.js";
import { tempDir } from "../testing/temp-dir.js";

test("prefixed ids name their provider; only the first slash splits", () => {
  assert.deepEqual(resolveModelSpec("groq/llama-3.3-70b-versatile"), { id: "groq/llama-3.3-70b-versatile", provider: "groq", model: "llama-3.3-70b-versatile" });
  assert.deepEqual(resolveModelSpec("groq/meta-llama/llama-4-scout-17b-16e-instruct").model, "meta-llama/llama-4-scout-17b-16e-instruct");
  assert.equal(resolveModelSpec("ollama/llama3.1:70b").provider, "ollama");
  assert.equal(resolveModelSpec("ollama_chat/llama3.1:70b").id, "ollama/llama3.1:70b");
  assert.equal(resolveModelSpec("openai/gpt-4o-mini").provider, "openai");
  assert.deepEqual(resolveModelSpec("llamacpp/./models/m.gguf"), { id: "llamacpp/./models/m.gguf", provider: "llamacpp", model: "./models/m.gguf" });
  assert.equal(resolveModelSpec("llamacpp/hf:user/repo/file.gguf").model, "hf:user/repo/file.gguf");
  const oc = resolveModelSpec("openai-compatible/qwen2.5", { baseUrl: "http://127.0.0.1:8000/v1/" });
  assert.equal(oc.baseUrl, "http://127.0.0.1:8000/v1");
});

test("a bare id resolves as the original pipeline's --<role>-groq booleans did", () => {
  assert.equal(resolveModelSpec("llama-3.3-70b-versatile", { groq: true }).id, "groq/llama-3.3-70b-versatile");
  assert.equal(resolveModelSpec("llama3.1:70b", { groq: false }).id, "ollama/llama3.1:70b");
  // Defaults per role: teacher and assessor on Groq, student on local Ollama.
  assert.equal(resolveModelSpec("llama-3.3-70b-versatile", { role: "teacher" }).provider, "groq");
  assert.equal(resolveModelSpec("deepseek-r1-distill-llama-70b", { role: "assessor" }).provider, "groq");
  assert.equal(resolveModelSpec("llama3.1:70b", { role: "student" }).provider, "ollama");
  // --no-teacher-groq wins over the role default; a prefix wins over both.
  assert.equal(resolveModelSpec("llama3.1:70b", { role: "teacher", groq: false }).provider, "ollama");
  assert.equal(resolveModelSpec("ollama/llama3.1", { groq: true }).provider, "ollama");
  // Groq model names with slashes stay whole when a groq flag says where they go.
  assert.equal(resolveModelSpec("qwen/qwen3-32b", { groq: true }).id, "groq/qwen/qwen3-32b");
});

test("bad ids and URLs fail with errors that name the fix", () => {
  assert.throws(() => resolveModelSpec("olama/llama3"), (e: unknown) => e instanceof ModelSpecError && /unknown provider prefix 'olama'.*did you mean 'ollama\/'/.test(e.message));
  assert.throws(() => resolveModelSpec("grok/llama", { groq: true }), /did you mean 'groq\/'/);
  assert.throws(() => resolveModelSpec("foo/bar"), /unknown provider prefix 'foo'.*groq\/, openai\//);
  assert.throws(() => resolveModelSpec("llama3"), /no provider prefix; write e.g. groq\/llama3 or ollama\/llama3/);
  assert.throws(() => resolveModelSpec(""), /empty/);
  assert.throws(() => resolveModelSpec("groq/"), /names no model/);
  assert.throws(() => resolveModelSpec("openai-compatible/m"), (e: unknown) => e instanceof ModelSpecError && e.flag === "--base-url" && /needs the server's base URL/.test(e.message));
  assert.throws(() => resolveModelSpec("openai-compatible/m", { baseUrl: "localhost:8000" }), /--base-url: 'localhost:8000' must start with http/);
  assert.throws(() => resolveModelSpec("openai-compatible/m", { baseUrl: "http//oops" }), /--base-url: 'http\/\/oops' is not a valid URL/);
  assert.throws(() => resolveModelSpec("openai-compatible/m", { baseUrl: "ftp://h/v1" }), /must start with http/);
  assert.throws(() => resolveModelSpec("llamacpp/m.gguf", { baseUrl: "http://h" }), /does not apply to llamacpp/);
});

test("checkCredentials names every missing variable and the models that need it, before any work", () => {
  const specs = [resolveModelSpec("groq/a"), resolveModelSpec("openai/b"), resolveModelSpec("ollama/c"), resolveModelSpec("groq/d")];
  assert.throws(
    () => checkCredentials(specs, {}),
    (e: unknown) =>
      e instanceof MissingCredentialError &&
      e.variables.join() === "GROQ_API_KEY,OPENAI_API_KEY" &&
      e.message === "GROQ_API_KEY and OPENAI_API_KEY are not set; they are needed for groq/a, groq/d, openai/b. Set them in the environment or in a .env file.",
  );
  assert.throws(() => checkCredentials(specs, { groqApiKey: "gsk_x" }), /^MissingCredentialError: OPENAI_API_KEY is not set; it is needed for openai\/b/);
  checkCredentials(specs, { groqApiKey: "gsk_x", openaiApiKey: "sk-x" });
  checkCredentials([resolveModelSpec("ollama/c"), resolveModelSpec("llamacpp/m.gguf")], {});
});

test("lm() reports a missing key at construction, naming the variable", () => {
  const config = loadLMConfig({ env: {}, envFile: false });
  assert.throws(() => lm("groq/llama-3.3-70b-versatile", { config, cache: false }), /GROQ_API_KEY is not set; it is needed for groq\/llama-3.3-70b-versatile/);
  assert.throws(() => lm("openai/gpt-4o-mini", { config, cache: false }), /OPENAI_API_KEY is not set/);
});

test("configuration comes from the environment, then .env; the cache dir defaults per user", (t) => {
  const dir = tempDir("cfg", t);
  writeFileSync(join(dir, ".env"), "GROQ_API_KEY=gsk_fromfile\nOPENAI_API_KEY=sk-fromfile\nOLLAMA_HOST=localhost:12345\nGRIDTUNE_CACHE_DIR=cachehere\n");
  const c = loadLMConfig({ env: { OPENAI_API_KEY: "sk-fromenv", HOME: "/home/u" }, cwd: dir });
  assert.equal(c.groqApiKey, "gsk_fromfile");
  assert.equal(c.openaiApiKey, "sk-fromenv"); // the environment wins
  assert.equal(c.ollamaHost, "http://localhost:12345");
  assert.equal(c.cacheDir, join(dir, "cachehere"));
  assert.equal(c.groqBaseUrl, "https://api.groq.com/openai/v1");
  assert.equal(c.openaiBaseUrl, "https://api.openai.com/v1");
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: "/x/cache" }), "/x/cache/gridtune");
  assert.equal(defaultCacheDir({ HOME: "/home/u" }), "/home/u/.cache/gridtune");
  assert.equal(loadLMConfig({ env: { HOME: "/home/u" }, envFile: false }).cacheDir, "/home/u/.cache/gridtune");
  assert.equal(loadLMConfig({ env: { OLLAMA_HOST: "0.0.0.0" }, envFile: false }).ollamaHost, "http://127.0.0.1:11434");
  assert.throws(() => loadLMConfig({ env: { GROQ_BASE_URL: "not a url" }, envFile: false }), /GROQ_BASE_URL: 'not a url' is not a valid URL/);
});

test("configureLM keeps the original defaults per source", () => {
  const config = loadLMConfig({ env: { GROQ_API_KEY: "gsk_test", OPENAI_API_KEY: "sk-test" }, envFile: false });
  assert.equal(configureLM({ source: "local", config, cache: false }).model, "ollama/llama3.1:latest");
  assert.equal(configureLM({ source: "groq", config, cache: false }).model, "groq/llama-3.3-70b-versatile");
  assert.equal(configureLM({ source: "openai", config, cache: false }).model, "openai/gpt-4o-mini");
  assert.equal(configureLM({ source: "local", model: "qwen2.5:7b", config, cache: false }).model, "ollama/qwen2.5:7b");
  assert.throws(() => configureLM({ source: "azure" as "local", config }), /unknown LM source 'azure'/);
});
