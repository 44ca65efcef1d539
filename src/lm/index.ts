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
  ModelNotFoundError,
  AuthenticationError,
  BadRequestError,
  RetriesExhaustedError,
  UnreachableHostError,
  ModelFileError,
  redactSecrets,
  registerSecret,
} from "./errors.js";
export type { AttemptFailure } from "./errors.js";
export { withRetry, parseRetryAfter, backoffDelay, DEFAULT_RETRY } from "./retry.js";
export type { RetryOptions } from "./retry.js";
export { RateLimiter, DEFAULT_LIMITS, sharedLimiter, estimateTokens } from "./rate-limiter.js";
export type { RateLimits, Permit } from "./rate-limiter.js";
export { ResponseCache, openCache, cacheKey } from "./cache.js";
export type { CachedResponse } from "./cache.js";
export { UsageTracker, defaultUsageTracker, UNSPECIFIED_ROLE } from "./usage.js";
export type { UsageTotals, UsageSnapshot, UsageEvent } from "./usage.js";
export { DEFAULT_PRICES, priceFor, costOf, loadPriceTable } from "./prices.js";
export type { ModelPrice, PriceTable } from "./prices.js";
export type { Provider, ProviderRequest, ProviderResponse } from "./providers/provider.js";
export { physicalCoreCount, resolveGgufPath } from "./providers/llamacpp.js";
export type { LlamaCppOptions } from "./providers/llamacpp.js";
