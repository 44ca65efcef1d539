/**
 * A real HTTP server on 127.0.0.1 that speaks enough of two LLM protocols for end-to-end tests:
 *
 * - OpenAI: `POST /v1/chat/completions` (JSON or server-sent-event streaming, with usage),
 *   `GET /v1/models`, and a fine-tuning subset — `POST /v1/files` (multipart upload),
 *   `GET /v1/files[/:id[/content]]`, `POST /v1/fine_tuning/jobs`, `GET /v1/fine_tuning/jobs[/:id[/events]]`,
 *   `POST /v1/fine_tuning/jobs/:id/cancel`. A job succeeds after N polls (its `ft:` model then
 *   answers chats) or fails on demand.
 * - Ollama: `POST /api/chat` (JSON or NDJSON streaming), `GET /api/tags`, `POST /api/show`, `GET /api/version`.
 *
 * Replies are scripted (by a substring or regex of the last user message, or a function of the
 * request), else a default (valid JSON for a JSON-schema request). Knobs: a fixed delay, queued
 * faults (`failNext`: status with Retry-After, dropped connection, truncated body, slow reply,
 * malformed JSON, a hung request), a fault rate drawn from a seeded RNG, unknown models answered
 * with 404, an optional API key (401 otherwise), and a request log. Token counts are
 * whitespace-separated words: prompt = words of every message, completion = words of the reply.
 * Without `models`, any model is known and there is no model list (`GET /v1/models` and
 * `/api/tags` answer 404, as on many OpenAI-compatible servers); with it, only those are listed.
 *
 * Provider behaviours, with the providers' real bodies and headers (`quirks` per model, or
 * `setQuirks(model, …)` at any time — the scripted-behaviour API for pipeline tests):
 *
 * - `decommissioned`: Groq's 400 `model_decommissioned` ("The model `…` has been decommissioned and
 *   is no longer supported. …"); the model is not in `GET /v1/models`;
 * - `missing`: 404 `model_not_found` (OpenAI) / Ollama's 404 "model '…' not found"; not listed in
 *   `/v1/models` nor `/api/tags`;
 * - `contextTokens: n`: a prompt over n tokens gets 400 `context_length_exceeded`;
 * - `requestTokenLimit: n`: a request over n tokens (prompt + max_tokens) gets Groq's 413 "Request
 *   too large for model `…` … on tokens per minute (TPM): Limit n, Requested m, …";
 * - `dailyQuota`: Groq's 429 "… on tokens per day (TPD) …" with `retry-after` ≈ 86 000 s;
 * - `jsonValidateFailed`: a JSON-mode request gets Groq's 400 `json_validate_failed` carrying the
 *   scripted reply as `failed_generation`;
 * - `reasoning: { style, text }`: a thinking model — "think-tags" (`<think>text</think>` before the
 *   answer in the content), "groq" (as Groq: `reasoning_format: "parsed"` → `message.reasoning`,
 *   "hidden" → none, else think tags), "reasoning_content" (vLLM/DeepSeek), "ollama-thinking"
 *   (`message.thinking`);
 * - `hang`: the request is never answered (until the client gives up).
 *
 * Rate-limit mode (`rateLimit: { requestsPerMinute, tokensPerMinute, requestsPerDay, minuteMs }`):
 * the server enforces the limits as token buckets (refilled continuously over `minuteMs`, default
 * 60 000 — a benchmark shrinks time) and answers as Groq does: every reply carries
 * `x-ratelimit-limit-requests` / `-remaining-requests` / `-reset-requests` (the per-day budget),
 * `x-ratelimit-limit-tokens` / `-remaining-tokens` / `-reset-tokens` (per minute) in Groq's
 * "2m59.56s" / "7.66s" form, and a request over a limit gets Groq's 429 `rate_limit_exceeded` body
 * with `retry-after`. A request costs its prompt and completion tokens (the server's word count).
 *
 * ```ts
 * const server = await LLMTestServer.start({ models: ["m"], replies: [{ match: "2+2", reply: "4" }] });
 * const model = lm("openai-compatible/m", { baseUrl: server.openaiBaseUrl, cache: false });
 * …
 * await server.close();
 * ```
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface TestChatMessage {
  role: string;
  content: string;
}

/** A chat request as the server understood it, from either protocol. */
export interface TestChatRequest {
  api: "openai" | "ollama";
  model: string;
  messages: TestChatMessage[];
  stream: boolean;
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  /** `{type: "json_schema", schema}` / `{type: "json_object"}` (OpenAI), or Ollama's `format` mapped the same way. */
  responseFormat?: { type: "json_schema"; schema: Record<string, unknown>; name?: string } | { type: "json_object" };
  /** The raw JSON body. */
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface TestReply {
  text: string;
  promptTokens?: number;
  completionTokens?: number;
}

export interface ScriptedReply {
  /** Substring or regex of the last user message, or a predicate; absent = every request. */
  match?: string | RegExp | ((req: TestChatRequest) => boolean);
  /** Only for this model. */
  model?: string;
  reply: string | TestReply | ((req: TestChatRequest) => string | TestReply);
  /** Use this many times, then drop it; default forever. */
  times?: number;
}

export type TestFault =
  /** Answer with this HTTP status (429 and 5xx with a JSON error body; Retry-After when given). */
  | { kind: "status"; status: number; retryAfter?: string; retryAfterMs?: number; message?: string }
  /** Close the connection without answering. */
  | { kind: "drop" }
  /** Send the headers and half of the body, then close the connection. */
  | { kind: "truncate" }
  /** Answer normally, but only after `ms` more. */
  | { kind: "delay"; ms: number }
  /** Answer 200 with a body that is not JSON. */
  | { kind: "malformed" }
  /** Never answer (the client's timeout must end it). */
  | { kind: "hang" }
  /** Answer with this status and exact JSON body (a provider's real error), and headers. */
  | { kind: "body"; status: number; body: unknown; headers?: Record<string, string> };

/** How a thinking model returns its thinking (see the file header). */
export type ReasoningStyle = "think-tags" | "groq" | "reasoning_content" | "ollama-thinking";

/** A model's provider behaviours (see the file header). */
export interface ModelQuirks {
  decommissioned?: boolean;
  missing?: boolean;
  contextTokens?: number;
  requestTokenLimit?: number;
  dailyQuota?: boolean | { retryAfterS: number };
  jsonValidateFailed?: boolean;
  reasoning?: { style: ReasoningStyle; text: string };
  hang?: boolean;
}

/** Rate limits the server enforces, with Groq's headers (see the file header). */
export interface RateLimitMode {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  requestsPerDay?: number;
  /** How long the server's minute is, in ms (default 60 000). */
  minuteMs?: number;
}

export interface FineTuningOptions {
  /** A job reports `succeeded` (or `failed`) at this poll of GET /v1/fine_tuning/jobs/:id; default 2. */
  pollsUntilDone?: number;
  /** Every job fails, with this message when a string. */
  fail?: boolean | string;
}

export interface LLMTestServerOptions {
  /** Models the server knows; others get 404 model-not-found. Default: any model is known. */
  models?: string[];
  replies?: ScriptedReply[];
  /** The reply when no script matches; default "test reply" (or JSON satisfying the requested schema). */
  defaultReply?: (req: TestChatRequest) => string | TestReply;
  /** Added before every chat reply, in ms. */
  delayMs?: number;
  /** Fraction of chat requests answered with a fault status (drawn from a seeded RNG). */
  faultRate?: number;
  /** The statuses random faults pick from; default [429, 500]. */
  faultStatuses?: number[];
  /** Retry-After sent with random 429s; default "0". */
  faultRetryAfter?: string;
  /** Seed of the fault RNG; default 1. */
  seed?: number;
  /** When set, /v1 requests must carry `Authorization: Bearer <apiKey>` (else 401). */
  apiKey?: string;
  /** The 401 body echoes the key sent: "masked" like OpenAI (`sk-ab***yz`) or "full" (a careless server). Default "masked". */
  echoKeyOn401?: "masked" | "full" | "none";
  fineTuning?: FineTuningOptions;
  /** Provider behaviours per model name (see the file header). */
  quirks?: Record<string, ModelQuirks>;
  /** Enforce rate limits with Groq's headers and 429s. */
  rateLimit?: RateLimitMode;
  /** The organisation named in Groq's rate-limit messages. */
  organization?: string;
  /** Port to listen on; default any free port. */
  port?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** Milliseconds since the server started. */
  at: number;
  /** The HTTP status sent, or "dropped" / "truncated" / "hung". */
  outcome?: number | "dropped" | "truncated" | "hung";
  /** For chat requests: the request as understood. */
  chat?: TestChatRequest;
}

export interface TestFile {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: "processed";
  content: string;
}

export interface TestFineTuningJob {
  id: string;
  object: "fine_tuning.job";
  model: string;
  created_at: number;
  finished_at: number | null;
  fine_tuned_model: string | null;
  organization_id: string;
  result_files: string[];
  status: "validating_files" | "queued" | "running" | "succeeded" | "failed" | "cancelled";
  trained_tokens: number | null;
  training_file: string;
  validation_file: string | null;
  hyperparameters: Record<string, unknown>;
  error: { code: string; message: string; param: string | null } | null;
  seed: number;
  suffix: string | null;
  /** Test-only: how often it has been polled. */
  polls: number;
  /** Test-only: whether this job will fail. */
  willFail: false | string;
}

/** Whitespace-separated words: the server's token count. */
export function countTestTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** A value satisfying a (simple) JSON schema: objects with their properties, first enum values, zeros, "x". */
export function exampleFromSchema(schema: unknown, defs: Record<string, unknown> = {}): unknown {
  if (!schema || typeof schema !== "object") return null;
  const s = schema as Record<string, unknown>;
  const allDefs = { ...defs, ...((s.$defs as Record<string, unknown>) ?? {}), ...((s.definitions as Record<string, unknown>) ?? {}) };
  if (typeof s.$ref === "string") {
    const name = s.$ref.split("/").pop()!;
    return exampleFromSchema(allDefs[name], allDefs);
  }
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  for (const k of ["anyOf", "oneOf", "allOf"]) if (Array.isArray(s[k]) && (s[k] as unknown[]).length > 0) return exampleFromSchema((s[k] as unknown[])[0], allDefs);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries((s.properties as Record<string, unknown>) ?? {})) out[k] = exampleFromSchema(v, allDefs);
      return out;
    }
    case "array":
      return s.minItems ? Array.from({ length: Number(s.minItems) }, () => exampleFromSchema(s.items, allDefs)) : [];
    case "string":
      return "x".repeat(Math.max(1, Number(s.minLength ?? 1)));
    case "integer":
    case "number":
      return typeof s.minimum === "number" ? s.minimum : 0;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return s.properties ? exampleFromSchema({ ...s, type: "object" }, allDefs) : null;
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class LLMTestServer {
  /** Every request received, in order. */
  readonly requests: RequestLogEntry[] = [];
  readonly files = new Map<string, TestFile>();
  readonly jobs = new Map<string, TestFineTuningJob>();
  /** Chat requests being answered right now, and the most at once so far. */
  inFlight = 0;
  maxInFlight = 0;

  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly started = Date.now();
  private readonly faults: TestFault[] = [];
  private readonly replies: ScriptedReply[];
  private readonly knownModels: Set<string> | undefined;
  private rng: () => number;
  private nextId = 1;
  private failNextJobMessage: string | undefined;
  private readonly quirks = new Map<string, ModelQuirks>();
  private buckets: { requests: number; tokens: number; day: number; at: number } | undefined;
  /** Chat requests answered 429 by the rate-limit mode. */
  rateLimited = 0;

  private constructor(private readonly options: LLMTestServerOptions) {
    this.replies = [...(options.replies ?? [])];
    this.knownModels = options.models ? new Set(options.models) : undefined;
    for (const [m, q] of Object.entries(options.quirks ?? {})) this.quirks.set(m, q);
    this.rng = mulberry32(options.seed ?? 1);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) this.json(res, 500, { error: { message: String(e) } });
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 1000;
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  /** Starts a server on 127.0.0.1 (a free port unless `port` is given). */
  static async start(options: LLMTestServerOptions = {}): Promise<LLMTestServer> {
    const s = new LLMTestServer(options);
    await new Promise<void>((resolve, reject) => {
      s.server.once("error", reject);
      s.server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** http://127.0.0.1:<port> — Ollama's host. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** http://127.0.0.1:<port>/v1 — the OpenAI base URL. */
  get openaiBaseUrl(): string {
    return `${this.url}/v1`;
  }

  /** Same as `url`. */
  get ollamaHost(): string {
    return this.url;
  }

  /** The chat requests received (both protocols), in order. */
  get chatRequests(): TestChatRequest[] {
    return this.requests.flatMap((r) => (r.chat ? [r.chat] : []));
  }

  /** The next chat requests get these faults, one each, in order. */
  failNext(...faults: TestFault[]): this {
    this.faults.push(...faults);
    return this;
  }

  addReply(reply: ScriptedReply): this {
    this.replies.push(reply);
    return this;
  }

  addModel(name: string): this {
    this.knownModels?.add(name);
    return this;
  }

  setDelay(ms: number): this {
    this.options.delayMs = ms;
    return this;
  }

  /** Random faults from now on, with a fresh RNG of `seed`. */
  setFaultRate(rate: number, statuses?: number[], seed?: number): this {
    this.options.faultRate = rate;
    if (statuses) this.options.faultStatuses = statuses;
    this.rng = mulberry32(seed ?? this.options.seed ?? 1);
    return this;
  }

  /** Sets (replaces) a model's provider behaviours; `{}` clears them. */
  setQuirks(model: string, quirks: ModelQuirks): this {
    this.quirks.set(model, quirks);
    return this;
  }

  /** Chat requests only, of one model (to count LM calls spent). */
  chatCallsTo(model?: string): number {
    return this.chatRequests.filter((c) => model === undefined || c.model === model).length;
  }

  /** The next fine-tuning job created fails with this message. */
  failNextJob(message = "training failed: the training file has invalid examples"): this {
    this.failNextJobMessage = message;
    return this;
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  // -------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const contentType = String(req.headers["content-type"] ?? "");
    let body: unknown = raw.toString("utf8");
    if (contentType.includes("application/json") || (raw.length > 0 && (raw[0] === 0x7b || raw[0] === 0x5b))) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        // keep the text
      }
    }
    const entry: RequestLogEntry = { method: req.method ?? "GET", path, headers: { ...req.headers }, body, at: Date.now() - this.started };
    this.requests.push(entry);
    res.on("finish", () => (entry.outcome ??= res.statusCode));

    if (path.startsWith("/v1/") && this.options.apiKey !== undefined) {
      const auth = String(req.headers.authorization ?? "");
      if (auth !== `Bearer ${this.options.apiKey}`) return this.unauthorized(res, auth.replace(/^Bearer\s+/i, ""));
    }
    const m = req.method ?? "GET";
    if (m === "POST" && path === "/v1/chat/completions") return this.chat(res, entry, "openai");
    if (m === "POST" && path === "/api/chat") return this.chat(res, entry, "ollama");
    // A server that knows any model has no list to give (like many OpenAI-compatible servers): 404.
    if (m === "GET" && path === "/v1/models") {
      if (!this.knownModels) return this.json(res, 404, openaiError("no model list on this server", "invalid_request_error", null));
      return this.json(res, 200, { object: "list", data: this.modelList().map((id) => ({ id, object: "model", created: 0, owned_by: "test" })) });
    }
    if (m === "GET" && path === "/api/tags") {
      if (!this.knownModels) return this.json(res, 404, { error: "no model list on this server" });
      return this.json(res, 200, { models: this.modelList().map((name) => ollamaModelInfo(name)) });
    }
    if (m === "POST" && path === "/api/show") return this.show(res, body);
    if (m === "GET" && path === "/api/version") return this.json(res, 200, { version: "0.6.4" });
    if (m === "POST" && path === "/v1/files") return this.uploadFile(res, raw, contentType);
    if (m === "GET" && path === "/v1/files") return this.json(res, 200, { object: "list", data: [...this.files.values()].map(publicFile) });
    let mm = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
    if (mm && m === "GET") {
      const f = this.files.get(mm[1]!);
      if (!f) return this.json(res, 404, openaiError(`No such File object: ${mm[1]}`, "invalid_request_error", "file_not_found"));
      if (mm[2]) {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        return void res.end(f.content);
      }
      return this.json(res, 200, publicFile(f));
    }
    if (m === "POST" && path === "/v1/fine_tuning/jobs") return this.createJob(res, body);
    if (m === "GET" && path === "/v1/fine_tuning/jobs") return this.json(res, 200, { object: "list", data: [...this.jobs.values()].reverse().map(publicJob), has_more: false });
    mm = /^\/v1\/fine_tuning\/jobs\/([^/]+)(\/events|\/cancel)?$/.exec(path);
    if (mm) {
      const job = this.jobs.get(mm[1]!);
      if (!job) return this.json(res, 404, openaiError(`No fine-tuning job found with id ${mm[1]}`, "invalid_request_error", "fine_tune_not_found"));
      if (!mm[2] && m === "GET") return this.json(res, 200, publicJob(this.poll(job)));
      if (mm[2] === "/events" && m === "GET") return this.json(res, 200, { object: "list", data: jobEvents(job), has_more: false });
      if (mm[2] === "/cancel" && m === "POST") {
        if (job.status !== "succeeded" && job.status !== "failed") {
          job.status = "cancelled";
          job.finished_at = now();
        }
        return this.json(res, 200, publicJob(job));
      }
    }
    this.json(res, 404, { error: { message: `no route ${m} ${path}`, type: "invalid_request_error" } });
  }

  private modelList(): string[] {
    const all = this.knownModels ? [...this.knownModels] : ["test-model"];
    return all.filter((m) => !this.quirks.get(m)?.decommissioned && !this.quirks.get(m)?.missing);
  }

  private isKnown(model: string): boolean {
    return this.knownModels === undefined || this.knownModels.has(model);
  }

  private unauthorized(res: ServerResponse, sent: string): void {
    const echo = this.options.echoKeyOn401 ?? "masked";
    const shown = echo === "full" ? sent : echo === "masked" && sent.length > 8 ? `${sent.slice(0, 3)}***${sent.slice(-4)}` : "";
    this.json(res, 401, openaiError(`Incorrect API key provided${shown ? `: ${shown}` : ""}. You can find your API key in your account settings.`, "invalid_request_error", "invalid_api_key"));
  }

  private show(res: ServerResponse, body: unknown): void {
    const model = String((body as { model?: unknown; name?: unknown })?.model ?? (body as { name?: unknown })?.name ?? "");
    if (!this.isKnown(model)) return this.json(res, 404, { error: `model '${model}' not found` });
    this.json(res, 200, {
      modelfile: `FROM ${model}`,
      parameters: "",
      template: "{{ .Prompt }}",
      details: ollamaModelInfo(model).details,
      model_info: { "general.architecture": "llama" },
      capabilities: ["completion"],
    });
  }

  private async chat(res: ServerResponse, entry: RequestLogEntry, api: "openai" | "ollama"): Promise<void> {
    const body = (entry.body && typeof entry.body === "object" ? entry.body : {}) as Record<string, unknown>;
    const chat = parseChat(api, body, entry.headers);
    entry.chat = chat;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      let fault = this.faults.shift();
      if (!fault && this.options.faultRate && this.rng() < this.options.faultRate) {
        const statuses = this.options.faultStatuses ?? [429, 500];
        const status = statuses[Math.floor(this.rng() * statuses.length)]!;
        fault = { kind: "status", status, ...(status === 429 ? { retryAfter: this.options.faultRetryAfter ?? "0" } : {}) };
      }
      let delay = this.options.delayMs ?? 0;
      if (fault?.kind === "delay") delay += fault.ms;
      if (delay > 0) {
        const gone = await sleepUnlessClosed(delay, res);
        if (gone) {
          entry.outcome = "dropped";
          return;
        }
      }
      if (fault?.kind === "drop") {
        entry.outcome = "dropped";
        res.socket?.destroy();
        return;
      }
      const quirks = this.quirks.get(chat.model) ?? {};
      if (fault?.kind === "hang" || quirks.hang) {
        entry.outcome = "hung";
        await new Promise<void>((resolve) => res.once("close", () => resolve()));
        return;
      }
      if (fault?.kind === "body") return this.json(res, fault.status, fault.body, fault.headers ?? {});
      const quirkAnswer = this.quirkError(api, chat, quirks);
      if (quirkAnswer) return this.json(res, quirkAnswer.status, quirkAnswer.body, quirkAnswer.headers ?? {});

      if (fault?.kind === "status") {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
        const message = fault.message ?? (fault.status === 429 ? "Rate limit reached; please try again later." : `injected HTTP ${fault.status}`);
        return this.json(res, fault.status, api === "openai" ? openaiError(message, fault.status === 429 ? "rate_limit_exceeded" : "server_error", null) : { error: message }, headers);
      }
      if (!chat.model || !this.isKnown(chat.model)) {
        return api === "openai"
          ? this.json(res, 404, openaiError(`The model \`${chat.model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found"))
          : this.json(res, 404, { error: `model '${chat.model}' not found` });
      }
      if (fault?.kind === "malformed") {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end('{"id": "chatcmpl-broken", "choices": [ {"message": ');
      }
      const reply = this.replyFor(chat);
      const promptTokens = reply.promptTokens ?? chat.messages.reduce((n, m) => n + countTestTokens(m.content), 0);
      const completionTokens = reply.completionTokens ?? countTestTokens(reply.text);
      const truncate = fault?.kind === "truncate";
      const limited = api === "openai" ? this.rateLimitCheck(chat, promptTokens + completionTokens) : undefined;
      if (limited && limited.status === 429) {
        this.rateLimited++;
        return this.json(res, 429, limited.body, limited.headers);
      }
      if (quirks.jsonValidateFailed && api === "openai" && chat.responseFormat) {
        return this.json(res, 400, {
          error: {
            message: "Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.",
            type: "invalid_request_error",
            code: "json_validate_failed",
            failed_generation: reply.text,
          },
        }, limited?.headers ?? {});
      }
      const thought = thinking(api, chat, quirks, reply.text);
      if (api === "openai") {
        if (chat.stream) return this.openaiStream(res, entry, chat, thought.content, promptTokens, completionTokens, truncate);
        const body = openaiCompletion(chat.model, thought.content, promptTokens, completionTokens) as { choices: Array<{ message: Record<string, unknown> }> };
        if (thought.field) body.choices[0]!.message[thought.field] = thought.text;
        if (limited?.headers) for (const [k, v] of Object.entries(limited.headers)) res.setHeader(k, v);
        return this.sendMaybeTruncated(res, entry, 200, body, truncate);
      }
      if (chat.stream) return this.ollamaStream(res, entry, chat, thought.content, promptTokens, completionTokens, truncate);
      const body = ollamaChatResponse(chat.model, thought.content, promptTokens, completionTokens, true) as { message: Record<string, unknown> };
      if (thought.field) body.message[thought.field] = thought.text;
      return this.sendMaybeTruncated(res, entry, 200, body, truncate);
    } finally {
      this.inFlight--;
    }
  }

  /** The error a model's quirks call for, with the provider's real body; undefined when none. */
  private quirkError(api: "openai" | "ollama", chat: TestChatRequest, q: ModelQuirks): { status: number; body: unknown; headers?: Record<string, string> } | undefined {
    const model = chat.model;
    const org = this.options.organization ?? "org_01test";
    if (q.missing) {
      return api === "openai"
        ? { status: 404, body: openaiError(`The model \`${model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found") }
        : { status: 404, body: { error: `model '${model}' not found` } };
    }
    if (q.decommissioned) {
      return {
        status: 400,
        body: openaiError(
          `The model \`${model}\` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.`,
          "invalid_request_error",
          "model_decommissioned",
        ),
      };
    }
    const promptTokens = chat.messages.reduce((n, m) => n + countTestTokens(m.content), 0);
    if (q.requestTokenLimit !== undefined && promptTokens + (chat.maxTokens ?? 0) > q.requestTokenLimit) {
      return {
        status: 413,
        body: {
          error: {
            message: `Request too large for model \`${model}\` in organization \`${org}\` service tier \`on_demand\` on tokens per minute (TPM): Limit ${q.requestTokenLimit}, Requested ${promptTokens + (chat.maxTokens ?? 0)}, please reduce your message size and try again. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing`,
            type: "tokens",
            code: "rate_limit_exceeded",
          },
        },
      };
    }
    if (q.contextTokens !== undefined && promptTokens > q.contextTokens) {
      return api === "openai"
        ? { status: 400, body: { error: { message: "Please reduce the length of the messages or completion.", type: "invalid_request_error", param: "messages", code: "context_length_exceeded" } } }
        : { status: 400, body: { error: `the input length exceeds the context length (${promptTokens} > ${q.contextTokens})` } };
    }
    if (q.dailyQuota) {
      const wait = typeof q.dailyQuota === "object" ? q.dailyQuota.retryAfterS : 86_000;
      const h = Math.floor(wait / 3600);
      const m = Math.floor((wait % 3600) / 60);
      const sec = wait % 60;
      return {
        status: 429,
        body: {
          error: {
            message: `Rate limit reached for model \`${model}\` in organization \`${org}\` service tier \`on_demand\` on tokens per day (TPD): Limit 100000, Used 99912, Requested 1203. Please try again in ${h}h${m}m${sec}s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing`,
            type: "tokens",
            code: "rate_limit_exceeded",
          },
        },
        headers: { "retry-after": String(wait) },
      };
    }
    return undefined;
  }

  /** Rate-limit mode: takes a request's tokens and answers with Groq's headers, or its 429. */
  private rateLimitCheck(chat: TestChatRequest, tokens: number): { status: number; body?: unknown; headers: Record<string, string> } | undefined {
    const rl = this.options.rateLimit;
    if (!rl) return undefined;
    const minute = rl.minuteMs ?? 60_000;
    const rpm = rl.requestsPerMinute ?? Infinity;
    const tpm = rl.tokensPerMinute ?? Infinity;
    const rpd = rl.requestsPerDay ?? 14_400;
    const t = Date.now();
    const b = (this.buckets ??= { requests: rpm, tokens: tpm, day: rpd, at: t });
    const dt = t - b.at;
    b.at = t;
    if (Number.isFinite(rpm)) b.requests = Math.min(rpm, b.requests + (dt * rpm) / minute);
    if (Number.isFinite(tpm)) b.tokens = Math.min(tpm, b.tokens + (dt * tpm) / minute);
    b.day = Math.min(rpd, b.day + (dt * rpd) / (minute * 60 * 24));
    const headers = (): Record<string, string> => ({
      "x-ratelimit-limit-requests": String(rpd),
      "x-ratelimit-remaining-requests": String(Math.max(0, Math.floor(b.day))),
      "x-ratelimit-reset-requests": groqDuration(((rpd - b.day) / rpd) * minute * 60 * 24),
      ...(Number.isFinite(tpm)
        ? {
            "x-ratelimit-limit-tokens": String(tpm),
            "x-ratelimit-remaining-tokens": String(Math.max(0, Math.floor(b.tokens))),
            "x-ratelimit-reset-tokens": groqDuration(((tpm - Math.max(0, b.tokens)) / tpm) * minute),
          }
        : {}),
    });
    const org = this.options.organization ?? "org_01test";
    if (b.requests < 1) {
      const wait = ((1 - b.requests) / rpm) * minute;
      return {
        status: 429,
        body: { error: { message: `Rate limit reached for model \`${chat.model}\` in organization \`${org}\` service tier \`on_demand\` on requests per minute (RPM): Limit ${rpm}, Used ${rpm}, Requested 1. Please try again in ${groqDuration(wait)}. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing`, type: "requests", code: "rate_limit_exceeded" } },
        headers: { ...headers(), "retry-after": String(Math.ceil(wait / 1000)) },
      };
    }
    if (b.tokens < tokens && Number.isFinite(tpm)) {
      const wait = ((tokens - b.tokens) / tpm) * minute;
      return {
        status: 429,
        body: { error: { message: `Rate limit reached for model \`${chat.model}\` in organization \`${org}\` service tier \`on_demand\` on tokens per minute (TPM): Limit ${tpm}, Used ${Math.round(tpm - b.tokens)}, Requested ${tokens}. Please try again in ${groqDuration(wait)}. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing`, type: "tokens", code: "rate_limit_exceeded" } },
        headers: { ...headers(), "retry-after": String(Math.ceil(wait / 1000)) },
      };
    }
    b.requests -= 1;
    b.tokens -= tokens;
    b.day -= 1;
    return { status: 200, headers: headers() };
  }

  private replyFor(chat: TestChatRequest): TestReply {
    const lastUser = [...chat.messages].reverse().find((m) => m.role === "user")?.content ?? "";
    for (let i = 0; i < this.replies.length; i++) {
      const r = this.replies[i]!;
      if (r.model !== undefined && r.model !== chat.model) continue;
      const ok =
        r.match === undefined ? true : typeof r.match === "string" ? lastUser.includes(r.match) : r.match instanceof RegExp ? r.match.test(lastUser) : r.match(chat);
      if (!ok) continue;
      if (r.times !== undefined && --r.times <= 0) this.replies.splice(i, 1);
      const v = typeof r.reply === "function" ? r.reply(chat) : r.reply;
      return typeof v === "string" ? { text: v } : v;
    }
    if (this.options.defaultReply) {
      const v = this.options.defaultReply(chat);
      return typeof v === "string" ? { text: v } : v;
    }
    if (chat.responseFormat?.type === "json_schema") return { text: JSON.stringify(exampleFromSchema(chat.responseFormat.schema)) };
    if (chat.responseFormat?.type === "json_object") return { text: '{"answer": "test reply"}' };
    return { text: "test reply" };
  }

  private sendMaybeTruncated(res: ServerResponse, entry: RequestLogEntry, status: number, value: unknown, truncate: boolean): void {
    const text = JSON.stringify(value);
    if (!truncate) return this.json(res, status, value);
    entry.outcome = "truncated";
    res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) });
    res.write(text.slice(0, Math.floor(text.length / 2)));
    setTimeout(() => res.socket?.destroy(), 5);
  }

  private openaiStream(res: ServerResponse, entry: RequestLogEntry, chat: TestChatRequest, text: string, p: number, c: number, truncate: boolean): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const id = `chatcmpl-${this.nextId++}`;
    const created = now();
    const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: chat.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const pieces = splitPieces(text);
    res.write(chunk({ role: "assistant", content: "" }, null));
    if (truncate) {
      entry.outcome = "truncated";
      if (pieces[0]) res.write(chunk({ content: pieces[0] }, null));
      setTimeout(() => res.socket?.destroy(), 5);
      return;
    }
    for (const piece of pieces) res.write(chunk({ content: piece }, null));
    res.write(chunk({}, "stop"));
    const opts = chat.body.stream_options as { include_usage?: boolean } | undefined;
    if (opts?.include_usage) {
      res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: chat.model, choices: [], usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c } })}\n\n`);
    }
    res.end("data: [DONE]\n\n");
  }

  private ollamaStream(res: ServerResponse, entry: RequestLogEntry, chat: TestChatRequest, text: string, p: number, c: number, truncate: boolean): void {
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    const pieces = splitPieces(text);
    if (truncate) {
      entry.outcome = "truncated";
      res.write(JSON.stringify(ollamaChatResponse(chat.model, pieces[0] ?? "", 0, 0, false)) + "\n");
      setTimeout(() => res.socket?.destroy(), 5);
      return;
    }
    for (const piece of pieces) res.write(JSON.stringify(ollamaChatResponse(chat.model, piece, 0, 0, false)) + "\n");
    res.end(JSON.stringify(ollamaChatResponse(chat.model, "", p, c, true)) + "\n");
  }

  private uploadFile(res: ServerResponse, raw: Buffer, contentType: string): void {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
    if (!boundary) return this.json(res, 400, openaiError("expected multipart/form-data with a file", "invalid_request_error", null));
    const parts = parseMultipart(raw, boundary[1] ?? boundary[2]!);
    const file = parts.find((p) => p.name === "file");
    const purpose = parts.find((p) => p.name === "purpose")?.data.toString("utf8") ?? "";
    if (!file) return this.json(res, 400, openaiError("'file' is a required property", "invalid_request_error", null));
    if (!purpose) return this.json(res, 400, openaiError("'purpose' is a required property", "invalid_request_error", null));
    const content = file.data.toString("utf8");
    if (purpose === "fine-tune") {
      const bad = content
        .split("\n")
        .filter((l) => l.trim() !== "")
        .findIndex((l) => {
          try {
            const v = JSON.parse(l) as { messages?: unknown };
            return !Array.isArray(v.messages);
          } catch {
            return true;
          }
        });
      if (bad >= 0) return this.json(res, 400, openaiError(`Invalid file format: line ${bad + 1} is not a JSON object with "messages"`, "invalid_request_error", "invalid_file_format"));
    }
    const f: TestFile = { id: `file-${this.nextId++}`, object: "file", bytes: file.data.length, created_at: now(), filename: file.filename ?? "upload", purpose, status: "processed", content };
    this.files.set(f.id, f);
    this.json(res, 200, publicFile(f));
  }

  private createJob(res: ServerResponse, body: unknown): void {
    const b = (body ?? {}) as Record<string, unknown>;
    const model = typeof b.model === "string" ? b.model : "";
    const training = typeof b.training_file === "string" ? b.training_file : "";
    if (!model) return this.json(res, 400, openaiError("'model' is a required property", "invalid_request_error", null));
    if (!this.files.has(training)) return this.json(res, 400, openaiError(`invalid training_file: ${training}`, "invalid_request_error", "invalid_training_file"));
    if (!this.isKnown(model)) return this.json(res, 404, openaiError(`The model \`${model}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found"));
    const ft = this.options.fineTuning ?? {};
    const willFail = this.failNextJobMessage ?? (ft.fail ? (typeof ft.fail === "string" ? ft.fail : "training failed: the training file has invalid examples") : undefined);
    this.failNextJobMessage = undefined;
    const method = b.method as { supervised?: { hyperparameters?: Record<string, unknown> } } | undefined;
    const job: TestFineTuningJob = {
      id: `ftjob-${this.nextId++}`,
      object: "fine_tuning.job",
      model,
      created_at: now(),
      finished_at: null,
      fine_tuned_model: null,
      organization_id: "org-test",
      result_files: [],
      status: "validating_files",
      trained_tokens: null,
      training_file: training,
      validation_file: typeof b.validation_file === "string" ? b.validation_file : null,
      hyperparameters: (b.hyperparameters as Record<string, unknown>) ?? method?.supervised?.hyperparameters ?? { n_epochs: "auto" },
      error: null,
      seed: typeof b.seed === "number" ? b.seed : 42,
      suffix: typeof b.suffix === "string" ? b.suffix : null,
      polls: 0,
      willFail: willFail ?? false,
    };
    this.jobs.set(job.id, job);
    this.json(res, 200, publicJob(job));
  }

  private poll(job: TestFineTuningJob): TestFineTuningJob {
    if (job.status === "succeeded" || job.status === "failed" || job.status === "cancelled") return job;
    job.polls++;
    const until = this.options.fineTuning?.pollsUntilDone ?? 2;
    if (job.polls < until) {
      job.status = job.polls === 1 && until > 2 ? "queued" : "running";
      return job;
    }
    job.finished_at = now();
    if (job.willFail) {
      job.status = "failed";
      job.error = { code: "invalid_training_file", message: job.willFail, param: "training_file" };
      return job;
    }
    job.status = "succeeded";
    job.fine_tuned_model = `ft:${job.model}:gridtune:${job.suffix ?? "custom"}:${job.id.replace(/\D/g, "")}`;
    job.trained_tokens = countTestTokens(this.files.get(job.training_file)?.content ?? "");
    job.result_files = [];
    this.addModel(job.fine_tuned_model);
    return job;
  }

  private json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(value);
    res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }
}

function parseChat(api: "openai" | "ollama", body: Record<string, unknown>, headers: Record<string, string | string[] | undefined>): TestChatRequest {
  const messages = Array.isArray(body.messages)
    ? (body.messages as Array<Record<string, unknown>>).map((m) => ({ role: String(m.role), content: typeof m.content === "string" ? m.content : JSON.stringify(m.content) }))
    : [];
  const chat: TestChatRequest = { api, model: typeof body.model === "string" ? body.model : "", messages, stream: false, body, headers };
  const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
  const stops = (v: unknown): string[] | undefined => (typeof v === "string" ? [v] : Array.isArray(v) ? v.map(String) : undefined);
  const set = <K extends keyof TestChatRequest>(k: K, v: TestChatRequest[K] | undefined): void => {
    if (v !== undefined) chat[k] = v;
  };
  if (api === "openai") {
    chat.stream = body.stream === true;
    set("temperature", num(body.temperature));
    set("maxTokens", num(body.max_completion_tokens) ?? num(body.max_tokens));
    set("topP", num(body.top_p));
    set("stop", stops(body.stop));
    set("seed", num(body.seed));
    const rf = body.response_format as { type?: string; json_schema?: { name?: string; schema?: Record<string, unknown> } } | undefined;
    if (rf?.type === "json_schema") chat.responseFormat = { type: "json_schema", schema: rf.json_schema?.schema ?? {}, ...(rf.json_schema?.name ? { name: rf.json_schema.name } : {}) };
    else if (rf?.type === "json_object") chat.responseFormat = { type: "json_object" };
  } else {
    chat.stream = body.stream !== false; // Ollama streams unless told not to
    const o = (body.options ?? {}) as Record<string, unknown>;
    set("temperature", num(o.temperature));
    set("maxTokens", num(o.num_predict));
    set("topP", num(o.top_p));
    set("stop", stops(o.stop));
    set("seed", num(o.seed));
    if (body.format === "json") chat.responseFormat = { type: "json_object" };
    else if (body.format && typeof body.format === "object") chat.responseFormat = { type: "json_schema", schema: body.format as Record<string, unknown> };
  }
  return chat;
}

/** Groq's duration form: "2m59.56s", "7.66s", "120ms". */
export function groqDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const m = Math.floor(ms / 60_000);
  const s = (ms % 60_000) / 1000;
  return m > 0 ? `${m}m${s.toFixed(2)}s` : `${s.toFixed(2)}s`;
}

/** Where a thinking model's thought goes: into the content as think tags, or a separate field. */
function thinking(api: "openai" | "ollama", chat: TestChatRequest, q: ModelQuirks, answer: string): { content: string; field?: string; text?: string } {
  const r = q.reasoning;
  if (!r) return { content: answer };
  const tags = { content: `<think>${r.text}</think>\n${answer}` };
  switch (r.style) {
    case "think-tags":
      return tags;
    case "groq": {
      const format = chat.body.reasoning_format;
      if (chat.body.include_reasoning === true || format === "parsed") return { content: answer, field: "reasoning", text: r.text };
      if (format === "hidden" || chat.body.include_reasoning === false) return { content: answer };
      return tags;
    }
    case "reasoning_content":
      return { content: answer, field: "reasoning_content", text: r.text };
    case "ollama-thinking":
      return api === "ollama" ? { content: answer, field: "thinking", text: r.text } : tags;
  }
}

function openaiCompletion(model: string, text: string, p: number, c: number): unknown {
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2, 10)}`,
    object: "chat.completion",
    created: now(),
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c },
  };
}

function ollamaChatResponse(model: string, text: string, p: number, c: number, done: boolean): Record<string, unknown> {
  const r: Record<string, unknown> = { model, created_at: new Date().toISOString(), message: { role: "assistant", content: text }, done };
  if (done) Object.assign(r, { done_reason: "stop", total_duration: 1000, load_duration: 10, prompt_eval_count: p, prompt_eval_duration: 100, eval_count: c, eval_duration: 100 });
  return r;
}

function ollamaModelInfo(name: string) {
  return {
    name,
    model: name,
    modified_at: new Date(0).toISOString(),
    size: 1000,
    digest: "0".repeat(64),
    details: { parent_model: "", format: "gguf", family: "llama", families: ["llama"], parameter_size: "1M", quantization_level: "F32" },
  };
}

function openaiError(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

function publicFile(f: TestFile) {
  const { content: _content, ...rest } = f;
  return rest;
}

function publicJob(j: TestFineTuningJob) {
  const { polls: _p, willFail: _w, ...rest } = j;
  return rest;
}

function jobEvents(job: TestFineTuningJob) {
  const events = [{ object: "fine_tuning.job.event", id: `ftevent-${job.id}-0`, created_at: job.created_at, level: "info", message: "Validating training file", data: {}, type: "message" }];
  if (job.status === "succeeded") events.push({ ...events[0]!, id: `ftevent-${job.id}-1`, message: "The job has successfully completed" });
  if (job.status === "failed") events.push({ ...events[0]!, id: `ftevent-${job.id}-1`, level: "error", message: job.error?.message ?? "failed" });
  return events.reverse();
}

function splitPieces(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 4) out.push(text.slice(i, i + 4));
  return out;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Waits `ms`; resolves true early if the client went away. */
function sleepUnlessClosed(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      res.off("close", onClose);
      resolve(false);
    }, ms);
    const onClose = (): void => {
      clearTimeout(t);
      resolve(true);
    };
    res.once("close", onClose);
  });
}

interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

function parseMultipart(raw: Buffer, boundary: string): MultipartPart[] {
  const parts: MultipartPart[] = [];
  const delim = Buffer.from(`--${boundary}`);
  let pos = raw.indexOf(delim);
  while (pos >= 0) {
    const start = pos + delim.length;
    if (raw.slice(start, start + 2).toString() === "--") break;
    const next = raw.indexOf(delim, start);
    if (next < 0) break;
    const part = raw.slice(start + 2, next - 2); // skip CRLF after the delimiter and before the next
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd >= 0) {
      const headers = part.slice(0, headerEnd).toString("utf8");
      const name = /name="([^"]*)"/.exec(headers)?.[1] ?? "";
      const filename = /filename="([^"]*)"/.exec(headers)?.[1];
      parts.push({ name, ...(filename !== undefined ? { filename } : {}), data: part.slice(headerEnd + 4) });
    }
    pos = next;
  }
  return parts;
}
