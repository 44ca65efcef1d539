/**
 * The one LM interface everything above src/lm/ talks to:
 * `chat(messages, options) → {text, usage, cached}`.
 */

export type MessageRole = "system" | "user" | "assistant";

/** One chat message: a role (`system`, `user`, `assistant`) and its text. */
export interface ChatMessage {
  role: MessageRole;
  content: string;
}

/** Who is calling, for usage and cost accounting. */
export type LMRole = "teacher" | "student" | "assessor" | "proposer" | (string & {});

/**
 * Options of one {@link LM} call: sampling settings, a rollout id, a response format, the role it is
 * accounted to, cache bypass and a signal.
 */
export interface ChatOptions {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  /** Distinguishes otherwise identical requests so a fresh sample is drawn; part of the cache key. */
  rolloutId?: number | string;
  /** Structured output: a JSON schema the reply must satisfy, where the provider supports it. */
  responseFormat?: { type: "json_schema"; name: string; schema: Record<string, unknown> } | { type: "json_object" };
  /** The role this call is made for (teacher, student, assessor, proposer). */
  role?: LMRole;
  /** Skip reading the cache (the answer is still written to it). */
  noCache?: boolean;
  signal?: AbortSignal;
}

/** Tokens a call used: prompt, completion and total. */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** An LM's answer: the text, the usage, whether it came from the cache, and the model. */
export interface ChatResult {
  text: string;
  usage: Usage;
  /** True when the answer came from the response cache (and cost nothing). */
  cached: boolean;
  /** The model id as given to the factory, e.g. `groq/llama-3.3-70b-versatile`. */
  model: string;
  /**
   * A reasoning model's thinking, taken out of the answer (`<think>…</think>`, Groq's `reasoning`,
   * `reasoning_content`, Ollama's `thinking`); `text` is only the final answer.
   */
  reasoning?: string;
  /** Set when `text` is what the server rejected (Groq's `json_validate_failed` `failed_generation`). */
  recovered?: "json_validate_failed";
}

/**
 * The one interface every language model implements: `chat(messages, options)`. Make one with {@link lm}
 * or {@link configureLM}.
 */
export interface LM {
  /** The full model id, e.g. `groq/llama-3.3-70b-versatile`, `ollama/llama3.1:70b`, `llamacpp/./m.gguf`. */
  readonly model: string;
  /** Provider name: groq | openai | openai-compatible | ollama | llamacpp | fake. */
  readonly provider: string;
  /** Whether `responseFormat: json_schema` is enforced by the provider. */
  readonly supportsStructuredOutput: boolean;
  chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult>;
}
