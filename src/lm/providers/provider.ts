/**
 * What the LM layer asks of a provider: one request, one attempt, no retries, no cache. A provider
 * throws `ProviderFailure` for a failure the retry layer may retry (429, 5xx, timeout, dropped
 * connection) and a user-facing LMError (ModelNotFoundError, AuthenticationError, …) for one it may not.
 */
import type { ChatMessage, ChatOptions, Usage } from "../types.js";
import type { ProviderName } from "../model-spec.js";
import type { RateLimitHeaders } from "../rate-limit-headers.js";

/**
 * One chat request as a provider receives it: the messages, sampling options, response format and a
 * signal.
 */
export interface ProviderRequest {
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  responseFormat?: ChatOptions["responseFormat"];
  /** Aborts on the caller's signal and on the per-attempt timeout. */
  signal: AbortSignal;
}

/** A provider's answer: the text, the token usage, and what else the server said. */
export interface ProviderResponse {
  text: string;
  usage: Usage;
  /** Thinking the server returned in a separate field (Groq's `reasoning`, `reasoning_content`, Ollama's `thinking`). */
  reasoning?: string;
  /** The response's rate-limit headers, for the limiter. */
  rateLimit?: RateLimitHeaders;
  /**
   * Set when the text is not a normal answer but what the server rejected: Groq's 400
   * `json_validate_failed` carries the model's reply as `failed_generation`, which the adapter can
   * still parse.
   */
  recovered?: "json_validate_failed";
}

/**
 * One model behind one protocol; {@link ManagedLM} adds the cache, limits, retries and usage around it.
 * Pass your own as `lm(id, { provider })`.
 */
export interface Provider {
  readonly name: ProviderName;
  /** The server, for messages (a URL, or the model file for llamacpp). */
  readonly server: string;
  readonly supportsStructuredOutput: boolean;
  /** A hint for the unreachable-host error. */
  readonly unreachableHint?: string;
  complete(request: ProviderRequest): Promise<ProviderResponse>;
  dispose?(): Promise<void>;
  /** The models the server serves (for preflight); undefined when it has no list (HTTP 404/405). */
  listModels?(signal?: AbortSignal): Promise<string[] | undefined>;
}

/** The system error code under an error (`e.cause.code`, `e.cause.cause.code`, …), e.g. ECONNRESET. */
export function systemErrorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === "object"; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && /^(E[A-Z_]+|UND_ERR_[A-Z_]+)$/.test(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Every message along an error's cause chain, joined: "fetch failed: connect ECONNREFUSED 127.0.0.1:1". */
export function causeChainMessage(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    const m = cur instanceof Error ? cur.message : typeof cur === "string" ? cur : "";
    if (m && m !== "Connection error." && !parts.includes(m)) parts.push(m);
    cur = cur && typeof cur === "object" ? (cur as { cause?: unknown }).cause : undefined;
  }
  return parts.join(": ") || String(e);
}

/** Usage from a reply, or an estimate (four characters a token) when the server sent none. */
export function usageOrEstimate(promptTokens: number | undefined, completionTokens: number | undefined, messages: ChatMessage[], text: string): Usage {
  const p = promptTokens ?? Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
  const c = completionTokens ?? Math.ceil(text.length / 4);
  return { promptTokens: p, completionTokens: c, totalTokens: p + c };
}
