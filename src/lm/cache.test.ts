import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ResponseCache, cacheKey } from "./cache.js";
import { tempDir } from "../testing/temp-dir.js";

const cacheModule = new URL("./cache.js", import.meta.url).href;
const msgs = [{ role: "user" as const, content: "hello" }];

test("the key covers the model, the messages and every sampling parameter, rolloutId included", () => {
  const base = cacheKey("groq/m", msgs, { temperature: 0.7, maxTokens: 100 });
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.equal(cacheKey("groq/m", msgs, { maxTokens: 100, temperature: 0.7 }), base); // order does not matter
  assert.equal(cacheKey("groq/m", msgs, { temperature: 0.7, maxTokens: 100, topP: undefined }), base);
  const variants = [
    cacheKey("groq/m2", msgs, { temperature: 0.7, maxTokens: 100 }),
    cacheKey("groq/m", [{ role: "user", content: "hello!" }], { temperature: 0.7, maxTokens: 100 }),
    cacheKey("groq/m", [{ role: "system", content: "hello" }], { temperature: 0.7, maxTokens: 100 }),
    cacheKey("groq/m", msgs, { temperature: 0.8, maxTokens: 100 }),
    cacheKey("groq/m", msgs, { temperature: 0.7, maxTokens: 101 }),
    cacheKey("groq/m", msgs, { temperature: 0.7, maxTokens: 100, topP: 0.9 }),
    cacheKey("groq/m", msgs, { temperature: 0.7, maxTokens: 100, stop: ["\n"] }),
    cacheKey("groq/m", msgs, { temperature: 0.7, maxTokens: 100, seed: 1 }),
    cacheKey("groq/m", msgs, { temperature: 0.7, maxTokens: 100, rolloutId: 1 }),
    cacheKey("groq/m", msgs, { temperature: 0.7, maxTokens: 100, rolloutId: "1" }),
    cacheKey("groq/m", msgs, { temperature: 0.7, maxTokens: 100, responseFormat: { type: "json_object" } }),
  ];
  assert.equal(new Set([base, ...variants]).size, variants.length + 1);
});

test("a stored reply comes back with its usage; the file survives reopening", (t) => {
  const dir = tempDir("cache", t);
  const path = ResponseCache.fileIn(dir);
  const c = new ResponseCache(path);
  const key = cacheKey("ollama/m", msgs, {});
  assert.equal(c.get(key), undefined);
  c.put(key, "ollama/m", { text: "hi there", usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 } });
  assert.deepEqual(c.get(key), { text: "hi there", usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 } });
  c.close();
  const again = new ResponseCache(path);
  assert.equal(again.get(key)?.text, "hi there");
  assert.equal(again.size(), 1);
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  db.close();
  again.close();
});

function runChild(code: string): { done: Promise<number | null>; kill: () => void; firstLine: Promise<void> } {
  const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  let resolveLine!: () => void;
  const firstLine = new Promise<void>((r) => (resolveLine = r));
  child.stdout.on("data", () => resolveLine());
  const done = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
  return { done, kill: () => child.kill("SIGKILL"), firstLine };
}

test("four processes writing at once lose nothing", async (t) => {
  const dir = tempDir("cache", t);
  const path = ResponseCache.fileIn(dir);
  const writer = (w: number) => `
    import { ResponseCache, cacheKey } from ${JSON.stringify(cacheModule)};
    const c = new ResponseCache(${JSON.stringify(path)});
    for (let i = 0; i < 150; i++) {
      c.put(cacheKey("m", [{ role: "user", content: "w${w}-" + i }], {}), "m", { text: "r${w}-" + i, usage: { promptTokens: i, completionTokens: 1, totalTokens: i + 1 } });
    }
    c.close();
  `;
  const codes = await Promise.all([0, 1, 2, 3].map((w) => runChild(writer(w)).done));
  assert.deepEqual(codes, [0, 0, 0, 0]);
  const c = new ResponseCache(path);
  assert.equal(c.size(), 600);
  assert.equal(c.get(cacheKey("m", [{ role: "user", content: "w3-149" }], {}))?.text, "r3-149");
  c.close();
});

test("a writer killed mid-write leaves a consistent file", async (t) => {
  const dir = tempDir("cache", t);
  const path = ResponseCache.fileIn(dir);
  const child = runChild(`
    import { ResponseCache, cacheKey } from ${JSON.stringify(cacheModule)};
    const c = new ResponseCache(${JSON.stringify(path)});
    const big = "x".repeat(20000);
    for (let i = 0; ; i++) {
      c.put(cacheKey("m", [{ role: "user", content: String(i) }], {}), "m", { text: big + i, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } });
      if (i === 50) console.log("writing");
    }
  `);
  await child.firstLine;
  await new Promise((r) => setTimeout(r, 100));
  child.kill();
  await child.done;
  const c = new ResponseCache(path);
  const db = new Database(path);
  assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
  const rows = db.prepare("SELECT text FROM responses").all() as { text: string }[];
  assert.ok(rows.length > 50);
  for (const r of rows) assert.match(r.text, /^x{20000}\d+$/);
  db.close();
  c.close();
});
