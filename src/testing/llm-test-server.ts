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
import { DEFAULT_JOB_FAILURE, fineTuneFileError, jobEvents, newJob, pollJob, publicFile, publicJob } from "./llm-test-server-fine-tuning.js";
import { now, parseChat, parseMultipart, readRequest, sendJson, sendMaybeTruncated, sleepUnlessClosed } from "./llm-test-server-http.js";
import { ollamaChatResponse, ollamaModelInfo, ollamaShow, ollamaStream } from "./llm-test-server-ollama.js";
import { openaiCompletion, openaiError, openaiModelNotFound, openaiStream, openaiUnauthorized } from "./llm-test-server-openai.js";
import { quirkError, thinking } from "./llm-test-server-quirks.js";
import { RateLimitBuckets } from "./llm-test-server-rate-limit.js";
import { countTestTokens, mulberry32, replyFor } from "./llm-test-server-replies.js";
import type { LLMTestServerOptions, ModelQuirks, RequestLogEntry, ScriptedReply, TestChatRequest, TestFault, TestFile, TestFineTuningJob } from "./llm-test-server-types.js";

// The public surface, as before the split into modules by job.
export type {
  FineTuningOptions,
  LLMTestServerOptions,
  ModelQuirks,
  RateLimitMode,
  ReasoningStyle,
  RequestLogEntry,
  ScriptedReply,
  TestChatMessage,
  TestChatRequest,
  TestFault,
  TestFile,
  TestFineTuningJob,
  TestReply,
} from "./llm-test-server-types.js";
export { countTestTokens, exampleFromSchema } from "./llm-test-server-replies.js";
export { groqDuration } from "./llm-test-server-rate-limit.js";

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
  private readonly buckets = new RateLimitBuckets();
  /** Chat requests answered 429 by the rate-limit mode. */
  rateLimited = 0;

  private constructor(private readonly options: LLMTestServerOptions) {
    this.replies = [...(options.replies ?? [])];
    this.knownModels = options.models ? new Set(options.models) : undefined;
    for (const [m, q] of Object.entries(options.quirks ?? {})) this.quirks.set(m, q);
    this.rng = mulberry32(options.seed ?? 1);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: String(e) } });
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
  failNextJob(message = DEFAULT_JOB_FAILURE): this {
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
    const { entry, raw, path, contentType } = await readRequest(req, this.started);
    const body = entry.body;
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
      if (!this.knownModels) return sendJson(res, 404, openaiError("no model list on this server", "invalid_request_error", null));
      return sendJson(res, 200, { object: "list", data: this.modelList().map((id) => ({ id, object: "model", created: 0, owned_by: "test" })) });
    }
    if (m === "GET" && path === "/api/tags") {
      if (!this.knownModels) return sendJson(res, 404, { error: "no model list on this server" });
      return sendJson(res, 200, { models: this.modelList().map((name) => ollamaModelInfo(name)) });
    }
    if (m === "POST" && path === "/api/show") return this.show(res, body);
    if (m === "GET" && path === "/api/version") return sendJson(res, 200, { version: "0.6.4" });
    if (m === "POST" && path === "/v1/files") return this.uploadFile(res, raw, contentType);
    if (m === "GET" && path === "/v1/files") return sendJson(res, 200, { object: "list", data: [...this.files.values()].map(publicFile) });
    let mm = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
    if (mm && m === "GET") {
      const f = this.files.get(mm[1]!);
      if (!f) return sendJson(res, 404, openaiError(`No such File object: ${mm[1]}`, "invalid_request_error", "file_not_found"));
      if (mm[2]) {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        return void res.end(f.content);
      }
      return sendJson(res, 200, publicFile(f));
    }
    if (m === "POST" && path === "/v1/fine_tuning/jobs") return this.createJob(res, body);
    if (m === "GET" && path === "/v1/fine_tuning/jobs") return sendJson(res, 200, { object: "list", data: [...this.jobs.values()].reverse().map(publicJob), has_more: false });
    mm = /^\/v1\/fine_tuning\/jobs\/([^/]+)(\/events|\/cancel)?$/.exec(path);
    if (mm) {
      const job = this.jobs.get(mm[1]!);
      if (!job) return sendJson(res, 404, openaiError(`No fine-tuning job found with id ${mm[1]}`, "invalid_request_error", "fine_tune_not_found"));
      if (!mm[2] && m === "GET") return sendJson(res, 200, publicJob(this.poll(job)));
      if (mm[2] === "/events" && m === "GET") return sendJson(res, 200, { object: "list", data: jobEvents(job), has_more: false });
      if (mm[2] === "/cancel" && m === "POST") {
        if (job.status !== "succeeded" && job.status !== "failed") {
          job.status = "cancelled";
          job.finished_at = now();
        }
        return sendJson(res, 200, publicJob(job));
      }
    }
    sendJson(res, 404, { error: { message: `no route ${m} ${path}`, type: "invalid_request_error" } });
  }

  private modelList(): string[] {
    const all = this.knownModels ? [...this.knownModels] : ["test-model"];
    return all.filter((m) => !this.quirks.get(m)?.decommissioned && !this.quirks.get(m)?.missing);
  }

  private isKnown(model: string): boolean {
    return this.knownModels === undefined || this.knownModels.has(model);
  }

  private unauthorized(res: ServerResponse, sent: string): void {
    sendJson(res, 401, openaiUnauthorized(sent, this.options.echoKeyOn401 ?? "masked"));
  }

  private show(res: ServerResponse, body: unknown): void {
    const model = String((body as { model?: unknown; name?: unknown })?.model ?? (body as { name?: unknown })?.name ?? "");
    if (!this.isKnown(model)) return sendJson(res, 404, { error: `model '${model}' not found` });
    sendJson(res, 200, ollamaShow(model));
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
      if (fault?.kind === "body") return sendJson(res, fault.status, fault.body, fault.headers ?? {});
      const quirkAnswer = quirkError(api, chat, quirks, this.options.organization ?? "org_01test");
      if (quirkAnswer) return sendJson(res, quirkAnswer.status, quirkAnswer.body, quirkAnswer.headers ?? {});

      if (fault?.kind === "status") {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
        if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
        const message = fault.message ?? (fault.status === 429 ? "Rate limit reached; please try again later." : `injected HTTP ${fault.status}`);
        return sendJson(res, fault.status, api === "openai" ? openaiError(message, fault.status === 429 ? "rate_limit_exceeded" : "server_error", null) : { error: message }, headers);
      }
      if (!chat.model || !this.isKnown(chat.model)) {
        return api === "openai"
          ? sendJson(res, 404, openaiModelNotFound(chat.model))
          : sendJson(res, 404, { error: `model '${chat.model}' not found` });
      }
      if (fault?.kind === "malformed") {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end('{"id": "chatcmpl-broken", "choices": [ {"message": ');
      }
      const reply = replyFor(chat, this.replies, this.options.defaultReply);
      const promptTokens = reply.promptTokens ?? chat.messages.reduce((n, m) => n + countTestTokens(m.content), 0);
      const completionTokens = reply.completionTokens ?? countTestTokens(reply.text);
      const truncate = fault?.kind === "truncate";
      const limited = api === "openai" && this.options.rateLimit ? this.buckets.check(this.options.rateLimit, this.options.organization ?? "org_01test", chat, promptTokens + completionTokens) : undefined;
      if (limited && limited.status === 429) {
        this.rateLimited++;
        return sendJson(res, 429, limited.body, limited.headers);
      }
      if (quirks.jsonValidateFailed && api === "openai" && chat.responseFormat) {
        return sendJson(res, 400, {
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
        if (chat.stream) return openaiStream(res, entry, chat, `chatcmpl-${this.nextId++}`, thought.content, promptTokens, completionTokens, truncate);
        const body = openaiCompletion(chat.model, thought.content, promptTokens, completionTokens) as { choices: Array<{ message: Record<string, unknown> }> };
        if (thought.field) body.choices[0]!.message[thought.field] = thought.text;
        if (limited?.headers) for (const [k, v] of Object.entries(limited.headers)) res.setHeader(k, v);
        return sendMaybeTruncated(res, entry, 200, body, truncate);
      }
      if (chat.stream) return ollamaStream(res, entry, chat, thought.content, promptTokens, completionTokens, truncate);
      const body = ollamaChatResponse(chat.model, thought.content, promptTokens, completionTokens, true) as { message: Record<string, unknown> };
      if (thought.field) body.message[thought.field] = thought.text;
      return sendMaybeTruncated(res, entry, 200, body, truncate);
    } finally {
      this.inFlight--;
    }
  }

  /** The error a model's quirks call for, with the provider's real body; undefined when none. */
  private uploadFile(res: ServerResponse, raw: Buffer, contentType: string): void {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
    if (!boundary) return sendJson(res, 400, openaiError("expected multipart/form-data with a file", "invalid_request_error", null));
    const parts = parseMultipart(raw, boundary[1] ?? boundary[2]!);
    const file = parts.find((p) => p.name === "file");
    const purpose = parts.find((p) => p.name === "purpose")?.data.toString("utf8") ?? "";
    if (!file) return sendJson(res, 400, openaiError("'file' is a required property", "invalid_request_error", null));
    if (!purpose) return sendJson(res, 400, openaiError("'purpose' is a required property", "invalid_request_error", null));
    const content = file.data.toString("utf8");
    const bad = purpose === "fine-tune" ? fineTuneFileError(content) : undefined;
    if (bad) return sendJson(res, 400, openaiError(bad, "invalid_request_error", "invalid_file_format"));
    const f: TestFile = { id: `file-${this.nextId++}`, object: "file", bytes: file.data.length, created_at: now(), filename: file.filename ?? "upload", purpose, status: "processed", content };
    this.files.set(f.id, f);
    sendJson(res, 200, publicFile(f));
  }

  private createJob(res: ServerResponse, body: unknown): void {
    const b = (body ?? {}) as Record<string, unknown>;
    const model = typeof b.model === "string" ? b.model : "";
    const training = typeof b.training_file === "string" ? b.training_file : "";
    if (!model) return sendJson(res, 400, openaiError("'model' is a required property", "invalid_request_error", null));
    if (!this.files.has(training)) return sendJson(res, 400, openaiError(`invalid training_file: ${training}`, "invalid_request_error", "invalid_training_file"));
    if (!this.isKnown(model)) return sendJson(res, 404, openaiModelNotFound(model));
    const ft = this.options.fineTuning ?? {};
    const willFail = this.failNextJobMessage ?? (ft.fail ? (typeof ft.fail === "string" ? ft.fail : DEFAULT_JOB_FAILURE) : undefined);
    this.failNextJobMessage = undefined;
    const job = newJob(`ftjob-${this.nextId++}`, b, model, training, willFail);
    this.jobs.set(job.id, job);
    sendJson(res, 200, publicJob(job));
  }

  private poll(job: TestFineTuningJob): TestFineTuningJob {
    const model = pollJob(job, this.options.fineTuning?.pollsUntilDone ?? 2, this.files.get(job.training_file)?.content ?? "");
    if (model) this.addModel(model);
    return job;
  }
}
