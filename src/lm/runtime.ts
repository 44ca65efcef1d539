/**
 * The LM runtime of one run: made once by whoever starts the work (a CLI command, `finetune()`,
 * `evaluate()`, the dashboard server, a library user) and passed down. It owns
 *
 * - the settings (API keys and endpoints from `loadLMConfig`, the GRIDTUNE_* knobs from
 *   `loadRuntimeSettings`), read once;
 * - the providers and their sharing: one llama.cpp model per file, whatever roles name it;
 * - one limiter per provider and server (Groq's free tier for Groq; a server on this machine only
 *   by concurrency, unless --rpm/--tpm or GRIDTUNE_RPM/GRIDTUNE_TPM say otherwise);
 * - the one retry and timeout policy (src/lm/retry.ts: 8 attempts, 1 s doubling to 30 s), every
 *   retry told to `log`;
 * - one usage and cost meter (`usage`) and request latency (`latency`);
 * - preflight (src/lm/preflight.ts) and fine-tuning jobs (src/lm/finetune-job.ts).
 *
 * `dispose()` frees the llama.cpp models this runtime loaded, and nothing else.
 *
 * ```ts
 * const runtime = new LMRuntime({ log: (line) => console.error(line) });
 * const teacher = runtime.lm("groq/llama-3.3-70b-versatile", { role: "teacher" });
 * await runtime.preflight([{ lm: teacher, flag: "--teacher-model" }]);
 * …
 * console.log(runtime.usage.snapshot().total);
 * await runtime.dispose();
 * ```
 */
import type { LMRole } from "./types.js";
import type { LMConfig } from "./config.js";
import { loadLMConfig } from "./config.js";
import type { ModelSpec } from "./model-spec.js";
import { roleSpec } from "./model-spec.js";
import { ManagedLM, createProvider, lm, type SamplingDefaults } from "./lm.js";
import type { RetryOptions } from "./retry.js";
import { DEFAULT_RETRY } from "./retry.js";
import { DEFAULT_LIMITS, RateLimiter, type RateLimits } from "./rate-limiter.js";
import { ResponseCache } from "./cache.js";
import { UsageTracker } from "./usage.js";
import type { Provider } from "./providers/provider.js";
import type { LlamaCppOptions } from "./providers/llamacpp.js";
import { loadRuntimeSettings, type RuntimeSettings } from "./settings.js";
import { preflight, type PreflightOptions, type PreflightReport, type PreflightRequest } from "./preflight.js";
import { runFinetuneJob, type FinetuneJobOptions, type FinetuneJobResult } from "./finetune-job.js";

/** How long provider requests took: one entry per attempt, limiter waits excluded. */
export interface LatencyStats {
  requests: number;
  totalMs: number;
}

/**
 * Options of {@link LMRuntime}: the configuration and settings (default: read from `env`), the usage
 * meter, the cache, the retry line sink and policy overrides.
 */
export interface LMRuntimeOptions {
  /** API keys and endpoints; default `loadLMConfig({ env })` (the environment and ./.env). */
  config?: LMConfig;
  /** The environment the GRIDTUNE_* settings (and, without `config`, the keys) are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Settings over those read from `env` (the CLI's --timeout, --rpm, --tpm, --max-concurrency). */
  settings?: Partial<RuntimeSettings>;
  /** The usage meter; default a new one (`runtime.usage`). */
  usage?: UsageTracker;
  /** The response cache: true (default, unless GRIDTUNE_NO_CACHE=1), false, or an open cache. */
  cache?: boolean | ResponseCache;
  /** Receives one line per retry and per recovered answer; default silent. */
  log?: (line: string) => void;
  /** Retry policy over the default (8 attempts, 1 s doubling to 30 s). */
  retry?: Partial<RetryOptions>;
  /** Per-request timeout in ms for every provider (default per provider; GRIDTUNE_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Limits for every server over the defaults (GRIDTUNE_RPM, GRIDTUNE_TPM, GRIDTUNE_MAX_CONCURRENCY). */
  limits?: Partial<RateLimits>;
  /** Embedded llama.cpp settings over GRIDTUNE_LLAMACPP_*. */
  llamacpp?: LlamaCppOptions;
}

/** Options of {@link LMRuntime.lm}: the role, how a bare id resolves, the server, sampling defaults. */
export interface RuntimeLMOptions {
  /** The role calls are accounted to (teacher, student, assessor, proposer). */
  role?: LMRole;
  /** For a bare id: the original pipeline's `--<role>-groq` (true → Groq, false → Ollama). */
  groq?: boolean;
  /** The server of an openai-compatible/ model (or an override for groq/, openai/, ollama/). */
  baseUrl?: string;
  /** The API key, instead of the configured one. */
  apiKey?: string;
  /** Sampling defaults for every call (a call's own options win). */
  defaults?: SamplingDefaults;
  /** Requests in flight to this model's server at most (a command's --concurrency). */
  concurrency?: number;
  /** Stream replies (OpenAI-compatible providers only). */
  stream?: boolean;
  /** Use this provider instead of building one (tests, fakes). */
  provider?: Provider;
}

/** True for http(s) URLs on this machine (127.0.0.0/8, localhost, ::1). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const h = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return h === "localhost" || h === "::1" || /^127\./.test(h);
  } catch {
    return false;
  }
}

/** The LMs of one run and everything they share; see the module comment. */
export class LMRuntime {
  readonly config: LMConfig;
  readonly settings: RuntimeSettings;
  readonly usage: UsageTracker;
  readonly latency: LatencyStats = { requests: 0, totalMs: 0 };
  readonly retry: RetryOptions;
  private readonly logSink: ((line: string) => void) | undefined;
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly llamaProviders = new Map<string, Provider>();
  private readonly cacheOption: boolean | ResponseCache;
  private readonly limitOverrides: Partial<RateLimits>;
  private readonly timeoutMs: number | undefined;
  private disposed = false;

  constructor(options: LMRuntimeOptions = {}) {
    const env = options.env ?? process.env;
    this.config = options.config ?? loadLMConfig({ env });
    const fromEnv = loadRuntimeSettings(env);
    const extra = options.settings ?? {};
    this.settings = { ...fromEnv, ...stripUndefined(extra), llamacpp: { ...fromEnv.llamacpp, ...(extra.llamacpp ?? {}), ...(options.llamacpp ?? {}) } };
    this.usage = options.usage ?? new UsageTracker();
    this.logSink = options.log;
    const s = this.settings;
    this.retry = {
      ...DEFAULT_RETRY,
      ...(s.retryAttempts !== undefined ? { maxAttempts: s.retryAttempts } : {}),
      ...(s.retryBaseMs !== undefined ? { baseDelayMs: s.retryBaseMs } : {}),
      ...(s.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: s.maxRetryAfterMs } : {}),
      ...stripUndefined(options.retry ?? {}),
    };
    this.cacheOption = options.cache ?? !s.noCache;
    this.limitOverrides = stripUndefined({
      ...(s.requestsPerMinute !== undefined ? { requestsPerMinute: s.requestsPerMinute } : {}),
      ...(s.tokensPerMinute !== undefined ? { tokensPerMinute: s.tokensPerMinute } : {}),
      ...(s.maxConcurrency !== undefined ? { concurrency: s.maxConcurrency } : {}),
      ...(options.limits ?? {}),
    });
    this.timeoutMs = options.timeoutMs ?? s.timeoutMs;
  }

  /** Writes one line to the runtime's log (the CLI wires it to stderr). */
  log(line: string): void {
    this.logSink?.(line);
  }

  /** A role's model id resolved (bare ids by the role's `groq` flag). */
  spec(modelId: string, role?: LMRole, groq?: boolean, baseUrl?: string): ModelSpec {
    return roleSpec(modelId, role, groq, baseUrl);
  }

  /** An LM of this run: shared limiter, llama.cpp model, usage meter, retry policy and cache. */
  lm(modelId: string, options: RuntimeLMOptions = {}): ManagedLM {
    if (this.disposed) throw new Error("this LMRuntime has been disposed");
    const spec = this.spec(modelId, options.role, options.groq, options.baseUrl);
    const llamacpp = this.settings.llamacpp;
    let provider: Provider;
    if (options.provider) provider = options.provider;
    else if (spec.provider === "llamacpp") {
      const shared = this.llamaProviders.get(spec.id);
      if (shared) provider = shared;
      else this.llamaProviders.set(spec.id, (provider = createProvider(spec, this.config, { llamacpp })));
    } else {
      provider = createProvider(spec, this.config, {
        ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
        ...(options.stream !== undefined ? { stream: options.stream } : {}),
      });
    }
    const limiter = this.limiterFor(spec, provider.server, options.concurrency);
    const maxTokens = this.settings.maxTokens ?? (spec.provider === "llamacpp" ? 1024 : undefined);
    const defaults: SamplingDefaults = { ...(maxTokens !== undefined ? { maxTokens } : {}), ...(options.defaults ?? {}) };
    return lm(spec.id, {
      ...(options.role !== undefined ? { role: options.role } : {}),
      config: this.config,
      ...(spec.baseUrl ? { baseUrl: spec.baseUrl } : {}),
      cache: this.cacheOption,
      usage: this.usage,
      retry: this.retry,
      limiter,
      provider,
      ...(this.timeoutMs !== undefined ? { timeoutMs: this.timeoutMs } : {}),
      log: (line) => this.log(line),
      onRequest: (ms) => {
        this.latency.requests++;
        this.latency.totalMs += ms;
      },
      ...(Object.keys(defaults).length > 0 ? { defaults } : {}),
    });
  }

  /** The limiter of a provider and server, made on first use and shared by every LM talking to it. */
  limiterFor(spec: ModelSpec, server: string, concurrency?: number): RateLimiter {
    const key = `${spec.provider}|${server}`;
    const wanted = Math.max(1, Math.floor(concurrency ?? 4));
    let limiter = this.limiters.get(key);
    if (limiter) {
      // A role asking for more in flight raises a local server's concurrency (never a hosted API's default).
      const cur = limiter.currentLimits;
      if (this.adjustable(spec, server) && this.limitOverrides.concurrency === undefined && cur.concurrency < wanted) limiter.setLimits({ ...cur, concurrency: wanted });
      return limiter;
    }
    const defaults = DEFAULT_LIMITS[spec.provider];
    let limits: RateLimits;
    if (spec.provider === "llamacpp") limits = { concurrency: this.settings.llamacpp.sequences ?? 1 };
    else if (isLoopbackUrl(server)) limits = { concurrency: wanted };
    else if (spec.provider === "groq" || spec.provider === "openai") limits = { ...defaults };
    else limits = { concurrency: Math.max(wanted, defaults.concurrency) };
    const o = this.limitOverrides;
    limits = { ...limits, ...o };
    // llama.cpp runs one request per context sequence: never more in flight than sequences.
    if (spec.provider === "llamacpp") limits.concurrency = this.settings.llamacpp.sequences ?? 1;
    limiter = new RateLimiter(limits, Date.now, { explicitTokens: o.tokensPerMinute !== undefined });
    this.limiters.set(key, limiter);
    return limiter;
  }

  private adjustable(spec: ModelSpec, server: string): boolean {
    if (spec.provider === "llamacpp") return false;
    return isLoopbackUrl(server) || (spec.provider !== "groq" && spec.provider !== "openai");
  }

  /**
   * Checks, before any work, that every role's model is served (see src/lm/preflight.ts); throws a
   * PreflightError with the provider's words, the flag to change and the models it lists. Spends no
   * completion call unless a server has no model list (then one 1-token probe).
   */
  preflight(requests: PreflightRequest[], options: PreflightOptions = {}): Promise<PreflightReport> {
    return preflight(this, requests, options);
  }

  /** Uploads training data for a base LM, starts a fine-tuning job and polls it until it ends. */
  finetune(base: ManagedLM, dataPath: string, options: Omit<FinetuneJobOptions, "config"> = {}): Promise<FinetuneJobResult> {
    return runFinetuneJob(base, dataPath, {
      config: this.config,
      ...(this.settings.finetunePollMs !== undefined ? { pollIntervalMs: this.settings.finetunePollMs } : {}),
      ...options,
    });
  }

  /** Frees the llama.cpp models this runtime loaded (and only those). */
  async dispose(): Promise<void> {
    this.disposed = true;
    const ps = [...this.llamaProviders.values()];
    this.llamaProviders.clear();
    for (const p of ps) await p.dispose?.();
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
