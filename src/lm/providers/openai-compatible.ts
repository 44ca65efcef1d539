/**
 * OpenAI-compatible chat completions through the official `openai` SDK: Groq (its /openai/v1
 * endpoint), OpenAI, and any server with a base URL (vLLM, llama.cpp server, LM Studio, …).
 * The SDK's own retries are off; one call here is exactly one HTTP request.
 */
import OpenAI from "openai";
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import type { ProviderName } from "../model-spec.js";
import { AuthenticationError, BadRequestError, ModelNotFoundError, ProviderFailure, redactSecrets } from "../errors.js";
import { parseRetryAfter } from "../retry.js";
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
      const r = await this.client.chat.completions.create(body as unknown as ChatCompletionCreateParamsNonStreaming, { signal: req.signal });
      const choice = r.choices?.[0];
      if (!choice) throw new ProviderFailure("truncated", "the reply has no choices", { retryable: true });
      const text = choice.message?.content ?? "";
      return { text, usage: usageOrEstimate(r.usage?.prompt_tokens, r.usage?.completion_tokens, req.messages, text) };
    } catch (e) {
      throw this.translate(e);
    }
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
    return body;
  }

  private async completeStreaming(body: Record<string, unknown>, req: ProviderRequest): Promise<ProviderResponse> {
    const stream = await this.client.chat.completions.create(
      { ...(body as unknown as ChatCompletionCreateParamsStreaming), stream: true, stream_options: { include_usage: true } },
      { signal: req.signal },
    );
    let text = "";
    let finished = false;
    let promptTokens: number | undefined;
    let completionTokens: number | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) text += choice.delta.content;
      if (choice?.finish_reason) finished = true;
      if (chunk.usage) {
        promptTokens = chunk.usage.prompt_tokens;
        completionTokens = chunk.usage.completion_tokens;
      }
    }
    if (!finished) throw new ProviderFailure("truncated", "the reply stream ended before the answer was finished", { retryable: true });
    return { text, usage: usageOrEstimate(promptTokens, completionTokens, req.messages, text) };
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
    if (e instanceof OpenAI.APIError && typeof e.status === "number") {
      const status = e.status;
      const detail = apiErrorDetail(e);
      if (status === 429 || status === 408 || status === 409 || status >= 500) {
        const retryAfterMs = parseRetryAfter(e.headers);
        return new ProviderFailure("status", `HTTP ${status}${detail ? `: ${detail}` : ""}`, {
          status,
          retryable: true,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        });
      }
      if (status === 401 || status === 403) return new AuthenticationError(this.opts.modelId, status, this.opts.apiKeyVariable, detail);
      if (status === 404) {
        if (e.code === "model_not_found" || /model/i.test(detail)) return new ModelNotFoundError(this.opts.model, this.server, detail);
        return new BadRequestError(this.opts.modelId, status, `${detail || "not found"}; is the base URL ${this.server} right (it usually ends in /v1)?`);
      }
      return new BadRequestError(this.opts.modelId, status, detail);
    }
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
}

function apiErrorDetail(e: InstanceType<typeof OpenAI.APIError>): string {
  const body = e.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const m = typeof body?.message === "string" ? body.message : typeof body?.error?.message === "string" ? body.error.message : "";
  return redactSecrets(m || e.message.replace(/^\d{3}\s*/, ""));
}
