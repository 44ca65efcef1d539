/**
 * `lm(modelId, options)`: an LM with the machinery around a provider, in this order —
 * response cache → rate limiter → retries with backoff → per-attempt timeout → provider — and
 * usage/cost recorded for every call. The answer's reasoning is taken out (src/lm/reasoning.ts).
 *
 * `lm()` alone makes a self-contained LM (its own limiter and usage tracker unless given); a run
 * makes its LMs with an {@link LMRuntime} (src/lm/runtime.ts), which shares limiters, llama.cpp
 * models, the usage meter, settings and the cache between them.
 */
import type { ChatMessage, ChatOptions, ChatResult, LM, LMRole, Usage } from "./types.js";
import type { LMConfig } from "./config.js";
import { loadLMConfig } from "./config.js";
import type { ModelSpec, ProviderName } from "./model-spec.js";
import { credentialVariable, resolveModelSpec } from "./model-spec.js";
import { BadRequestError, FatalLMError, LMError, MissingCredentialError, ModelSpecError, ProviderFailure, UnreachableHostError, registerSecret } from "./errors.js";
import type { RetryOptions } from "./retry.js";
import { DEFAULT_RETRY, withRetry } from "./retry.js";
import type { RateLimits } from "./rate-limiter.js";
import { DEFAULT_LIMITS, RateLimiter, estimateTokens } from "./rate-limiter.js";
import { ResponseCache, cacheKey, openCache } from "./cache.js";
import { UsageTracker } from "./usage.js";
import { joinReasoning, splitReasoning } from "./reasoning.js";
import { knobFor } from "./knobs.js";
import type { Provider, ProviderRequest } from "./providers/provider.js";
import { OpenAICompatibleProvider } from "./providers/openai-compatible.js";
import { OllamaProvider } from "./providers/ollama.js";
import type { LlamaCppOptions } from "./providers/llamacpp.js";
import { LlamaCppProvider, defaultModelsDir } from "./providers/llamacpp.js";

/** Sampling settings an LM sends on every call unless the call sets its own. */
export type SamplingDefaults = Pick<ChatOptions, "temperature" | "maxTokens" | "topP" | "stop" | "seed">;

/**
 * Options of {@link lm}: role, provider selection, endpoint and key, cache, usage tracker, retries, rate
 * limits, timeout, sampling defaults and llama.cpp settings.
 */
export interface LMOptions {
  /** The role calls are accounted to when a call names none; also picks the provider of a bare id. */
  role?: LMRole;
  /** For a bare id: the original pipeline's `--<role>-groq` (true → Groq, false → Ollama). */
  groq?: boolean;
  /** The server (required for openai-compatible/; overrides the default for groq/, openai/, ollama/). */
  baseUrl?: string;
  /** The API key; default from GROQ_API_KEY / OPENAI_API_KEY / OPENAI_COMPATIBLE_API_KEY. */
  apiKey?: string;
  /** Environment configuration; default `loadLMConfig()` (process.env + ./.env). */
  config?: LMConfig;
  /** The response cache: true (default) for `<cacheDir>/lm-cache.sqlite`, false for none, or an open cache. */
  cache?: boolean | ResponseCache;
  /** Usage and cost go here; default a tracker of this LM's own (`lm.usage`). */
  usage?: UsageTracker;
  /** Retry policy; default 8 attempts, 1 s base delay doubling to 30 s (`DEFAULT_RETRY`). */
  retry?: Partial<RetryOptions>;
  /** Overrides the provider's default limits (concurrency, requests and tokens per minute). */
  limits?: Partial<RateLimits>;
  /** The limiter to wait on (an LMRuntime shares one per server); default one of this LM's own. */
  limiter?: RateLimiter;
  /** Per-attempt timeout in ms; default 120 s for Groq/OpenAI, 300 s for other servers, 600 s for local models. */
  timeoutMs?: number;
  /** Stream replies (OpenAI-compatible providers only). */
  stream?: boolean;
  /** Sampling defaults for every call (a call's own options win). */
  defaults?: SamplingDefaults;
  /** Embedded llama.cpp settings (threads, GPU, context size, …). */
  llamacpp?: LlamaCppOptions;
  /** Use this provider instead of building one (tests, fakes). */
  provider?: Provider;
  /** Receives one line per retry; default silent. */
  log?: (line: string) => void;
  /** Told the duration of every provider request (one attempt, limiter waits excluded). */
  onRequest?: (ms: number) => void;
}

const ZERO_USAGE: Usage = Object.freeze({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });

const DEFAULT_TIMEOUT_MS: Record<ProviderName, number> = {
  groq: 120_000,
  openai: 120_000,
  "openai-compatible": 300_000,
  ollama: 600_000,
  llamacpp: 600_000,
};

/** An LM with cache, limiter, retries, timeout and usage around a provider. */
export class ManagedLM implements LM {
  readonly model: string;
  readonly provider: string;
  readonly supportsStructuredOutput: boolean;
  private cacheValue: ResponseCache | undefined | null;

  constructor(
    readonly spec: ModelSpec,
    private readonly backend: Provider,
    private readonly parts: {
      cache: ResponseCache | string | undefined;
      limiter: RateLimiter;
      retry: RetryOptions;
      timeoutMs: number;
      usage: UsageTracker;
      role: LMRole | undefined;
      defaults: SamplingDefaults;
      log: ((line: string) => void) | undefined;
      onRequest?: ((ms: number) => void) | undefined;
    },
  ) {
    this.model = spec.id;
    this.provider = spec.provider;
    this.supportsStructuredOutput = backend.supportsStructuredOutput;
    this.cacheValue = parts.cache instanceof ResponseCache ? parts.cache : parts.cache === undefined ? null : undefined;
  }

  /** The usage tracker this LM reports to. */
  get usage(): UsageTracker {
    return this.parts.usage;
  }

  /** The limiter this LM waits on (an LMRuntime shares it between every LM of the same provider and server). */
  get limiter(): RateLimiter {
    return this.parts.limiter;
  }

  /** The provider behind this LM (preflight asks it for its model list). */
  get backendProvider(): Provider {
    return this.backend;
  }

  /** The reply token cap this LM sends unless a call sets its own. */
  get defaultMaxTokens(): number | undefined {
    return this.parts.defaults.maxTokens;
  }

  /** The role calls are accounted to by default. */
  get role(): LMRole | undefined {
    return this.parts.role;
  }

  /** The response cache, opened on first use; undefined when caching is off. */
  get cache(): ResponseCache | undefined {
    if (this.cacheValue === undefined) {
      const path = this.parts.cache as string;
      try {
        this.cacheValue = openCache(path);
      } catch (e) {
        throw new LMError(`cannot open the response cache ${path}: ${(e as Error).message}; set GRIDTUNE_CACHE_DIR to a writable folder, or turn the cache off`);
      }
    }
    return this.cacheValue ?? undefined;
  }

  async chat(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    validateMessages(this.model, messages);
    const o: ChatOptions = { ...this.parts.defaults };
    for (const [k, v] of Object.entries(options)) if (v !== undefined) (o as Record<string, unknown>)[k] = v;
    const role = o.role ?? this.parts.role;
    const usage = this.parts.usage;
    const cache = this.cache;
    const key = cache ? cacheKey(this.model, messages, o) : undefined;
    if (cache && key && !o.noCache) {
      const hit = this.cacheRead(cache, key);
      if (hit) {
        usage.record({ model: this.model, role, usage: ZERO_USAGE, cached: true });
        const split = splitReasoning(hit.text);
        return { text: split.answer, usage: { ...ZERO_USAGE }, cached: true, model: this.model, ...(split.reasoning ? { reasoning: split.reasoning } : {}) };
      }
    }
    const request: Omit<ProviderRequest, "signal"> = {
      messages,
      ...(o.temperature !== undefined ? { temperature: o.temperature } : {}),
      ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}),
      ...(o.topP !== undefined ? { topP: o.topP } : {}),
      ...(o.stop !== undefined ? { stop: o.stop } : {}),
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.responseFormat !== undefined ? { responseFormat: o.responseFormat } : {}),
    };
    const estimate = estimateTokens(messages.reduce((s, m) => s + m.content, "")) + (o.maxTokens ?? 256);
    const limiter = this.parts.limiter;
    let response;
    try {
      response = await withRetry(
        async () => {
          const permit = await limiter.acquire(estimate, o.signal);
          let spent: number | undefined;
          try {
            const r = await this.attempt(request, o.signal);
            spent = r.usage.totalTokens;
            limiter.observe(r.rateLimit, estimate);
            return r;
          } catch (e) {
            if (e instanceof ProviderFailure) limiter.observe(e.details.rateLimit, estimate);
            throw e;
          } finally {
            permit.release(spent);
          }
        },
        {
          ...this.parts.retry,
          onRetry: (info) => {
            this.parts.retry.onRetry?.(info);
            this.parts.log?.(
              `${this.model}: ${info.failure.message.replace(/[.;\s]+$/, "")}; retrying in ${(info.delayMs / 1000).toFixed(1)} s (attempt ${info.attempt + 1} of ${this.parts.retry.maxAttempts})`,
            );
          },
        },
        {
          model: this.model,
          server: this.backend.server,
          ...(this.backend.unreachableHint ? { unreachableHint: this.backend.unreachableHint } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
          onServerBackoff: (ms) => limiter.pauseFor(ms),
        },
      );
    } catch (e) {
      usage.record({ model: this.model, role, usage: ZERO_USAGE, cached: false, failed: true });
      throw this.withKnob(e, role);
    }
    // Only the final answer is parsed (and cached); the thinking goes with the result.
    const split = splitReasoning(response.text);
    const reasoning = joinReasoning(response.reasoning, split.reasoning);
    if (response.recovered) this.parts.log?.(`${this.model}: the server rejected the reply as invalid JSON (json_validate_failed); parsing its failed_generation instead`);
    if (cache && key && !response.recovered) {
      try {
        cache.put(key, this.model, { text: split.answer, usage: response.usage });
      } catch (e) {
        // The answer is good; a cache that cannot take it (disk full, locked too long) costs only a future hit.
        this.parts.log?.(`${this.model}: could not write the response cache: ${(e as Error).message}`);
      }
    }
    usage.record({ model: this.model, role, usage: response.usage, cached: false });
    return {
      text: split.answer,
      usage: response.usage,
      cached: false,
      model: this.model,
      ...(reasoning ? { reasoning } : {}),
      ...(response.recovered ? { recovered: response.recovered } : {}),
    };
  }

  /** A fatal error learns the role and the knob to change (the flag of this LM's role). */
  private withKnob(e: unknown, role: LMRole | undefined): unknown {
    if (e instanceof FatalLMError || e instanceof UnreachableHostError) {
      e.role ??= role === undefined ? undefined : String(role);
      if (e instanceof FatalLMError) e.model ??= this.model;
      e.knob = knobFor(e, this.spec, e.role, this.backend.server) ?? e.knob;
    }
    return e;
  }

  private cacheRead(cache: ResponseCache, key: string) {
    try {
      return cache.get(key);
    } catch (e) {
      this.parts.log?.(`${this.model}: could not read the response cache: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** One request with the per-attempt timeout; a timeout becomes a retryable ProviderFailure. */
  private async attempt(request: Omit<ProviderRequest, "signal">, signal: AbortSignal | undefined) {
    if (signal?.aborted) throw signal.reason;
    const controller = new AbortController();
    let timedOut = false;
    const timeoutMs = this.parts.timeoutMs;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = (): void => controller.abort(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const t0 = performance.now();
    try {
      return await this.backend.complete({ ...request, signal: controller.signal });
    } catch (e) {
      if (timedOut) throw new ProviderFailure("timeout", `no complete reply within ${formatMs(timeoutMs)}`, { retryable: true });
      if (signal?.aborted) throw signal.reason;
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      this.parts.onRequest?.(performance.now() - t0);
    }
  }

  /** Frees the provider's resources (the llama.cpp model and context). */
  async dispose(): Promise<void> {
    await this.backend.dispose?.();
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

function validateMessages(model: string, messages: ChatMessage[]): void {
  if (!Array.isArray(messages) || messages.length === 0) throw new BadRequestError(model, 400, "no messages to send");
  for (const m of messages) {
    if (!m || (m.role !== "system" && m.role !== "user" && m.role !== "assistant") || typeof m.content !== "string") {
      throw new BadRequestError(model, 400, `each message needs a role (system, user, assistant) and string content, got ${JSON.stringify(m)?.slice(0, 100)}`);
    }
  }
}

/** Builds the provider for a spec. Throws MissingCredentialError when its key is not set. */
export function createProvider(spec: ModelSpec, config: LMConfig, options: Pick<LMOptions, "apiKey" | "stream" | "llamacpp"> = {}): Provider {
  switch (spec.provider) {
    case "groq":
    case "openai": {
      const variable = credentialVariable(spec)!;
      const apiKey = options.apiKey ?? (spec.provider === "groq" ? config.groqApiKey : config.openaiApiKey);
      if (!apiKey) throw new MissingCredentialError([variable], [spec.id]);
      return new OpenAICompatibleProvider({
        name: spec.provider,
        model: spec.model,
        modelId: spec.id,
        baseUrl: spec.baseUrl ?? (spec.provider === "groq" ? config.groqBaseUrl : config.openaiBaseUrl),
        apiKey,
        apiKeyVariable: options.apiKey ? undefined : variable,
        stream: options.stream ?? false,
      });
    }
    case "openai-compatible":
      return new OpenAICompatibleProvider({
        name: "openai-compatible",
        model: spec.model,
        modelId: spec.id,
        baseUrl: spec.baseUrl!,
        apiKey: options.apiKey ?? config.openaiCompatibleApiKey,
        apiKeyVariable: options.apiKey ? undefined : "OPENAI_COMPATIBLE_API_KEY",
        stream: options.stream ?? false,
      });
    case "ollama":
      return new OllamaProvider({ model: spec.model, modelId: spec.id, host: spec.baseUrl ?? config.ollamaHost });
    case "llamacpp":
      return new LlamaCppProvider(spec.model, spec.id, {
        ...options.llamacpp,
        modelsDir: options.llamacpp?.modelsDir ?? defaultModelsDir(config.cacheDir),
      });
  }
}

/**
 * An LM for a model id (`groq/…`, `openai/…`, `ollama/…`, `openai-compatible/…`, `llamacpp/…`, or a
 * bare id with `groq`/`role`). Checks the API key at once: a missing one throws
 * MissingCredentialError before any request.
 */
export function lm(modelId: string, options: LMOptions = {}): ManagedLM {
  const spec = resolveModelSpec(modelId, {
    ...(options.groq !== undefined ? { groq: options.groq } : {}),
    ...(options.role !== undefined ? { role: options.role } : {}),
    ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
  });
  const config = options.config ?? loadLMConfig();
  for (const secret of [options.apiKey, config.groqApiKey, config.openaiApiKey, config.openaiCompatibleApiKey]) registerSecret(secret);
  const backend = options.provider ?? createProvider(spec, config, options);
  const base: RateLimits = { ...DEFAULT_LIMITS[spec.provider] };
  if (spec.provider === "llamacpp") base.concurrency = options.llamacpp?.sequences ?? 1;
  const limits: RateLimits = { ...base, ...stripUndefined(options.limits ?? {}) };
  // llama.cpp runs one request per context sequence: never more in flight than sequences.
  if (spec.provider === "llamacpp") limits.concurrency = base.concurrency;
  const limiter = options.limiter ?? new RateLimiter(limits, Date.now, { explicitTokens: options.limits?.tokensPerMinute !== undefined });
  const cache = options.cache === false ? undefined : options.cache instanceof ResponseCache ? options.cache : ResponseCache.fileIn(config.cacheDir);
  return new ManagedLM(spec, backend, {
    cache,
    limiter,
    retry: { ...DEFAULT_RETRY, ...stripUndefined(options.retry ?? {}) },
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS[spec.provider],
    usage: options.usage ?? new UsageTracker(),
    role: options.role,
    defaults: options.defaults ?? {},
    log: options.log,
    onRequest: options.onRequest,
  });
}

/** The original pipeline's `configure_lm(source)` defaults. */
export const SOURCE_DEFAULTS = {
  local: "ollama/llama3.1:latest",
  groq: "groq/llama-3.3-70b-versatile",
  openai: "openai/gpt-4o-mini",
} as const;

/** The sources of {@link configureLM}: `local` (Ollama), `groq`, `openai`. */
export type LMSource = keyof typeof SOURCE_DEFAULTS;

/**
 * `configureLM({source})` as in the original: local → Ollama `llama3.1:latest`, groq →
 * `llama-3.3-70b-versatile`, openai → `gpt-4o-mini`. `model` names another model of that source.
 * Returns the LM (no global state: pass it where it is needed).
 */
export function configureLM(options: { source: LMSource; model?: string } & LMOptions): ManagedLM {
  const { source, model, ...rest } = options;
  if (!(source in SOURCE_DEFAULTS)) {
    throw new ModelSpecError(`unknown LM source '${String(source)}'; use local, groq or openai`, "--source");
  }
  const prefix = source === "local" ? "ollama" : source;
  return lm(model !== undefined ? `${prefix}/${model}` : SOURCE_DEFAULTS[source], rest);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
