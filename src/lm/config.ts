/**
 * LM configuration from the environment and a `.env` file (the environment wins).
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | GROQ_API_KEY | key for `groq/…` models | — |
 * | OPENAI_API_KEY | key for `openai/…` models | — |
 * | OPENAI_COMPATIBLE_API_KEY | key sent to an `openai-compatible/…` server, if it wants one | none sent |
 * | GROQ_BASE_URL | Groq's OpenAI-compatible endpoint | https://api.groq.com/openai/v1 |
 * | OPENAI_BASE_URL | OpenAI's endpoint | https://api.openai.com/v1 |
 * | OLLAMA_HOST | the Ollama server | http://127.0.0.1:11434 |
 * | GRIDTUNE_CACHE_DIR | response cache and downloaded models | $XDG_CACHE_HOME/gridtune or ~/.cache/gridtune |
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { ModelSpecError, registerSecret } from "./errors.js";

/** Groq's OpenAI-compatible endpoint, used unless `GROQ_BASE_URL` says otherwise. */
export const DEFAULT_GROQ_BASE_URL = "https://api.groq.com/openai/v1";
/** OpenAI's endpoint, used unless `OPENAI_BASE_URL` says otherwise. */
export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
/** The Ollama server used unless `OLLAMA_HOST` says otherwise. */
export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";

/**
 * The LM configuration read from the environment and `.env`: API keys, endpoints, the Ollama host and the
 * cache directory.
 */
export interface LMConfig {
  groqApiKey?: string;
  openaiApiKey?: string;
  openaiCompatibleApiKey?: string;
  groqBaseUrl: string;
  openaiBaseUrl: string;
  ollamaHost: string;
  /** Where the response cache (`lm-cache.sqlite`) and downloaded GGUF models (`models/`) live. */
  cacheDir: string;
}

/** Options of {@link loadLMConfig}: the environment, the `.env` file and the working directory to read. */
export interface LoadConfigOptions {
  /** The environment to read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** A `.env` file to read, or false for none; default `<cwd>/.env` when it exists. */
  envFile?: string | false;
  cwd?: string;
}

/** Reads the configuration. Values from `env` win over the `.env` file; empty values count as unset. */
export function loadLMConfig(options: LoadConfigOptions = {}): LMConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = options.envFile === false ? undefined : (options.envFile ?? join(cwd, ".env"));
  let fromFile: Record<string, string> = {};
  if (file !== undefined && existsSync(file)) fromFile = parseDotenv(readFileSync(file));
  const get = (name: string): string | undefined => {
    const v = env[name] ?? fromFile[name];
    return v !== undefined && v.trim() !== "" ? v.trim() : undefined;
  };
  const config: LMConfig = {
    groqApiKey: get("GROQ_API_KEY"),
    openaiApiKey: get("OPENAI_API_KEY"),
    openaiCompatibleApiKey: get("OPENAI_COMPATIBLE_API_KEY"),
    groqBaseUrl: validateBaseUrl(get("GROQ_BASE_URL") ?? DEFAULT_GROQ_BASE_URL, "GROQ_BASE_URL"),
    openaiBaseUrl: validateBaseUrl(get("OPENAI_BASE_URL") ?? DEFAULT_OPENAI_BASE_URL, "OPENAI_BASE_URL"),
    ollamaHost: normalizeOllamaHost(get("OLLAMA_HOST") ?? DEFAULT_OLLAMA_HOST, "OLLAMA_HOST"),
    cacheDir: resolve(cwd, get("GRIDTUNE_CACHE_DIR") ?? defaultCacheDir(env)),
  };
  registerSecret(config.groqApiKey);
  registerSecret(config.openaiApiKey);
  registerSecret(config.openaiCompatibleApiKey);
  return config;
}

/** The per-user cache directory: $XDG_CACHE_HOME/gridtune, ~/.cache/gridtune, or %LOCALAPPDATA%\gridtune\cache. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "gridtune");
  if (process.platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "gridtune", "cache");
  return join(env.HOME || homedir(), ".cache", "gridtune");
}

/**
 * A base URL must be an absolute http(s) URL with a host; the trailing slash is dropped.
 * `source` names where it came from (a flag or a variable) for the error message.
 */
export function validateBaseUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ModelSpecError(`${source}: '${value}' is not a valid URL; expected e.g. http://127.0.0.1:8000/v1`, source);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ModelSpecError(`${source}: '${value}' must start with http:// or https://`, source);
  }
  if (!url.hostname) throw new ModelSpecError(`${source}: '${value}' has no host`, source);
  if (url.username || url.password) throw new ModelSpecError(`${source}: put credentials in an API-key variable, not in the URL`, source);
  return url.toString().replace(/\/+$/, "");
}

/** OLLAMA_HOST may omit the scheme ("localhost:11434", "0.0.0.0") as the Ollama CLI allows. */
export function normalizeOllamaHost(value: string, source: string): string {
  let v = value.trim();
  if (v.startsWith(":")) v = `127.0.0.1${v}`;
  if (!/^[a-z]+:\/\//i.test(v)) v = `http://${v}`;
  const url = new URL(validateBaseUrl(v, source));
  if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1";
  if (!url.port) url.port = url.protocol === "https:" ? "443" : "11434";
  return url.toString().replace(/\/+$/, "");
}

/**
 * The configuration as it may be saved or printed (a run's `_info.json`): keys replaced by
 * "set" or "missing", never their values.
 */
export function publicLMConfig(config: LMConfig): Record<string, string> {
  const state = (v: string | undefined): string => (v ? "set" : "missing");
  return {
    GROQ_API_KEY: state(config.groqApiKey),
    OPENAI_API_KEY: state(config.openaiApiKey),
    OPENAI_COMPATIBLE_API_KEY: state(config.openaiCompatibleApiKey),
    GROQ_BASE_URL: config.groqBaseUrl,
    OPENAI_BASE_URL: config.openaiBaseUrl,
    OLLAMA_HOST: config.ollamaHost,
    GRIDTUNE_CACHE_DIR: config.cacheDir,
  };
}
