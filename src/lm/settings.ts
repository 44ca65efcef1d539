/**
 * The LM runtime's settings from the environment: every GRIDTUNE_* knob of the LM layer, read once
 * when a runtime is made (`loadRuntimeSettings(env)`), never again deep inside a call.
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | GRIDTUNE_RETRY_ATTEMPTS | requests per call at most (the first included) | 8 |
 * | GRIDTUNE_RETRY_BASE_MS | first retry backoff, doubling to 30 s (0 = retry at once: tests) | 1000 |
 * | GRIDTUNE_MAX_RETRY_AFTER_S | the longest Retry-After waited for; a longer one (a used-up daily quota) stops the run | 120 |
 * | GRIDTUNE_TIMEOUT_MS | per-request timeout, every provider | 120 s Groq/OpenAI, 300 s other servers, 600 s Ollama and llama.cpp |
 * | GRIDTUNE_RPM | requests per minute to any one server (loopback included) | Groq 30, OpenAI 500, others none |
 * | GRIDTUNE_TPM | tokens per minute to any one server | Groq 6000, others none |
 * | GRIDTUNE_MAX_CONCURRENCY | requests in flight to one server | the command's --concurrency |
 * | GRIDTUNE_NO_CACHE=1 | no response cache | cache on |
 * | GRIDTUNE_MAX_TOKENS | a reply's token cap for every role | 1024 for llama.cpp, none else |
 * | GRIDTUNE_LLAMACPP_THREADS, _GPU (`false`/`auto`/`cuda`/`vulkan`/`metal`), _BUILD (`never`/`auto`), _CONTEXT (tokens) | embedded llama.cpp | physical cores, auto, auto, sized to the run |
 * | GRIDTUNE_FINETUNE_POLL_MS | between fine-tuning job polls | 20 s |
 * | GRIDTUNE_LOCAL_MODEL | `npm start`'s local model (a .gguf path or `hf:` URI) | a small Qwen2.5 GGUF |
 * | GRIDTUNE_OFFLINE=1 | `npm start` never downloads | downloads allowed |
 */
import { UserError } from "../util/errors.js";
import type { LlamaCppOptions } from "./providers/llamacpp.js";

/** The LM layer's settings (see the table above); every field optional means "the default". */
export interface RuntimeSettings {
  retryAttempts?: number;
  retryBaseMs?: number;
  maxRetryAfterMs?: number;
  timeoutMs?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  maxConcurrency?: number;
  noCache?: boolean;
  maxTokens?: number;
  llamacpp: LlamaCppOptions;
  finetunePollMs?: number;
  localModel?: string;
  offline?: boolean;
}

/** Reads the GRIDTUNE_* settings; a malformed number names its variable. */
export function loadRuntimeSettings(env: NodeJS.ProcessEnv = process.env): RuntimeSettings {
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v !== undefined && v.trim() !== "" ? v.trim() : undefined;
  };
  const num = (name: string, min: number): number | undefined => {
    const v = str(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new UserError(`${name} must be a number ≥ ${min}, got '${v}'`);
    return n;
  };
  const int = (name: string, min: number): number | undefined => {
    const n = num(name, min);
    return n === undefined ? undefined : Math.floor(n);
  };
  const llamacpp: LlamaCppOptions = {};
  const threads = int("GRIDTUNE_LLAMACPP_THREADS", 1);
  if (threads !== undefined) llamacpp.threads = threads;
  const gpu = str("GRIDTUNE_LLAMACPP_GPU");
  if (gpu !== undefined) {
    if (!["false", "0", "off", "auto", "cuda", "vulkan", "metal"].includes(gpu)) throw new UserError(`GRIDTUNE_LLAMACPP_GPU: unknown value '${gpu}'; use false, auto, cuda, vulkan or metal`);
    llamacpp.gpu = gpu === "false" || gpu === "0" || gpu === "off" ? false : (gpu as LlamaCppOptions["gpu"]);
  }
  const build = str("GRIDTUNE_LLAMACPP_BUILD");
  if (build !== undefined) {
    if (!["never", "auto", "forceRebuild", "try"].includes(build)) throw new UserError(`GRIDTUNE_LLAMACPP_BUILD: unknown value '${build}'; use never or auto`);
    llamacpp.build = build as LlamaCppOptions["build"];
  }
  const ctx = int("GRIDTUNE_LLAMACPP_CONTEXT", 16);
  if (ctx !== undefined) llamacpp.contextSize = ctx;
  const s: RuntimeSettings = { llamacpp };
  const set = <K extends keyof RuntimeSettings>(k: K, v: RuntimeSettings[K] | undefined): void => {
    if (v !== undefined) s[k] = v;
  };
  set("retryAttempts", int("GRIDTUNE_RETRY_ATTEMPTS", 1));
  set("retryBaseMs", int("GRIDTUNE_RETRY_BASE_MS", 0));
  const ra = num("GRIDTUNE_MAX_RETRY_AFTER_S", 0);
  set("maxRetryAfterMs", ra === undefined ? undefined : ra * 1000);
  set("timeoutMs", int("GRIDTUNE_TIMEOUT_MS", 1));
  set("requestsPerMinute", num("GRIDTUNE_RPM", 0.001));
  set("tokensPerMinute", num("GRIDTUNE_TPM", 1));
  set("maxConcurrency", int("GRIDTUNE_MAX_CONCURRENCY", 1));
  if (str("GRIDTUNE_NO_CACHE") === "1") s.noCache = true;
  set("maxTokens", int("GRIDTUNE_MAX_TOKENS", 1));
  set("finetunePollMs", int("GRIDTUNE_FINETUNE_POLL_MS", 0));
  set("localModel", str("GRIDTUNE_LOCAL_MODEL"));
  if (str("GRIDTUNE_OFFLINE") === "1") s.offline = true;
  return s;
}
