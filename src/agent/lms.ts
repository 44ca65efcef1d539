/**
 * How gridtune's agent layer and pipeline build their LMs on top of `lm()` (src/lm):
 *
 * - a bare model id resolves per role as in the original tool (`--teacher-groq` …);
 * - a server on this machine (a loopback GROQ_BASE_URL, OPENAI_BASE_URL, OLLAMA_HOST or base URL) has
 *   no per-minute quotas, so only `concurrency` limits it — Groq's free-tier limits apply only to Groq;
 * - one embedded llama.cpp provider per model file, shared by every role that names it (the model is
 *   loaded once); `disposeLMs()` frees them;
 * - environment knobs for tests and small machines (documented in docs/pipeline.md):
 *   `GRIDTUNE_RETRY_BASE_MS` (first backoff, default 1000; 0 = retry at once),
 *   `GRIDTUNE_RETRY_ATTEMPTS` (default 8), `GRIDTUNE_LLAMACPP_THREADS`, `GRIDTUNE_LLAMACPP_GPU`
 *   (`false`, `auto`, `cuda`, `vulkan`, `metal`), `GRIDTUNE_LLAMACPP_BUILD` (`never`, `auto`),
 *   `GRIDTUNE_LLAMACPP_CONTEXT` (tokens), `GRIDTUNE_NO_CACHE=1` (no response cache),
 *   `GRIDTUNE_MAX_TOKENS` (a reply's token cap for every role; default 1024 for llama.cpp models, none else).
 */
import {
  RateLimiter,
  createProvider,
  lm,
  loadLMConfig,
  resolveModelSpec,
  DEFAULT_LIMITS,
  type LMConfig,
  type LMRole,
  type LlamaCppOptions,
  type ManagedLM,
  type ModelSpec,
  type Provider,
  type UsageTracker,
} from "../lm/index.js";

/**
 * Options of {@link roleLM}: the role, the original tool's `groq` flag for a bare id, concurrency, usage
 * tracking, cache and sampling defaults.
 */
export interface RoleLMOptions {
  role: LMRole;
  /** The original's `--<role>-groq` for a bare id (true → Groq, false → Ollama). */
  groq?: boolean;
  /** Requests in flight at most to this model (its server's limiter). */
  concurrency?: number;
  usage?: UsageTracker;
  config?: LMConfig;
  /** Response cache (default on unless GRIDTUNE_NO_CACHE=1). */
  cache?: boolean;
  log?: (line: string) => void;
  /** The server of an openai-compatible/ model (or an override for groq/, openai/, ollama/). */
  baseUrl?: string;
  /** Sampling defaults (temperature, maxTokens…). */
  defaults?: { temperature?: number; maxTokens?: number };
}

const limiters = new Map<string, RateLimiter>();

/** Time spent in provider requests (one attempt each, limiter waits excluded), for the run record. */
export const lmLatency = { attempts: 0, totalMs: 0 };

/** A provider that adds each request's duration to `lmLatency`. */
function timed(p: Provider): Provider {
  return {
    name: p.name,
    server: p.server,
    supportsStructuredOutput: p.supportsStructuredOutput,
    ...(p.unreachableHint ? { unreachableHint: p.unreachableHint } : {}),
    async complete(req) {
      const t0 = performance.now();
      try {
        return await p.complete(req);
      } finally {
        lmLatency.attempts++;
        lmLatency.totalMs += performance.now() - t0;
      }
    },
    ...(p.dispose ? { dispose: () => p.dispose!() } : {}),
  };
}
const llamaProviders = new Map<string, Provider>();

function envInt(name: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env[name];
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : undefined;
}

/** Retry settings from the environment (GRIDTUNE_RETRY_BASE_MS, GRIDTUNE_RETRY_ATTEMPTS). */
export function retryFromEnv(env: NodeJS.ProcessEnv = process.env): { baseDelayMs?: number; maxAttempts: number } {
  const base = envInt("GRIDTUNE_RETRY_BASE_MS", env);
  const attempts = envInt("GRIDTUNE_RETRY_ATTEMPTS", env);
  return { ...(base !== undefined ? { baseDelayMs: base } : {}), maxAttempts: attempts && attempts > 0 ? attempts : 8 };
}

/** llama.cpp settings from the environment (GRIDTUNE_LLAMACPP_*). */
export function llamaOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): LlamaCppOptions {
  const o: LlamaCppOptions = {};
  const threads = envInt("GRIDTUNE_LLAMACPP_THREADS", env);
  if (threads) o.threads = threads;
  const gpu = env.GRIDTUNE_LLAMACPP_GPU?.trim();
  if (gpu) o.gpu = gpu === "false" || gpu === "0" || gpu === "off" ? false : (gpu as LlamaCppOptions["gpu"]);
  const build = env.GRIDTUNE_LLAMACPP_BUILD?.trim();
  if (build) o.build = build as LlamaCppOptions["build"];
  const ctx = envInt("GRIDTUNE_LLAMACPP_CONTEXT", env);
  if (ctx) o.contextSize = ctx;
  return o;
}

/** The server a spec talks to (for limiter keys and the loopback test). */
export function serverOf(spec: ModelSpec, config: LMConfig): string {
  if (spec.baseUrl) return spec.baseUrl;
  switch (spec.provider) {
    case "groq":
      return config.groqBaseUrl;
    case "openai":
      return config.openaiBaseUrl;
    case "ollama":
      return config.ollamaHost;
    default:
      return spec.model;
  }
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

/** Resolves a role's model id (bare ids by the role's `groq` flag). */
export function roleSpec(modelId: string, role: LMRole, groq?: boolean, baseUrl?: string): ModelSpec {
  return resolveModelSpec(modelId, { role, ...(groq !== undefined ? { groq } : {}), ...(baseUrl ? { baseUrl, baseUrlFlag: `--${String(role)}-base-url` } : {}) });
}

/** An LM for a role, with the limits, retries, cache and llama.cpp sharing described above. */
export function roleLM(modelId: string, options: RoleLMOptions): ManagedLM {
  const config = options.config ?? loadLMConfig();
  const spec = roleSpec(modelId, options.role, options.groq, options.baseUrl);
  const server = serverOf(spec, config);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  let limiter: RateLimiter | undefined;
  if (spec.provider !== "llamacpp" && isLoopbackUrl(server)) {
    const key = `${spec.provider}|${server}`;
    limiter = limiters.get(key);
    if (!limiter) limiters.set(key, (limiter = new RateLimiter({ concurrency })));
    else if (limiter.currentLimits.concurrency < concurrency) limiter.setLimits({ concurrency });
  }
  let provider: Provider;
  const llamacpp = llamaOptionsFromEnv();
  if (spec.provider === "llamacpp") {
    const shared = llamaProviders.get(spec.id);
    if (shared) provider = shared;
    else llamaProviders.set(spec.id, (provider = timed(createProvider(spec, config, { llamacpp }))));
  } else provider = timed(createProvider(spec, config, {}));
  const noCache = process.env.GRIDTUNE_NO_CACHE === "1";
  const maxTokens = envInt("GRIDTUNE_MAX_TOKENS") ?? (spec.provider === "llamacpp" ? 1024 : undefined);
  const defaults = { ...(maxTokens ? { maxTokens } : {}), ...(options.defaults ?? {}) };
  const remoteLimits =
    spec.provider === "groq" || spec.provider === "openai" || spec.provider === "llamacpp"
      ? undefined
      : { concurrency: Math.max(concurrency, DEFAULT_LIMITS[spec.provider].concurrency) };
  return lm(spec.id, {
    role: options.role,
    config,
    ...(spec.baseUrl ? { baseUrl: spec.baseUrl } : {}),
    cache: options.cache === false || noCache ? false : true,
    ...(options.usage ? { usage: options.usage } : {}),
    retry: retryFromEnv(),
    ...(limiter ? { limiter } : remoteLimits ? { limits: remoteLimits } : {}),
    provider,
    llamacpp,
    ...(options.log ? { log: options.log } : {}),
    ...(Object.keys(defaults).length ? { defaults } : {}),
  });
}

/** Frees every shared llama.cpp model. */
export async function disposeLMs(): Promise<void> {
  const ps = [...llamaProviders.values()];
  llamaProviders.clear();
  for (const p of ps) await p.dispose?.();
}
