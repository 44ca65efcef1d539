/** The LM layer: one interface (`LM`), providers, and the machinery around them. */
export type { ChatMessage, ChatOptions, ChatResult, LM, LMRole, MessageRole, Usage } from "./types.js";
export { lm, configureLM, createProvider, ManagedLM, SOURCE_DEFAULTS } from "./lm.js";
export type { LMOptions, LMSource, SamplingDefaults } from "./lm.js";
export {
  resolveModelSpec,
  parseModelId,
  checkCredentials,
  credentialVariable,
  defaultGroqForRole,
  roleSpec,
  PROVIDERS,
  ROLE_DEFAULTS,
} from "./model-spec.js";
export type { ModelSpec, ProviderName, ResolveOptions } from "./model-spec.js";
export { loadLMConfig, publicLMConfig, defaultCacheDir, validateBaseUrl, DEFAULT_GROQ_BASE_URL, DEFAULT_OPENAI_BASE_URL, DEFAULT_OLLAMA_HOST } from "./config.js";
export type { LMConfig, LoadConfigOptions } from "./config.js";
export {
  LMError,
  ModelSpecError,
  MissingCredentialError,
  FatalLMError,
  ModelNotFoundError,
  ModelDecommissionedError,
  AuthenticationError,
  BadRequestError,
  ContextLengthError,
  RequestTooLargeError,
  QuotaExceededError,
  RetriesExhaustedError,
  UnreachableHostError,
  ModelFileError,
  isFatalLMError,
  redactSecrets,
  registerSecret,
} from "./errors.js";
export type { AttemptFailure, FatalKind, FatalDetails } from "./errors.js";
export { withRetry, parseRetryAfter, backoffDelay, DEFAULT_RETRY } from "./retry.js";
export type { RetryOptions } from "./retry.js";
export { RateLimiter, DEFAULT_LIMITS, estimateTokens } from "./rate-limiter.js";
export type { RateLimits, Permit } from "./rate-limiter.js";
export { parseRateLimitHeaders, parseResetDuration } from "./rate-limit-headers.js";
export type { RateLimitHeaders } from "./rate-limit-headers.js";
export { splitReasoning } from "./reasoning.js";
export type { SplitReply } from "./reasoning.js";
export { LMRuntime, isLoopbackUrl } from "./runtime.js";
export type { LMRuntimeOptions, RuntimeLMOptions, LatencyStats } from "./runtime.js";
export { loadRuntimeSettings } from "./settings.js";
export type { RuntimeSettings } from "./settings.js";
export { PreflightError } from "./preflight.js";
export type { PreflightRequest, PreflightOptions, PreflightReport, PreflightCheck, PreflightProblem } from "./preflight.js";
export { runFinetuneJob, FinetuneJobError } from "./finetune-job.js";
export type { FinetuneJobOptions, FinetuneJobResult } from "./finetune-job.js";
export { modelFlagFor } from "./knobs.js";
export { ResponseCache, openCache, cacheKey } from "./cache.js";
export type { CachedResponse } from "./cache.js";
export { UsageTracker, UNSPECIFIED_ROLE } from "./usage.js";
export type { UsageTotals, UsageSnapshot, UsageEvent } from "./usage.js";
export { DEFAULT_PRICES, priceFor, costOf, loadPriceTable } from "./prices.js";
export type { ModelPrice, PriceTable } from "./prices.js";
export type { Provider, ProviderRequest, ProviderResponse } from "./providers/provider.js";
export { physicalCoreCount, resolveGgufPath } from "./providers/llamacpp.js";
export type { LlamaCppOptions } from "./providers/llamacpp.js";
