/**
 * Model ids → a `ModelSpec` (which provider, which model, which server).
 *
 * Ids carry a provider prefix: `groq/<model>`, `openai/<model>`, `ollama/<model>`,
 * `openai-compatible/<model>` (with a base URL), `llamacpp/<path-or-hf-uri>`. Only the first `/`
 * splits, so `groq/meta-llama/llama-4-scout-17b-16e-instruct` is Groq's model
 * `meta-llama/llama-4-scout-17b-16e-instruct`.
 *
 * A bare id (no known prefix) resolves as the original Python pipeline did with its booleans
 * `--teacher-groq`, `--student-groq`, `--assessor-groq`: true → Groq, false → local Ollama; unset →
 * the role's default (teacher and assessor on Groq, student on Ollama).
 */
import type { LMRole } from "./types.js";
import type { LMConfig } from "./config.js";
import { loadLMConfig, validateBaseUrl } from "./config.js";
import { MissingCredentialError, ModelSpecError } from "./errors.js";
import { editDistance } from "../util/edit-distance.js";

/** The LM providers: Groq, OpenAI, any OpenAI-compatible server, Ollama, and embedded llama.cpp. */
export type ProviderName = "groq" | "openai" | "openai-compatible" | "ollama" | "llamacpp";

/** Every {@link ProviderName}: the prefixes a model id may start with. */
export const PROVIDERS: readonly ProviderName[] = ["groq", "openai", "openai-compatible", "ollama", "llamacpp"];

/** Other spellings accepted for a prefix (LiteLLM/DSPy's `ollama_chat/`, …). */
const PREFIX_ALIASES: Record<string, ProviderName> = {
  ollama_chat: "ollama",
  openai_compatible: "openai-compatible",
  "llama-cpp": "llamacpp",
  llama_cpp: "llamacpp",
};

/**
 * A model id resolved: the canonical `<provider>/<model>` id, the provider, the model name and any base
 * URL.
 */
export interface ModelSpec {
  /** Canonical id, `<provider>/<model>`: what results, caches and usage reports name. */
  id: string;
  provider: ProviderName;
  /** The model name the server knows (or, for llamacpp, the file path or `hf:` URI). */
  model: string;
  /** Overrides the provider's default server (required for openai-compatible). */
  baseUrl?: string;
}

/**
 * Options of {@link resolveModelSpec}: the original tool's `groq` flag and the role (for a bare id), and a
 * base URL.
 */
export interface ResolveOptions {
  /** The original pipeline's `--<role>-groq` boolean, for a bare id. */
  groq?: boolean;
  /** The role the model plays; picks the default provider for a bare id when `groq` is unset. */
  role?: LMRole;
  /** Server for openai-compatible (required), or an override for groq/openai/ollama. From `--base-url`. */
  baseUrl?: string;
  /** The flag that gave `baseUrl`, for error messages; default `--base-url`. */
  baseUrlFlag?: string;
}

/** The original pipeline's defaults, per role. */
export const ROLE_DEFAULTS: Record<"teacher" | "student" | "assessor", { model: string; groq: boolean }> = {
  teacher: { model: "llama-3.3-70b-versatile", groq: true },
  student: { model: "llama3.1:70b", groq: false },
  assessor: { model: "deepseek-r1-distill-llama-70b", groq: true },
};

/** Which provider a bare id goes to for a role: Groq for everything but the student. */
export function defaultGroqForRole(role: LMRole | undefined): boolean | undefined {
  if (role === undefined) return undefined;
  return role !== "student";
}

/**
 * Resolves a model id (prefixed or bare) into a spec. Pure: reads no environment.
 * Throws ModelSpecError for an unknown prefix, an empty model, a malformed base URL,
 * or openai-compatible without a base URL.
 */
export function resolveModelSpec(id: string, options: ResolveOptions = {}): ModelSpec {
  const raw = id.trim();
  if (raw === "") throw new ModelSpecError("the model id is empty; expected e.g. groq/llama-3.3-70b-versatile or ollama/llama3.1:latest");
  const slash = raw.indexOf("/");
  const prefix = slash > 0 ? raw.slice(0, slash) : "";
  const known = prefix ? canonicalProvider(prefix) : undefined;

  let provider: ProviderName;
  let model: string;
  if (known !== undefined) {
    provider = known;
    model = raw.slice(slash + 1);
  } else {
    if (prefix) {
      // Groq's own model names contain slashes (meta-llama/…, qwen/…), so with a groq flag a
      // slashed bare id is a model name — unless the prefix is clearly a misspelt provider.
      const near = nearestProvider(prefix);
      if (near !== undefined || options.groq === undefined) {
        throw new ModelSpecError(
          `unknown provider prefix '${prefix}' in model id '${raw}'${near ? ` (did you mean '${near}/'?)` : ""}; ` +
            `use one of ${PROVIDERS.map((p) => p + "/").join(", ")}`,
        );
      }
    }
    const groq = options.groq ?? defaultGroqForRole(options.role);
    if (groq === undefined) {
      throw new ModelSpecError(
        `model id '${raw}' has no provider prefix; write e.g. groq/${raw} or ollama/${raw} (prefixes: ${PROVIDERS.map((p) => p + "/").join(", ")})`,
      );
    }
    provider = groq ? "groq" : "ollama";
    model = raw;
  }
  if (model.trim() === "") throw new ModelSpecError(`model id '${raw}' names no model after '${prefix}/'`);

  const flag = options.baseUrlFlag ?? "--base-url";
  let baseUrl: string | undefined;
  if (options.baseUrl !== undefined && options.baseUrl.trim() !== "") {
    if (provider === "llamacpp") throw new ModelSpecError(`${flag} does not apply to llamacpp/ models (they run in-process)`, flag);
    baseUrl = validateBaseUrl(options.baseUrl.trim(), flag);
  }
  if (provider === "openai-compatible" && baseUrl === undefined) {
    throw new ModelSpecError(`${raw}: an openai-compatible model needs the server's base URL (${flag} http://host:port/v1)`, flag);
  }
  return { id: `${provider}/${model}`, provider, model, ...(baseUrl !== undefined ? { baseUrl } : {}) };
}

/** Parses an id that must carry its provider prefix. */
export function parseModelId(id: string, options: Pick<ResolveOptions, "baseUrl" | "baseUrlFlag"> = {}): ModelSpec {
  return resolveModelSpec(id, options);
}

/** The environment variable holding the API key a spec needs, or undefined when none is needed. */
export function credentialVariable(spec: ModelSpec): "GROQ_API_KEY" | "OPENAI_API_KEY" | undefined {
  if (spec.provider === "groq") return "GROQ_API_KEY";
  if (spec.provider === "openai") return "OPENAI_API_KEY";
  return undefined;
}

/**
 * Checks up front that every key the specs need is set; throws one MissingCredentialError naming
 * every missing variable and the models that need it. The pipeline calls this before any work.
 */
export function checkCredentials(
  specs: readonly ModelSpec[],
  config: Pick<LMConfig, "groqApiKey" | "openaiApiKey"> = loadLMConfig(),
): void {
  const missing = new Map<string, string[]>();
  for (const spec of specs) {
    const variable = credentialVariable(spec);
    if (variable === undefined) continue;
    const value = variable === "GROQ_API_KEY" ? config.groqApiKey : config.openaiApiKey;
    if (value) continue;
    const models = missing.get(variable) ?? [];
    if (!models.includes(spec.id)) models.push(spec.id);
    missing.set(variable, models);
  }
  if (missing.size > 0) throw new MissingCredentialError([...missing.keys()], [...missing.values()].flat());
}

function canonicalProvider(prefix: string): ProviderName | undefined {
  const p = prefix.toLowerCase();
  if ((PROVIDERS as readonly string[]).includes(p)) return p as ProviderName;
  return PREFIX_ALIASES[p];
}

/** A provider within edit distance 2 of a misspelt prefix ("olama", "grok", "openia"). */
function nearestProvider(prefix: string): ProviderName | undefined {
  const p = prefix.toLowerCase();
  let best: ProviderName | undefined;
  let bestD = 3;
  for (const name of PROVIDERS) {
    const d = editDistance(p, name);
    if (d < bestD) {
      bestD = d;
      best = name;
    }
  }
  return bestD <= (p.length <= 4 ? 1 : 2) ? best : undefined;
}

/** A role's model id resolved as the pipeline does: a bare id by the role's `groq` flag, a base URL named by `--<role>-base-url`. */
export function roleSpec(modelId: string, role?: LMRole, groq?: boolean, baseUrl?: string): ModelSpec {
  return resolveModelSpec(modelId, {
    ...(role !== undefined ? { role } : {}),
    ...(groq !== undefined ? { groq } : {}),
    ...(baseUrl ? { baseUrl, baseUrlFlag: `--${String(role ?? "student")}-base-url` } : {}),
  });
}
