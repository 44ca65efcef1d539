/** The {@link LLMTestServer}'s public types: requests as understood, scripted replies, faults, quirks, options, the log. */
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
