/**
 * OpenAI-compatible chat completions through the official `openai` SDK: Groq (its /openai/v1
 * endpoint), OpenAI, and any server with a base URL (vLLM, llama.cpp server, LM Studio, …).
 * The SDK's own retries are off; one call here is exactly one HTTP request.
 */
import OpenAI from "openai";
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import type { ProviderName } from "../model-spec.js";
import {
  AuthenticationError,
  BadRequestError,
  ContextLengthError,
  ModelDecommissionedError,
  ModelNotFoundError,
  ProviderFailure,
  QuotaExceededError,
  RequestTooLargeError,
  redactSecrets,
} from "../errors.js";
import { parseRetryAfter } from "../retry.js";
import { parseRateLimitHeaders, parseResetDuration } from "../rate-limit-headers.js";
import { groqReasoningParams, joinReasoning } from "../reasoning.js";
import { fetchWithoutTimeouts } from "./http-fetch.js";
import type { Provider, ProviderRequest, ProviderResponse } from "./provider.js";
import { causeChainMessage, systemErrorCode, usageOrEstimate } from "./provider.js";

export interface OpenAICompatibleOptions {
  name: Extract<ProviderName, "groq" | "openai" | "openai-compatible">;
  /** The model name the server knows (without the provider prefix). */
  model: string;
  /** The canonical id, for messages. */
  modelId: string;
  baseUrl: string;
  apiKey: string | undefined;
  /** The variable the key came from, for messages. */
  apiKeyVariable?: string;
  /** Stream the reply (server-sent events) instead of one JSON body. */
  stream?: boolean;
  /** Whether `json_schema` response formats are sent as such (else downgraded to `json_object`). */
  structuredOutput?: boolean;
}

/** Groq models documented to accept `response_format: json_schema` (others take json_object). */
const GROQ_JSON_SCHEMA_MODELS = [/^openai\/gpt-oss-/, /^moonshotai\/kimi-k2/, /^meta-llama\/llama-4-/];

export function groqSupportsJsonSchema(model: string): boolean {
  return GROQ_JSON_SCHEMA_MODELS.some((re) => re.test(model));
}

/** Groq's named replacements for models it has decommissioned (console.groq.com/docs/deprecations). */
export const GROQ_REPLACEMENTS: Readonly<Record<string, string>> = {
  "deepseek-r1-distill-llama-70b": "llama-3.3-70b-versatile",
  "llama3-70b-8192": "llama-3.3-70b-versatile",
  "llama3-8b-8192": "llama-3.1-8b-instant",
  "llama-3.1-70b-versatile": "llama-3.3-70b-versatile",
  "gemma2-9b-it": "llama-3.1-8b-instant",
};

/** A message's reasoning in a separate field: Groq's `reasoning`, the common `reasoning_content`. */
function reasoningField(message: unknown): string | undefined {
  const m = message as { reasoning?: unknown; reasoning_content?: unknown } | undefined;
  return joinReasoning(typeof m?.reasoning === "string" ? m.reasoning : undefined, typeof m?.reasoning_content === "string" ? m.reasoning_content : undefined);
}

export class OpenAICompatibleProvider implements Provider {
  readonly name: OpenAICompatibleOptions["name"];
  readonly server: string;
  readonly supportsStructuredOutput: boolean;
  readonly unreachableHint?: string;
  private readonly client: OpenAI;

  constructor(private readonly opts: OpenAICompatibleOptions) {
    this.name = opts.name;
    this.server = opts.baseUrl;
    this.supportsStructuredOutput = opts.structuredOutput ?? (opts.name === "groq" ? groqSupportsJsonSchema(opts.model) : true);
    if (opts.name === "openai-compatible") this.unreachableHint = "is the server running, and is the base URL right?";
    this.client = new OpenAI({
      apiKey: opts.apiKey ?? "no-key",
      baseURL: opts.baseUrl,
      maxRetries: 0,
      // No undici header/body timeouts: the LM runtime's per-request timeout is the only one.
      fetch: fetchWithoutTimeouts,
      // Our own per-attempt timeout aborts the request; this one only backs it up.
      timeout: 24 * 3600 * 1000,
      logLevel: "warn",
      logger: {
        error: (msg: string) => process.stderr.write(redactSecrets(`openai: ${msg}`) + "\n"),
        warn: (msg: string) => process.stderr.write(redactSecrets(`openai: ${msg}`) + "\n"),
        info: () => {},
        debug: () => {},
      },
    });
  }

  async complete(req: ProviderRequest): Promise<ProviderResponse> {
    const body = this.body(req);
    try {
      if (this.opts.stream) return await this.completeStreaming(body, req);
      const { data: r, response } = await this.client.chat.completions
        .create(body as unknown as ChatCompletionCreateParamsNonStreaming, { signal: req.signal })
        .withResponse();
      const rateLimit = parseRateLimitHeaders(response.headers);
      const choice = r.choices?.[0];
      if (!choice) throw new ProviderFailure("truncated", "the reply has no choices", { retryable: true, ...(rateLimit ? { rateLimit } : {}) });
      const text = choice.message?.content ?? "";
      const reasoning = reasoningField(choice.message);
      return {
        text,
        usage: usageOrEstimate(r.usage?.prompt_tokens, r.usage?.completion_tokens, req.messages, text),
        ...(reasoning ? { reasoning } : {}),
        ...(rateLimit ? { rateLimit } : {}),
      };
    } catch (e) {
      const recovered = this.failedGeneration(e, req);
      if (recovered) return recovered;
      throw this.translate(e);
    }
  }

  /** The models the server lists at GET /models; undefined when it has no such route (404/405). */
  async listModels(signal?: AbortSignal): Promise<string[] | undefined> {
    try {
      const ids: string[] = [];
      for await (const m of this.client.models.list({ ...(signal ? { signal } : {}) })) ids.push(m.id);
      return ids;
    } catch (e) {
      if (e instanceof OpenAI.APIError && (e.status === 404 || e.status === 405)) return undefined;
      throw this.translate(e);
    }
  }

  /** Groq's 400 json_validate_failed: the model's reply is in `failed_generation`; hand it to the parser. */
  private failedGeneration(e: unknown, req: ProviderRequest): ProviderResponse | undefined {
    if (!(e instanceof OpenAI.APIError) || e.status !== 400) return undefined;
    const err = errorBody(e);
    if (err.code !== "json_validate_failed" || typeof err.failed_generation !== "string") return undefined;
    const text = err.failed_generation;
    const rateLimit = parseRateLimitHeaders(e.headers);
    return { text, usage: usageOrEstimate(undefined, undefined, req.messages, text), recovered: "json_validate_failed", ...(rateLimit ? { rateLimit } : {}) };
  }

  private body(req: ProviderRequest): Record<string, unknown> {
    const body: Record<string, unknown> = { model: this.opts.model, messages: req.messages };
    if (req.temperature !== undefined) body.temperature = req.temperature;
    if (req.maxTokens !== undefined) body[this.opts.name === "openai" ? "max_completion_tokens" : "max_tokens"] = req.maxTokens;
    if (req.topP !== undefined) body.top_p = req.topP;
    if (req.stop !== undefined && req.stop.length > 0) body.stop = req.stop;
    if (req.seed !== undefined) body.seed = req.seed;
    const rf = req.responseFormat;
    if (rf?.type === "json_schema") {
      body.response_format = this.supportsStructuredOutput
        ? { type: "json_schema", json_schema: { name: rf.name, schema: rf.schema } }
        : { type: "json_object" };
    } else if (rf?.type === "json_object") body.response_format = { type: "json_object" };
    if (this.opts.name === "groq") Object.assign(body, groqReasoningParams(this.opts.model));
    return body;
  }

  private async completeStreaming(body: Record<string, unknown>, req: ProviderRequest): Promise<ProviderResponse> {
    const stream = await this.client.chat.completions.create(
      { ...(body as unknown as ChatCompletionCreateParamsStreaming), stream: true, stream_options: { include_usage: true } },
      { signal: req.signal },
    );
    let text = "";
    let reasoning = "";
    let finished = false;
    let promptTokens: number | undefined;
    let completionTokens: number | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) text += choice.delta.content;
      const thought = reasoningField(choice?.delta);
      if (thought) reasoning += thought;
      if (choice?.finish_reason) finished = true;
      if (chunk.usage) {
        promptTokens = chunk.usage.prompt_tokens;
        completionTokens = chunk.usage.completion_tokens;
      }
    }
    if (!finished) throw new ProviderFailure("truncated", "the reply stream ended before the answer was finished", { retryable: true });
    return { text, usage: usageOrEstimate(promptTokens, completionTokens, req.messages, text), ...(reasoning ? { reasoning } : {}) };
  }

  /** SDK errors → ProviderFailure (retryable) or a user-facing error (not retryable). */
  private translate(e: unknown): unknown {
    if (e instanceof ProviderFailure) return e;
    if (e instanceof OpenAI.APIUserAbortError) return e; // the LM layer decides: timeout or caller abort
    if (e instanceof OpenAI.APIConnectionTimeoutError) return new ProviderFailure("timeout", "the request timed out", { retryable: true });
    if (e instanceof OpenAI.APIConnectionError) {
      const code = systemErrorCode(e);
      return new ProviderFailure("connection", `connection failed: ${causeChainMessage(e)}${code && !causeChainMessage(e).includes(code) ? ` (${code})` : ""}`, {
        retryable: true,
        ...(code ? { code } : {}),
      });
    }
    if (e instanceof OpenAI.APIError && typeof e.status === "number") return this.classify(e, e.status);
    // A body cut short or not JSON after the headers came: undici's "terminated", a JSON SyntaxError.
    if (e instanceof SyntaxError) return new ProviderFailure("truncated", `the reply body was not valid JSON (${e.message})`, { retryable: true });
    if (e instanceof Error && (e.name === "TypeError" || e.name === "AbortError") && /terminated|fetch failed|socket|other side closed|premature/i.test(causeChainMessage(e))) {
      const code = systemErrorCode(e);
      return new ProviderFailure("truncated", `the connection dropped while reading the reply: ${causeChainMessage(e)}`, {
        retryable: true,
        ...(code ? { code } : {}),
      });
    }
    return e;
  }

  /**
   * Retryable: 408, 409, 429 with a short wait, 5xx. Fatal: 400 (decommissioned, not found, context
   * length, anything else), 401/403, 404, 413, a 429 that is a quota (`insufficient_quota`).
   * A 429 whose Retry-After is too long becomes fatal in the retry layer.
   */
  private classify(e: InstanceType<typeof OpenAI.APIError>, status: number): unknown {
    const detail = apiErrorDetail(e);
    const err = errorBody(e);
    const code = typeof err.code === "string" ? err.code : typeof e.code === "string" ? e.code : "";
    const rateLimit = parseRateLimitHeaders(e.headers);
    const id = this.opts.modelId;
    if (status === 429 && code === "insufficient_quota") return new QuotaExceededError(id, undefined, 0, detail);
    if (status === 429 || status === 408 || status === 409 || status >= 500) {
      const retryAfterMs = parseRetryAfter(e.headers) ?? (status === 429 ? tryAgainIn(detail) : undefined);
      return new ProviderFailure("status", `HTTP ${status}${detail ? `: ${detail}` : ""}`, {
        status,
        retryable: true,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        ...(rateLimit ? { rateLimit } : {}),
      });
    }
    if (status === 401 || status === 403) return new AuthenticationError(id, status, this.opts.apiKeyVariable, detail);
    if (code === "model_decommissioned") {
      return new ModelDecommissionedError(this.opts.model, this.server, detail, this.opts.name === "groq" ? GROQ_REPLACEMENTS[this.opts.model] : undefined);
    }
    if (code === "model_not_found" || (status === 404 && /model/i.test(detail))) return new ModelNotFoundError(this.opts.model, this.server, detail);
    if (status === 404) return new BadRequestError(id, status, `${detail || "not found"}; is the base URL ${this.server} right (it usually ends in /v1)?`);
    if (status === 413) {
      const m = /Limit\s+(\d+),\s*Requested\s+(\d+)/i.exec(detail);
      return new RequestTooLargeError(id, detail, m ? Number(m[1]) : undefined, m ? Number(m[2]) : undefined);
    }
    if (code === "context_length_exceeded" || /maximum context length|context length|context window|too many tokens|prompt is too long/i.test(detail)) {
      return new ContextLengthError(id, status, detail);
    }
    return new BadRequestError(id, status, detail);
  }
}

/** The failure policy for an HTTP status (src/lm/README.md "Failure policy"). */
export interface OpenAIErrorBody {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  failed_generation?: unknown;
}

function errorBody(e: InstanceType<typeof OpenAI.APIError>): OpenAIErrorBody {
  const body = e.error as (OpenAIErrorBody & { error?: OpenAIErrorBody }) | undefined;
  if (body && typeof body === "object" && body.error && typeof body.error === "object") return body.error;
  return body && typeof body === "object" ? body : {};
}

/** "Please try again in 23h52m10.5s." → ms. */
function tryAgainIn(detail: string): number | undefined {
  const m = /try again in\s+([\dhms.]+?)\.?(?:\s|$)/i.exec(detail);
  return m ? parseResetDuration(m[1]) : undefined;
}

function apiErrorDetail(e: InstanceType<typeof OpenAI.APIError>): string {
  const body = e.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const m = typeof body?.message === "string" ? body.message : typeof body?.error?.message === "string" ? body.error.message : "";
  return redactSecrets(m || e.message.replace(/^\d{3}\s*/, ""));
}
