/**
 * The response cache: one SQLite file (`<cacheDir>/lm-cache.sqlite`), safe with many writers
 * (WAL journal, busy timeout) and across crashes (every write is a transaction).
 *
 * The key is a SHA-256 of the model id, the messages and every sampling parameter, `rolloutId`
 * included — never the API key or the base URL. A row holds the reply text and its token usage.
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import type { ChatMessage, ChatOptions, Usage } from "./types.js";

const SCHEMA_VERSION = 1;

/** A reply stored in the response cache: its text and the usage it cost when first made. */
export interface CachedResponse {
  text: string;
  usage: Usage;
}

/** The sampling parameters that go into the key (everything in ChatOptions that changes the answer). */
export type CacheKeyOptions = Pick<ChatOptions, "temperature" | "maxTokens" | "topP" | "stop" | "seed" | "rolloutId" | "responseFormat">;

/** A stable JSON: object keys sorted, undefined members dropped. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** The cache key of one request. `model` is the canonical model id (e.g. `groq/llama-3.3-70b-versatile`). */
export function cacheKey(model: string, messages: readonly ChatMessage[], options: CacheKeyOptions): string {
  const material = canonicalJson({
    v: SCHEMA_VERSION,
    model,
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    temperature: options.temperature,
    maxTokens: options.maxTokens,
    topP: options.topP,
    stop: options.stop,
    seed: options.seed,
    rolloutId: options.rolloutId,
    responseFormat: options.responseFormat,
  });
  return createHash("sha256").update(material).digest("hex");
}

/**
 * The SQLite response cache every {@link ManagedLM} reads first: keyed by model, messages and sampling
 * options, so a repeated request costs nothing.
 */
export class ResponseCache {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<[string], { text: string; prompt_tokens: number; completion_tokens: number }>;
  private readonly putTx: (key: string, model: string, value: CachedResponse) => void;
  private closed = false;

  constructor(path: string, options: { busyTimeoutMs?: number } = {}) {
    this.path = resolve(path);
    mkdirSync(dirname(this.path), { recursive: true });
    this.db = new Database(this.path, { timeout: options.busyTimeoutMs ?? 15_000 });
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS responses (
        key TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        text TEXT NOT NULL,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.getStmt = this.db.prepare("SELECT text, prompt_tokens, completion_tokens FROM responses WHERE key = ?");
    const put = this.db.prepare(
      "INSERT OR REPLACE INTO responses (key, model, text, prompt_tokens, completion_tokens, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.putTx = this.db.transaction((key: string, model: string, value: CachedResponse) => {
      put.run(key, model, value.text, value.usage.promptTokens, value.usage.completionTokens, Date.now());
    });
  }

  /** The cache file under a cache directory. */
  static fileIn(cacheDir: string): string {
    return join(cacheDir, "lm-cache.sqlite");
  }

  get(key: string): CachedResponse | undefined {
    if (this.closed) return undefined;
    const row = this.getStmt.get(key);
    if (!row) return undefined;
    return {
      text: row.text,
      usage: { promptTokens: row.prompt_tokens, completionTokens: row.completion_tokens, totalTokens: row.prompt_tokens + row.completion_tokens },
    };
  }

  put(key: string, model: string, value: CachedResponse): void {
    if (this.closed) return;
    this.putTx(key, model, value);
  }

  /** Rows in the cache. */
  size(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM responses").get() as { n: number }).n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (openCaches.get(this.path) === this) openCaches.delete(this.path);
    this.db.close();
  }
}

const openCaches = new Map<string, ResponseCache>();
let exitHookInstalled = false;

/** One open cache per file per process (closed at exit, so the WAL is checkpointed). */
export function openCache(path: string): ResponseCache {
  const full = resolve(path);
  let c = openCaches.get(full);
  if (!c) {
    c = new ResponseCache(full);
    openCaches.set(full, c);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once("exit", () => {
        for (const cache of [...openCaches.values()]) cache.close();
      });
    }
  }
  return c;
}
